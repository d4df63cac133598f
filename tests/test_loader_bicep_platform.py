"""A subscription-level platform written as Azure Verified Modules and the multi-region AKS
reference architecture write Bicep: shared types, variables and functions imported from another
file, resource groups in a loop with stamps scoped to them by name, nullable parameters, module
outputs feeding other modules, and a `.bicepparam` that extends a `using none` base file."""

from __future__ import annotations

import pytest

from bcdr_lint import engine
from bcdr_lint.model import Kind, Unresolved

ROOT = "tests/inputs/bicep/platform"
MAIN = f"{ROOT}/main.bicep"
PARAMS = f"{ROOT}/params/prod.bicepparam"
STAMP = f"{ROOT}/modules/stamp.bicep"
KEY = f"bicep:{MAIN}@{PARAMS}:"


@pytest.fixture
def platform(at_root):
    return engine.check([ROOT]).model


def test_resource_groups_take_imported_names_and_the_stamps_from_the_extending_parameter_file(platform) -> None:
    groups = platform.of_kind(Kind.RESOURCE_GROUP)
    # `groupName()` and `naming.groupName()` are the exported function of shared.bicep;
    # `stamps` is the prod file's loop over the imported `defaultStamps`.
    assert [(g.key, g.name, g.region) for g in groups] == [
        (f"{KEY}stampGroups[0]", "rg-orders-eastus2", "eastus2"),
        (f"{KEY}stampGroups[1]", "rg-orders-centralus", "centralus"),
        (f"{KEY}hubGroup", "rg-orders-hub", "eastus2"),
    ]
    # `workload` comes from the base file the prod file extends.
    assert all(g.deployment.path == PARAMS for g in groups)


def test_a_stamp_scoped_to_a_resource_group_by_name_is_in_that_groups_region(platform) -> None:
    clusters = platform.of_kind(Kind.AKS_CLUSTER)
    assert [(c.key, c.name, c.region, c.resource_group) for c in clusters] == [
        (f"{KEY}stampDeployments[0]/cluster", "aks-orders-eastus2", "eastus2", "rg-orders-eastus2"),
        (f"{KEY}stampDeployments[1]/cluster", "aks-orders-centralus", "centralus", "rg-orders-centralus"),
    ]
    # The prod file's `tier = 'Premium'` overrides the base file's 'Standard'.
    assert [c.get("sku_tier") for c in clusters] == ["premium", "premium"]
    # `location: location` in the module, whose default is `resourceGroup().location`.
    region = clusters[0].loc("region")
    assert (region.path, region.start_line, region.start_col, region.end_col) == (STAMP, 68, 3, 21)
    assert clusters[0].loc("sku_tier").start_line == 71


def test_node_pools_of_a_looped_profile_with_nullable_parameters(platform) -> None:
    pools = platform.of_kind(Kind.NODE_POOL)
    assert [(p.name, p.get("count"), p.get("zones")) for p in pools] == [
        ("aks-orders-eastus2/system", 3, ["1", "2", "3"]),  # `systemPool.?count ?? 3`, systemPool null
        ("aks-orders-eastus2/user", 2, ["1", "2", "3"]),
        ("aks-orders-centralus/system", 3, ["1", "2", "3"]),
        ("aks-orders-centralus/user", 2, ["1", "2", "3"]),
    ]
    zones = pools[0].loc("zones")
    assert (zones.path, zones.start_line, zones.start_col) == (STAMP, 91, 7)
    subnet = platform.target(pools[0], "subnet")
    assert subnet is not None and subnet.name == "vnet-orders-eastus2/snet-nodes"
    assert platform.target(subnet, "vnet").region == "eastus2"


def test_the_hub_registry_replicates_to_every_other_stamp_region(platform) -> None:
    (registry,) = platform.of_kind(Kind.CONTAINER_REGISTRY)
    assert (registry.name, registry.region, registry.resource_group) == ("acrordershub", "eastus2", "rg-orders-hub")
    replicas = platform.of_kind(Kind.REGISTRY_REPLICA)
    assert [(r.key, r.region) for r in replicas] == [(f"{KEY}registry/acr/replicas[centralus]", "centralus")]
    assert platform.target(replicas[0], "registry") is registry


def test_traffic_manager_endpoints_lead_to_the_stamps_public_ips(platform) -> None:
    endpoints = platform.of_kind(Kind.TRAFFIC_MANAGER_ENDPOINT)
    assert [(e.name, e.get("endpoint_location")) for e in endpoints] == [
        ("tm-orders-global/eastus2", "eastus2"), ("tm-orders-global/centralus", "centralus"),
    ]
    hosts = [platform.target(e, "host_resource") for e in endpoints]
    assert [h.name for h in hosts] == ["pip-orders-eastus2", "pip-orders-centralus"]
    assert [h.get("fqdn") for h in hosts] == ["orders-eastus2.eastus2.cloudapp.azure.com",
                                              "orders-centralus.centralus.cloudapp.azure.com"]


def test_values_only_known_at_deployment_stay_unresolved_and_nothing_is_an_error(at_root) -> None:
    result = engine.check([ROOT])
    assert result.model.parse_errors == ()
    # Nothing the rules need is unknown here: no BCDR002 at all.
    assert [f.rule_id for f in result.findings if f.rule_id in ("BCDR001", "BCDR002")] == []


def test_without_its_parameter_file_the_hub_region_is_unresolved(at_root) -> None:
    # The template checked alone (parameter files in another folder are not among the files):
    # `hubRegion` has `@allowed` values but no default, so the hub and its registry are unresolved.
    model = engine.check([MAIN]).model
    hub = next(g for g in model.of_kind(Kind.RESOURCE_GROUP) if g.name == "rg-orders-hub")
    assert isinstance(hub.region, Unresolved)
    assert hub.region.reason == "parameter 'hubRegion' has no default value and no parameter file sets it"
    (registry,) = model.of_kind(Kind.CONTAINER_REGISTRY)
    assert isinstance(registry.region, Unresolved)
    # The stamps use the imported defaults: 10.x networks, Standard tier.
    assert [c.get("sku_tier") for c in model.of_kind(Kind.AKS_CLUSTER)] == ["standard", "standard"]
