"""BCDR403 registry-not-zone-redundant and BCDR404 image-outside-replicated-registry."""

import pytest

from bcdr_lint.rules.registry.bcdr404_image_outside_replicated_registry import acr_name, registry_host
from tests.helpers import findings_for, run

Z = "fixtures/BCDR403"
I = "fixtures/BCDR404"


# -- BCDR403 -------------------------------------------------------------------------------


def test_registry_and_replica_in_regions_without_zones_terraform(at_root):
    assert findings_for([f"{Z}/bad/terraform"], ["BCDR403"]) == [
        ("BCDR403", f"{Z}/bad/terraform/main.tf", 4),  # the registry in westus
        ("BCDR403", f"{Z}/bad/terraform/main.tf", 13),  # the replica in northcentralus (eastus has zones)
    ]
    registry, replica = run([f"{Z}/bad/terraform"], ["BCDR403"])
    assert registry.message.startswith("container registry 'contosoacr' is in westus, a region without availability zones")
    assert replica.message.startswith("geo-replica 'northcentralus' of container registry 'contosoacr' is in northcentralus")
    assert [(r.location.start_line, r.message) for r in replica.related] == [(1, "container registry 'contosoacr'")]


def test_registry_and_replica_in_regions_without_zones_arm(at_root):
    assert findings_for([f"{Z}/bad/arm"], ["BCDR403"]) == [
        ("BCDR403", f"{Z}/bad/arm/azuredeploy.json", 20),  # nested replication in ukwest
        ("BCDR403", f"{Z}/bad/arm/azuredeploy.json", 30),  # a Standard registry in "West Central US"
    ]


def test_regions_with_zones_pass_whatever_zone_redundancy_says(at_root):
    # zone_redundancy_enabled = false in eastus2: registries there are zone-redundant by default.
    # usgovvirginia: the region data does not say whether it has zones, so nothing is claimed.
    assert findings_for([f"{Z}/good"], ["BCDR403", "BCDR002"]) == []


def test_unresolved_regions_are_notes(at_root):
    assert findings_for([f"{Z}/unresolved"], ["BCDR403", "BCDR002"]) == [
        ("BCDR002", f"{Z}/unresolved/arm/azuredeploy.json", 12),
        ("BCDR002", f"{Z}/unresolved/arm/azuredeploy.json", 19),
    ]


# -- BCDR404 -------------------------------------------------------------------------------


@pytest.mark.parametrize("image, host", [
    ("nginx", "docker.io"),
    ("nginx:1.27", "docker.io"),
    ("bitnami/redis:7.2", "docker.io"),
    ("docker.io/library/nginx:1.27", "docker.io"),
    ("ghcr.io/org/app@sha256:abc", "ghcr.io"),
    ("ContosoACR.azurecr.io:443/web:1", "contosoacr.azurecr.io"),
    ("localhost:5000/web", "localhost"),
    ("contosoacr.azurecr.io/web:${TAG}", "contosoacr.azurecr.io"),  # only the tag is a placeholder
    ("nginx:${TAG}", "docker.io"),
    ("${REGISTRY}/web:1.0", None),
    ("$REGISTRY/web", None),
    ("$(acrName).azurecr.io/web", None),
    ("#{acr}#.azurecr.io/web", None),
    ("{{ .Values.image.repository }}:{{ .Values.image.tag }}", None),
    ("${IMAGE}", None),
])
def test_registry_host_as_docker_reads_it(image, host):
    assert registry_host(image) == host


def test_acr_name_from_login_server():
    assert acr_name("contosoacr.azurecr.io") == "contosoacr"
    assert acr_name("contosoacr.azurecr.cn") == "contosoacr"
    assert acr_name("azurecr.io") is None and acr_name("ghcr.io") is None


def test_each_image_outside_a_geo_replicated_registry_is_a_note(at_root):
    path = f"{I}/bad/k8s/storefront.yaml"
    assert findings_for([f"{I}/bad"], ["BCDR404"]) == [
        ("BCDR404", path, 20),  # contosoacr: Standard (Terraform)
        ("BCDR404", path, 24),  # nginx from Docker Hub
        ("BCDR404", path, 26),  # ghcr.io
        ("BCDR404", path, 43),  # northwindacr: Premium without replicas (ARM)
        ("BCDR404", path, 59),  # fabrikamacr: not in the checked files
    ]
    standard, hub, ghcr, unreplicated, unknown = run([f"{I}/bad"], ["BCDR404"])
    assert all(f.level == "note" for f in (standard, hub, ghcr, unreplicated, unknown))
    assert "from container registry 'contosoacr', which is Standard (only Premium registries geo-replicate)" in standard.message
    assert [(r.location.path, r.location.start_line) for r in standard.related] == [(f"{I}/bad/terraform/registry.tf", 1)]
    # Docker Hub, ghcr.io, even mcr.microsoft.com (replicated by Microsoft) are outside your control.
    assert "pulls image 'nginx:1.27' from docker.io, not from a geo-replicated registry of your own" in hub.message
    assert "which is Premium but has no geo-replica" in unreplicated.message
    assert [(r.location.path, r.location.start_line) for r in unreplicated.related] == [(f"{I}/bad/arm/registry.json", 5)]
    assert "CronJob 'nightly-report'" in unknown.message
    assert "registry 'fabrikamacr', which is not in the checked files" in unknown.message


def test_init_containers_that_run_to_completion_are_not_checked(at_root):
    # busybox:1.36 waits for the API before the pod starts (line 16): no finding there.
    lines = [line for _, _, line in findings_for([f"{I}/bad"], ["BCDR404"])]
    assert 16 not in lines


def test_images_from_geo_replicated_registries_pass(at_root):
    # Terraform georeplications and an ARM replications resource; login servers are case-insensitive.
    assert findings_for([f"{I}/good"], ["BCDR404", "BCDR002"]) == []


def test_a_registry_alone_without_replicas_is_not_enough(at_root):
    # The same manifests without the ARM template that declares northwindacr and its replica.
    assert findings_for([f"{I}/good/k8s", f"{I}/good/terraform"], ["BCDR404"]) == [
        ("BCDR404", f"{I}/good/k8s/storefront.yaml", 36),
    ]


def test_placeholders_and_unresolved_registry_names_are_notes_not_guesses(at_root):
    folder = f"{I}/unresolved"
    assert findings_for([folder], ["BCDR404", "BCDR002"]) == [
        ("BCDR002", f"{folder}/arm/registry.json", 11),  # a registry whose name may be tailspinacr
        ("BCDR002", f"{folder}/k8s/checkout.yaml", 16),  # ${REGISTRY}/...
        ("BCDR002", f"{folder}/k8s/checkout.yaml", 18),  # {{ .Values... }}
    ]


def test_a_replica_that_may_not_be_deployed_is_a_note(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text('''
resource "azurerm_container_registry" "acr" {
  name                = "contosoacr"
  resource_group_name = "rg"
  location            = "eastus2"
  sku                 = "Premium"
}
''')
    (tmp_path / "infra" / "replica.json").write_text('''{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "parameters": { "replicate": { "type": "bool" } },
  "resources": [
    {
      "condition": "[parameters('replicate')]",
      "type": "Microsoft.ContainerRegistry/registries/replications",
      "apiVersion": "2023-07-01",
      "name": "contosoacr/centralus",
      "location": "centralus"
    }
  ]
}
''')
    (tmp_path / "app.yaml").write_text('''apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: contosoacr.azurecr.io/web:1.0
''')
    assert findings_for(["."], ["BCDR404", "BCDR002"]) == [("BCDR002", "infra/replica.json", 7)]
