"""End to end: a two-region AKS platform written as teams write one (westeurope + northeurope,
hub-spoke VNets with global hub peering, Premium zone-redundant ACR replicated to both regions,
Front Door Premium with one probed origin per region's ingress IP, geo-redundant PostgreSQL,
GZRS storage, three services with 3 replicas, PDBs and HPAs, a Velero schedule, a matrix
workflow over both clusters), once in Terraform and once in Bicep, plus a single-region Free-tier
``dev`` environment. The prod platform follows the guidance, so it has no findings; dev has
only its real gaps."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bcdr_lint.cli import main
from tests.helpers import findings_for

ROOT = "tests/inputs/e2e"
MODULES = f"{ROOT}/infra/modules"
PROD = [f"{ROOT}/infra/envs/prod", MODULES, f"{ROOT}/k8s", f"{ROOT}/.github/workflows/deploy-prod.yml"]


def test_terraform_prod_platform_that_follows_the_guidance_has_no_findings(at_root):
    assert findings_for(PROD) == []


def test_bicep_prod_platform_with_two_parameter_files_has_no_findings(at_root):
    assert findings_for([f"{ROOT}/bicep", f"{ROOT}/k8s"]) == []


def test_dev_environment_reports_only_its_real_gaps(at_root):
    dev = [f"{ROOT}/infra/envs/dev", f"{MODULES}/aks", f"{MODULES}/network", f"{ROOT}/.github/workflows/deploy-dev.yml"]
    assert findings_for(dev) == [
        ("BCDR101", f"{MODULES}/aks/main.tf", 24),  # one cluster, one region
        ("BCDR401", f"{ROOT}/infra/envs/dev/main.tf", 46),  # Standard registry
        ("BCDR802", f"{MODULES}/aks/main.tf", 28),  # sku_tier = "Free" passed by dev
        ("BCDR803", f"{MODULES}/aks/main.tf", 36),  # system_min_count = 1 passed by dev
    ]


def test_topology_names_bicep_origin_groups_once_and_places_origins_by_their_public_ip(at_root):
    result = CliRunner().invoke(main, ["topology", f"{ROOT}/bicep"])
    assert result.exit_code == 0, result.output
    assert "afd-shop-prod/aks-ingress  " in result.output
    assert "afd-shop-prod/afd-shop-prod" not in result.output
    router = result.output.split("Traffic routers:")[1].split("Registries:")[0]
    assert "(unresolved))" not in router
    assert router.count("(westeurope)") == 2 and router.count("(northeurope)") == 2


def test_topology_places_terraform_front_door_origins_by_their_public_ip(at_root):
    result = CliRunner().invoke(main, ["topology", *PROD])
    assert result.exit_code == 0, result.output
    router = result.output.split("Traffic routers:")[1].split("Registries:")[0]
    assert "afd-shop-prod/aks-ingress  " in router
    assert "(unresolved))" not in router
    assert router.count("(westeurope)") == 1 and router.count("(northeurope)") == 1


def test_a_workflow_naming_a_resource_group_is_not_said_to_name_none(at_root):
    # The Bicep copy of prod deploys to a resource group it does not name, so the workflow's
    # rg-shop-prod-primary may be its group too: unresolved, but the step does name a group.
    result = CliRunner().invoke(main, ["check", f"{ROOT}/infra/envs/prod", MODULES, f"{ROOT}/bicep",
                                       f"{ROOT}/.github/workflows/deploy-prod.yml", "--format", "json"])
    findings = json.loads(result.output)["findings"]
    notes = sorted((f["rule_id"], f["location"]["start_line"], f["message"]) for f in findings)
    assert [n[:2] for n in notes] == [("BCDR002", 27), ("BCDR002", 27)]
    for _, _, message in notes:
        assert "names no resource group" not in message
        assert "resource group 'rg-shop-prod-" in message and "may be that of" in message
