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
    assert findings_for([F], ["BCDR302", "BCDR4", "BCDR002"]) == [
        ("BCDR002", f"{F}/az-resource-list.json", 13),
        ("BCDR002", f"{F}/az-resource-list.json", 61),
    ]
    lb, sku = run([F], ["BCDR302", "BCDR4", "BCDR002"])
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


# -- exports too thin for a rule: the rule says it could not run, once per resource -----------------


def test_node_pool_rules_say_a_cluster_listed_without_its_pools_was_not_checked(at_root):
    # `az resource list` lists clusters without agentPoolProfiles: no pool to check is not a pass.
    F = "fixtures/BCDR801/unlisted/export"
    assert findings_for([F], ["BCDR8", "BCDR002"]) == [
        ("BCDR002", f"{F}/az-resource-list.json", 13),
        ("BCDR002", f"{F}/az-resource-list.json", 40),
    ]
    west, north = run([F], ["BCDR801", "BCDR803", "BCDR002"])
    assert west.needed_by == ("BCDR801", "BCDR803")
    assert west.message.startswith("AKS cluster 'aks-claims-westeurope': the list of its node pools is unresolved: "
                                   "`properties.agentPoolProfiles` (the export lists this resource without its "
                                   "`properties`, as `az resource list` does; for a full export use `az graph query")
    assert north.message.startswith("AKS cluster 'aks-claims-northeurope': the list of its node pools")


def test_peering_rule_says_a_network_listed_without_its_peerings_was_not_checked(at_root):
    # A Basic cluster (ARM) in a network that an `az resource list` export lists without peerings:
    # BCDR302 still fires; BCDR301 cannot tell whether the network is peered, and says so at the network.
    F = "fixtures/BCDR301/unlisted/export"
    assert findings_for([F], ["BCDR3", "BCDR002"]) == [
        ("BCDR002", f"{F}/az-resource-list.json", 13),
        ("BCDR302", f"{F}/legacy-cluster.json", 28),
    ]
    (note,) = run([F], ["BCDR301", "BCDR002"])
    assert note.needed_by == ("BCDR301",)
    assert note.message.startswith("virtual network 'vnet-legacy-eastus': the list of its peerings is unresolved: "
                                   "`properties.virtualNetworkPeerings`")


def test_az_resource_list_cluster_and_network_tell_every_networking_rule(at_root):
    # A cluster and its network both without properties: BCDR301 needs the cluster's pools (its
    # network) and BCDR302 its load balancer SKU; each note says which rules could not run.
    F = "fixtures/BCDR302/unresolved/export"
    notes = {(f.location.start_line, f.message.split(":")[1].strip()): f.needed_by for f in run([F], ["BCDR3", "BCDR8", "BCDR002"])}
    assert notes == {
        (13, "load balancer SKU is unresolved"): ("BCDR302",),
        (13, "the list of its node pools is unresolved"): ("BCDR301", "BCDR801", "BCDR803"),
    }


def test_router_rules_say_a_profile_listed_without_its_endpoints_was_not_checked(at_root):
    # Without its endpoints a Traffic Manager profile is not "a profile with no endpoint" (BCDR204)
    # nor "a profile that routes elsewhere" (BCDR202): one note says neither could run.
    F = "fixtures/BCDR204/unlisted/export"
    findings = run([F], ["BCDR2", "BCDR002"])
    assert sorted((f.rule_id, f.location.path, f.location.start_line, f.needed_by) for f in findings) == [
        ("BCDR002", f"{F}/az-resource-list.json", 13, ("BCDR202", "BCDR204")),
        ("BCDR002", f"{F}/az-resource-list.json", 13, ("BCDR203",)),
        ("BCDR002", f"{F}/az-resource-list.json", 13, ("BCDR205",)),
    ]
    assert "the list of its endpoints is unresolved: `properties.endpoints`" in findings[0].message + findings[1].message + findings[2].message


