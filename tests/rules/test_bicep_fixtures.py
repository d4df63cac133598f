"""The region, networking and registry rules on Bicep fixtures: findings, files and lines."""

from bcdr_lint import engine
from bcdr_lint.model import Kind
from tests.helpers import findings_for, run


def test_single_region_blue_green_clusters(at_root):
    F = "fixtures/BCDR101/bad/bicep"
    # One loop declares both clusters: each is reported at the `location:` they share.
    assert findings_for([F], ["BCDR101"]) == [
        ("BCDR101", f"{F}/main.bicep", 12),
        ("BCDR101", f"{F}/main.bicep", 12),
    ]
    messages = sorted(f.message for f in run([F], ["BCDR101"]))
    assert messages[0].startswith("AKS cluster 'aks-orders-blue' is in westeurope, and so are all 2 AKS clusters")


def test_module_deployed_to_two_regions_is_not_single_region(at_root):
    assert findings_for(["fixtures/BCDR101/good/bicep"], ["BCDR101", "BCDR102", "BCDR002"]) == []


def test_region_of_the_resource_group_is_unresolved(at_root):
    F = "fixtures/BCDR101/unresolved/bicep"
    assert findings_for([F], ["BCDR101", "BCDR002"]) == [("BCDR002", f"{F}/main.bicep", 6)]
    (note,) = run([F], ["BCDR101", "BCDR002"])
    assert "`location` (resourceGroup().location: the resource group's location is known only at deployment)" in note.message


def test_registry_module_holds_back_single_region(at_root):
    F = "fixtures/BCDR101/unresolved/bicep-registry-module"
    assert findings_for([F], ["BCDR101", "BCDR002"]) == [("BCDR002", f"{F}/main.bicep", 17)]


def test_unpaired_regions(at_root):
    F = "fixtures/BCDR102/bad/bicep"
    assert findings_for([F], ["BCDR102"]) == [
        ("BCDR102", f"{F}/clusters.bicep", 9),
        ("BCDR102", f"{F}/clusters.bicep", 20),
    ]
    assert findings_for(["fixtures/BCDR102/good/bicep"], ["BCDR102", "BCDR002"]) == []


def test_basic_load_balancer_in_a_peered_spoke(at_root):
    F = "fixtures/BCDR301/bad/bicep"
    assert findings_for([F], ["BCDR301"]) == [("BCDR301", f"{F}/spoke.bicep", 57)]
    (finding,) = run([F], ["BCDR301"])
    # The peering is a child nested in the spoke's body; its remote side is an `existing` hub.
    assert [(r.location.path, r.location.start_line) for r in finding.related] == [(f"{F}/spoke.bicep", 31)]
    assert findings_for(["fixtures/BCDR301/good/bicep"], ["BCDR301", "BCDR002"]) == []


def test_basic_load_balancer(at_root):
    F = "fixtures/BCDR302/bad/bicep"
    assert findings_for([F], ["BCDR302"]) == [("BCDR302", f"{F}/main.bicep", 14)]
    assert findings_for(["fixtures/BCDR302/good/bicep"], ["BCDR302", "BCDR002"]) == []


def test_registry_not_premium(at_root):
    F = "fixtures/BCDR401/bad/bicep"
    assert findings_for([F], ["BCDR401"]) == [("BCDR401", f"{F}/main.bicep", 13)]
    assert findings_for(["fixtures/BCDR401/good/bicep"], ["BCDR401", "BCDR002"]) == []


def test_registry_missing_replica(at_root):
    F = "fixtures/BCDR402/bad/bicep"
    assert findings_for([F], ["BCDR402"]) == [("BCDR402", f"{F}/main.bicep", 7)]
    (finding,) = run([F], ["BCDR402"])
    assert "(home eastus2, replicas in westus3) has no replica in centralus" in finding.message
    assert [(r.location.path, r.location.start_line) for r in finding.related] == [(f"{F}/main.bicep", 22)]
    assert findings_for(["fixtures/BCDR402/good/bicep"], ["BCDR402", "BCDR002"]) == []


