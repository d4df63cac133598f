"""BCDR401 registry-not-premium and BCDR402 registry-missing-replica."""

from tests.helpers import findings_for, run


def test_standard_registry_with_clusters(at_root):
    F = "fixtures/BCDR401"
    assert findings_for([f"{F}/bad/terraform"], ["BCDR401"]) == [
        ("BCDR401", f"{F}/bad/terraform/main.tf", 5),
    ]
    assert findings_for([f"{F}/bad/arm"], ["BCDR401"]) == [
        ("BCDR401", f"{F}/bad/arm/azuredeploy.json", 13),
    ]
    (finding,) = run([f"{F}/bad/arm"], ["BCDR401"])
    assert "SKU Basic" in finding.message


def test_premium_or_no_clusters_pass(at_root):
    for variant in ("good/terraform", "good/arm", "good/no-clusters"):
        assert findings_for([f"fixtures/BCDR401/{variant}"], ["BCDR401"]) == []


def test_missing_replicas_terraform(at_root):
    F = "fixtures/BCDR402"
    assert findings_for([f"{F}/bad/terraform"], ["BCDR402"]) == [
        ("BCDR402", f"{F}/bad/terraform/main.tf", 5),
    ]
    (finding,) = run([f"{F}/bad/terraform"], ["BCDR402"])
    assert "no replica in centralus, westeurope" in finding.message
    assert [(r.location.path, r.location.start_line) for r in finding.related] == [
        (f"{F}/bad/terraform/main.tf", 32),
        (f"{F}/bad/terraform/main.tf", 45),
    ]


def test_missing_replica_with_replication_resources_arm(at_root):
    F = "fixtures/BCDR402"
    assert findings_for([f"{F}/bad/arm"], ["BCDR402"]) == [
        ("BCDR402", f"{F}/bad/arm/azuredeploy.json", 12),
    ]
    (finding,) = run([f"{F}/bad/arm"], ["BCDR402"])
    assert "no replica in northeurope" in finding.message
    assert "replicas in centralus" in finding.message


def test_replicas_cover_every_cluster_region(at_root):
    assert findings_for(["fixtures/BCDR402/good/terraform"], ["BCDR402"]) == []
    assert findings_for(["fixtures/BCDR402/good/arm"], ["BCDR402"]) == []


def test_registry_in_terraform_clusters_in_arm(at_root):
    F = "fixtures/BCDR402/cross-format"
    assert findings_for([F], ["BCDR402"]) == [
        ("BCDR402", f"{F}/terraform/registry.tf", 1),
    ]
    (finding,) = run([F], ["BCDR402"])
    assert "no replica in uksouth" in finding.message
    assert [(r.location.path, r.location.start_line) for r in finding.related] == [
        (f"{F}/arm/clusters.json", 19),
    ]


def test_many_clusters_are_summarised_not_listed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    clusters = "".join(
        f"""
resource "azurerm_kubernetes_cluster" "c{i}" {{
  name                = "aks-{i:02d}"
  location            = "westus2"
  resource_group_name = "rg"
  dns_prefix          = "c{i}"
  default_node_pool {{
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }}
}}
"""
        for i in range(15)
    )
    registry = '''
resource "azurerm_container_registry" "acr" {
  name                = "bigacr"
  resource_group_name = "rg"
  location            = "eastus2"
  sku                 = "Premium"
}
'''
    (tmp_path / "main.tf").write_text(registry + clusters)
    (finding,) = run(["."], ["BCDR402"])
    assert "westus2 ('aks-00', 'aks-01', 'aks-02' and 12 more)" in finding.message
    assert finding.message.endswith("(5 more related locations not listed)")
    assert len(finding.related) == 10


def test_copies_of_one_template_each_keep_their_replica(at_root):
    # dev/ and prod/ both declare registry 'contosoacr' with a replication 'contosoacr/westus':
    # each replication belongs to the registry of its own file.
    assert findings_for(["fixtures/BCDR402/good/copied-template"], ["BCDR402", "BCDR002"]) == []


def test_replica_of_an_unknown_registry_may_be_the_missing_one(at_root):
    F = "fixtures/BCDR402/unresolved/arm"
    assert findings_for([F], ["BCDR402", "BCDR002"]) == [("BCDR002", f"{F}/azuredeploy.json", 18)]