def test_a_thin_export_of_every_modelled_type_gives_notes_never_a_default_verdict(tmp_path):
    # Two clusters in a region pair behind a router, so the rules about all clusters pass; every
    # other rule lacks what it needs from `properties` or `sku` and must say so, not pass or fail.
    import json

    rows = [{"name": name, "type": resource_type, "location": region, "resourceGroup": "rg-estate", "properties": None}
            for name, resource_type, region in [
                ("aks-east", "Microsoft.ContainerService/managedClusters", "eastus2"),
                ("aks-central", "Microsoft.ContainerService/managedClusters", "centralus"),
                ("aks-east/batch", "Microsoft.ContainerService/managedClusters/agentPools", "eastus2"),
                ("acr", "Microsoft.ContainerRegistry/registries", "eastus2"),
                ("acr/centralus", "Microsoft.ContainerRegistry/registries/replications", "centralus"),
                ("vnet", "Microsoft.Network/virtualNetworks", "eastus2"),
                ("vnet/peer", "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "eastus2"),
                ("tm", "Microsoft.Network/trafficManagerProfiles", "global"),
                ("tm/east", "Microsoft.Network/trafficManagerProfiles/azureEndpoints", "global"),
                ("afd", "Microsoft.Cdn/profiles", "global"),
                ("afd/og", "Microsoft.Cdn/profiles/originGroups", "global"),
                ("afd/og/east", "Microsoft.Cdn/profiles/originGroups/origins", "global"),
                ("afd/og/central", "Microsoft.Cdn/profiles/originGroups/origins", "global"),
                ("fd-classic", "Microsoft.Network/frontDoors", "global"),
                ("pip", "Microsoft.Network/publicIPAddresses", "eastus2"),
                ("st", "Microsoft.Storage/storageAccounts", "eastus2"),
                ("pg", "Microsoft.DBforPostgreSQL/flexibleServers", "eastus2"),
                ("sql", "Microsoft.Sql/servers", "eastus2"),
                ("sql/orders", "Microsoft.Sql/servers/databases", "eastus2"),
                ("sql/fog", "Microsoft.Sql/servers/failoverGroups", "eastus2"),
                ("cosmos", "Microsoft.DocumentDB/databaseAccounts", "eastus2"),
            ]]
    export = tmp_path / "az-resource-list.json"
    export.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    findings = run([str(export)])
    assert findings  # the notes
    assert {(f.rule_id, f.message) for f in findings if f.rule_id != "BCDR002"} == set()
    needed = {rule for f in findings for rule in f.needed_by}
    # Every rule that reads properties or SKUs was told what it lacks (BCDR101/102/201 need regions
    # only, BCDR403 the region's zones).
    assert needed >= {"BCDR202", "BCDR203", "BCDR204", "BCDR205", "BCDR301", "BCDR302", "BCDR401",
                      "BCDR601", "BCDR602", "BCDR801", "BCDR802", "BCDR803"}


def test_a_large_export_builds_only_the_related_locations_it_shows(tmp_path, monkeypatch):
    # 200 Premium registries without replicas and 300 clusters in other regions: each finding shows
    # 10 clusters; building all 300 for each registry made a 10,000-row export take seconds.
    import json

    from bcdr_lint.rules.registry import bcdr402_registry_missing_replica as bcdr402

    rows = [{"id": f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr{i}",
             "name": f"acr{i}", "type": "microsoft.containerregistry/registries", "location": "eastus2",
             "sku": {"name": "Premium"}, "properties": {"zoneRedundancy": "Enabled"}} for i in range(200)]
    rows += [{"id": f"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks{i}",
              "name": f"aks{i}", "type": "microsoft.containerservice/managedclusters",
              "location": ("centralus", "westus3", "eastus")[i % 3], "sku": {"tier": "Standard"},
              "properties": {"networkProfile": {"loadBalancerSku": "standard"}}} for i in range(300)]
    export = tmp_path / "estate.json"
    export.write_text(json.dumps({"count": len(rows), "data": rows}), encoding="utf-8")
    built = []
    real = bcdr402.related
    monkeypatch.setattr(bcdr402, "related", lambda *args: built.append(args) or real(*args))
    findings = run([str(export)], ["BCDR402"])
    assert len(findings) == 200
    assert all(len(f.related) == 10 and f.message.endswith("(290 more related locations not listed)") for f in findings)
    assert len(built) == 200 * 10