def test_two_stamps_from_one_template_and_two_parameter_files(at_root):
    F = "fixtures/BCDR402/bad/bicep-stamps"
    template = f"{F}/cluster-stamp.bicep"
    result = engine.check([F])
    clusters = result.model.of_kind(Kind.AKS_CLUSTER)
    # One cluster per parameter file, both declared at the template's line 50.
    assert sorted((c.name, c.region, c.deployment.path, c.location.path, c.location.start_line) for c in clusters) == [
        ("aks-checkout-cus", "centralus", f"{F}/centralus.bicepparam", template, 50),
        ("aks-checkout-use2", "eastus2", f"{F}/eastus2.bicepparam", template, 50),
    ]
    pools = {p.name: p.get("count") for p in result.model.of_kind(Kind.NODE_POOL)}
    assert pools == {"aks-checkout-cus/system": 2, "aks-checkout-use2/system": 3}
    # eastus2 and centralus are a pair: no region finding.
    assert findings_for([F], ["BCDR101", "BCDR102"]) == []
    # Each deployment's registry misses centralus: one finding at the template line, with each
    # parameter file as a related location.
    assert findings_for([F], ["BCDR402"]) == [("BCDR402", template, 80)]
    (finding,) = run([F], ["BCDR402"])
    assert finding.message.startswith(
        "container registry 'acrcheckoutshared' (home eastus2, replicas in westus3) has no replica in centralus"
    )
    assert [(r.location.path, r.location.start_line, r.message) for r in finding.related] == [
        (template, 52, "AKS cluster 'aks-checkout-cus' runs in centralus"),
        (f"{F}/centralus.bicepparam", 1, f"deployed with {F}/centralus.bicepparam"),
        (f"{F}/eastus2.bicepparam", 1, f"deployed with {F}/eastus2.bicepparam"),
    ]


def test_clusters_in_resource_groups_named_by_scope_are_in_those_groups_region(at_root):
    F = "fixtures/BCDR101/bad/bicep-subscription"
    # `scope: resourceGroup('rg-payments-${colour}')` names groups the template deploys in
    # westeurope: `resourceGroup().location` in the module is known, so is the single region.
    assert findings_for([F], ["BCDR101", "BCDR002"]) == [
        ("BCDR101", f"{F}/cluster.bicep", 9),
        ("BCDR101", f"{F}/cluster.bicep", 9),
    ]
    clusters = engine.check([F]).model.of_kind(Kind.AKS_CLUSTER)
    assert [(c.name, c.resource_group, c.region) for c in clusters] == [
        ("aks-payments-blue", "rg-payments-blue", "westeurope"),
        ("aks-payments-green", "rg-payments-green", "westeurope"),
    ]


def test_registry_replicas_from_an_imported_list_miss_a_region_the_parameter_file_adds(at_root):
    F = "fixtures/BCDR402/bad/bicep-imports"
    # Names and regions are imported from shared.bicep; prod.bicepparam extends base.bicepparam
    # and adds westus3 to `...base.clusterRegions`.
    assert findings_for([F], ["BCDR402", "BCDR002"]) == [("BCDR402", f"{F}/main.bicep", 9)]
    (finding,) = run([F], ["BCDR402"])
    assert finding.message.startswith(
        "container registry 'acrpaymentsshared' (home eastus2, replicas in centralus) has no replica in westus3"
    )
    assert [(r.location.path, r.location.start_line) for r in finding.related] == [
        (f"{F}/main.bicep", 32), (f"{F}/prod.bicepparam", 1),
    ]
    pools = engine.check([F]).model.of_kind(Kind.NODE_POOL)
    assert [p.get("zones") for p in pools] == [["1", "2", "3"]] * 3  # `zones ?? [...]`: zones is nullable
