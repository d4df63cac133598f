"""Rules over subscription exports find what they find in the code that deployed them.

Each export fixture is the subscription that the rule's Terraform fixture deploys, exported with
``az graph query`` (``{"data": [...]}`` or a bare array) or ``az resource list``: the findings
must be the same, message for message, located at the export's rows.
"""

import pytest

from tests.helpers import findings_for, run


def _said(paths: list[str], select: list[str]) -> list[tuple[str, str]]:
    return sorted((f.rule_id, f.message) for f in run(paths, select))


@pytest.mark.parametrize(("rules", "export", "terraform"), [
    (["BCDR101"], "fixtures/BCDR101/bad/export", "fixtures/BCDR101/bad/terraform"),
    (["BCDR102"], "fixtures/BCDR102/bad/export", "fixtures/BCDR102/bad/terraform"),
    (["BCDR301", "BCDR302"], "fixtures/BCDR301/bad/export", "fixtures/BCDR301/bad/terraform"),
    (["BCDR302"], "fixtures/BCDR302/bad/export", "fixtures/BCDR302/bad/terraform"),
    (["BCDR401"], "fixtures/BCDR401/bad/export", "fixtures/BCDR401/bad/terraform"),
    (["BCDR402"], "fixtures/BCDR402/bad/export", "fixtures/BCDR402/bad/terraform"),
])
def test_an_export_says_what_the_terraform_says(at_root, rules, export, terraform):
    said = _said([export], [*rules, "BCDR002"])
    assert said  # each fixture is a failing one
    assert said == _said([terraform], [*rules, "BCDR002"])


def test_single_region_graph_export(at_root):
    F = "fixtures/BCDR101/bad/export"
    assert findings_for([F], ["BCDR1", "BCDR002"]) == [("BCDR101", f"{F}/aks-clusters.json", 10)]


def test_unpaired_regions_bare_array_export(at_root):
    F = "fixtures/BCDR102/bad/export"
    assert findings_for([F], ["BCDR1", "BCDR002"]) == [
        ("BCDR102", f"{F}/resources.json", 8),
        ("BCDR102", f"{F}/resources.json", 76),
        ("BCDR102", f"{F}/resources.json", 144),
    ]


def test_peered_basic_cluster_graph_export(at_root):
    F = "fixtures/BCDR301/bad/export"
    assert findings_for([F], ["BCDR3", "BCDR002"]) == [
        ("BCDR301", f"{F}/resources.json", 225),
        ("BCDR302", f"{F}/resources.json", 225),
    ]
    (finding,) = run([F], ["BCDR301"])
    # The peering is declared inside the eastus2 network's row.
    assert [(r.location.path, r.location.start_line) for r in finding.related] == [(f"{F}/resources.json", 39)]


def test_basic_load_balancer_bare_array_export(at_root):
    F = "fixtures/BCDR302/bad/export"
    assert findings_for([F], ["BCDR3", "BCDR002"]) == [("BCDR302", f"{F}/legacy.json", 48)]


def test_standard_registry_in_az_resource_list(at_root):
    # `az resource list` has the SKU: BCDR401 needs nothing more.
    F = "fixtures/BCDR401/bad/export"
    assert findings_for([F], ["BCDR4"]) == [("BCDR401", f"{F}/az-resource-list.json", 20)]


def test_registry_missing_replicas_graph_export(at_root):
    F = "fixtures/BCDR402/bad/export"
    assert findings_for([F], ["BCDR4", "BCDR002"]) == [("BCDR402", f"{F}/resources.json", 4)]
    (finding,) = run([F], ["BCDR402"])
    assert [(r.location.path, r.location.start_line) for r in finding.related] == [
        (f"{F}/resources.json", 135),
        (f"{F}/resources.json", 201),
    ]


def test_az_resource_list_without_properties_is_unresolved_not_a_pass(at_root):
    F = "fixtures/BCDR302/unresolved/export"
    assert findings_for([F], ["BCDR3", "BCDR4", "BCDR002"]) == [
        ("BCDR002", f"{F}/az-resource-list.json", 13),
        ("BCDR002", f"{F}/az-resource-list.json", 61),
    ]
    lb, sku = run([F], ["BCDR3", "BCDR4", "BCDR002"])
    assert lb.needed_by == ("BCDR302",) and "`properties.networkProfile.loadBalancerSku`" in lb.message
    assert "az graph query" in lb.message and "az group export" in lb.message
    assert sku.needed_by == ("BCDR401",) and "`sku.name`" in sku.message


@pytest.mark.parametrize("shape", ["graph", "graph-array"])
def test_a_healthy_two_region_estate_passes(at_root, shape):
    assert findings_for([f"tests/inputs/exports/{shape}"], ["BCDR1", "BCDR3", "BCDR4", "BCDR001", "BCDR002"]) == []


def test_exported_clusters_count_for_a_registry_written_in_terraform(at_root):
    # A Terraform registry (westeurope + northeurope) and an export of the clusters' subscription:
    # the correlation crosses formats; the related clusters point into the export.
    F = "fixtures/BCDR402"
    assert findings_for([f"{F}/bad/export", f"{F}/cross-format/terraform"], ["BCDR402"]) == [
        ("BCDR402", f"{F}/bad/export/resources.json", 4),
        ("BCDR402", f"{F}/cross-format/terraform/registry.tf", 1),
    ]
    terraform = next(f for f in run([f"{F}/bad/export", f"{F}/cross-format/terraform"], ["BCDR402"])
                     if f.location.path.endswith(".tf"))
    assert "has no replica in centralus, eastus2" in terraform.message
    assert [(r.location.path, r.location.start_line) for r in terraform.related] == [
        (f"{F}/bad/export/resources.json", 135),
        (f"{F}/bad/export/resources.json", 69),
    ]
