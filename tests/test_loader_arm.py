"""The ARM template loader: resources, attributes, positions, references, and bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bcdr_lint.loaders.arm import load_file
from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.model import Kind, Location, Model, Ref, Resource, Unresolved

INPUTS = "tests/inputs/arm"


def load(name: str) -> LoadResult:
    return load_file(f"{INPUTS}/{name}")


def by_name(result: LoadResult) -> dict[str, Resource]:
    return {str(r.name): r for r in result.resources}


def summary(result: LoadResult) -> list[tuple[str, str, object, int]]:
    return [(r.kind.value, str(r.name), r.region, r.location.start_line) for r in result.resources]


@pytest.fixture(autouse=True)
def _at_root(at_root):
    return at_root


# -- a full template: variables, parameters, inline and nested children, JSONC ---------------


def test_full_template_yields_each_modelled_resource() -> None:
    # aks_full.json has a `//` comment and trailing commas, as ARM allows: no error, same lines.
    result = load("aks_full.json")
    assert result.errors == []
    assert [(kind, name, str(region), line) for kind, name, region, line in summary(result)] == [
        ("virtual-network", "contoso-vnet", "eastus2", 18),
        ("subnet", "contoso-vnet/aks", "None", 26),
        ("vnet-peering", "contoso-vnet/to-west", "None", 29),
        ("aks-cluster", "contoso-aks", "eastus2", 38),
        ("aks-node-pool", "contoso-aks/system", "None", 47),
        ("aks-node-pool", "contoso-aks/user", "None", 57),
        ("container-registry", "reg01", "resourceGroup().location", 65),
        ("registry-replica", "concat(variables('names').primary, '/', parameters('secondaryName'))", "centralus", 73),
        ("registry-replica", "reg01/westus", "westus", 79),
    ]


def test_cluster_attributes_and_their_lines() -> None:
    cluster = by_name(load("aks_full.json"))["contoso-aks"]
    assert cluster.key == "arm:tests/inputs/arm/aks_full.json:Microsoft.ContainerService/managedClusters/[variables('clusterName')]"
    assert cluster.source_type == "Microsoft.ContainerService/managedClusters"
    assert (cluster.azure_type, cluster.azure_names) == ("microsoft.containerservice/managedclusters", ("contoso-aks",))
    assert dict(cluster.attrs) == {"load_balancer_sku": "standard", "sku_tier": "standard"}
    assert cluster.resource_group is None
    assert cluster.location == Location("tests/inputs/arm/aks_full.json", 38, 5, 64, 6)
    assert {k: v.start_line for k, v in cluster.attr_locations.items()} == {
        "region": 42, "name": 41, "sku_tier": 43, "load_balancer_sku": 45,
    }
    assert cluster.loc("region") == Location("tests/inputs/arm/aks_full.json", 42, 7, 42, 47)


def test_inline_pool_profiles_become_node_pools() -> None:
    pool = by_name(load("aks_full.json"))["contoso-aks/system"]
    assert pool.kind is Kind.NODE_POOL
    assert pool.source_type == "Microsoft.ContainerService/managedClusters/agentPools"
    assert dict(pool.attrs) == {"pool_name": "system", "mode": "system", "zones": ["1", "2", "3"], "count": 3}
    assert {k: v.start_line for k, v in pool.attr_locations.items()} == {
        "pool_name": 48, "name": 48, "mode": 49, "count": 50, "zones": 51, "subnet": 52,
    }
    assert pool.refs["subnet"] == Ref(
        type="microsoft.network/virtualnetworks/subnets", names=("contoso-vnet", "aks"), text="variables('subnetId')"
    )


def test_nested_agent_pool_resource_with_unresolved_subnet() -> None:
    pool = by_name(load("aks_full.json"))["contoso-aks/user"]
    assert dict(pool.attrs) == {"pool_name": "user", "mode": "user", "min_count": 1, "max_count": 5}
    subnet = pool.refs["subnet"]
    assert subnet == Unresolved(
        "resourceGroup().id", "the resource group is known only at deployment",
        Location("tests/inputs/arm/aks_full.json", 61, 73, 61, 111),
    )


def test_unresolved_values_carry_their_expression_and_property_position() -> None:
    resources = by_name(load("aks_full.json"))
    registry = resources["reg01"]
    assert registry.region == Unresolved(
        "resourceGroup().location", "the resource group is known only at deployment",
        Location("tests/inputs/arm/aks_full.json", 69, 7, 69, 47),
    )
    assert dict(registry.attrs) == {"sku": "premium", "zone_redundancy": True}
    replica = resources["concat(variables('names').primary, '/', parameters('secondaryName'))"]
    assert isinstance(replica.name, Unresolved)
    assert replica.name.reason == "parameter 'secondaryName' has no default value"
    assert replica.name.location is not None and replica.name.location.start_line == 76
    assert replica.azure_names == ()
    assert replica.refs["registry"] == replica.name


def test_model_follows_cluster_pool_subnet_vnet_and_peering() -> None:
    model = Model(load("aks_full.json").resources)
    resources = by_name(load("aks_full.json"))
    cluster = model.by_key(resources["contoso-aks"].key)
    assert cluster is not None
    pools = model.referrers(cluster, "cluster")
    assert sorted(str(p.name) for p in pools) == ["contoso-aks/system", "contoso-aks/user"]
    system = next(p for p in pools if p.name == "contoso-aks/system")
    subnet = model.target(system, "subnet")
    assert subnet is not None and subnet.name == "contoso-vnet/aks"
    vnet = model.target(subnet, "vnet")
    assert vnet is not None and vnet.name == "contoso-vnet"
    peering = model.referrers(vnet, "local_vnet")
    assert [str(p.name) for p in peering] == ["contoso-vnet/to-west"]
    replica = next(r for r in model.of_kind(Kind.REGISTRY_REPLICA) if r.name == "reg01/westus")
    registry = model.target(replica, "registry")
    assert registry is not None and registry.name == "reg01"


# -- the three spellings of child resources -------------------------------------------------


def test_children_top_level_nested_and_inline() -> None:
    result = load("network.json")
    assert result.errors == []
    assert summary(result) == [
        ("virtual-network", "vnet-east", "eastus2", 5),
        ("subnet", "vnet-east/aks", None, 12),
        ("vnet-peering", "vnet-east/east-to-west", None, 18),
        ("virtual-network", "vnet-west", "westus2", 30),
        ("subnet", "vnet-west/aks", None, 37),
        ("vnet-peering", "vnet-west/west-to-east", None, 43),
        ("aks-node-pool", "aks-west/user", None, 53),
        ("aks-cluster", "aks-west", "westus2", 64),
        ("aks-node-pool", "aks-west/sys", None, 72),
        ("container-registry", "contosoacr", "eastus2", 76),
        ("registry-replica", "contosoacr/westus2", "westus2", 83),
    ]
    keys = [r.key for r in result.resources]
    assert keys[1] == "arm:tests/inputs/arm/network.json:Microsoft.Network/virtualNetworks/vnet-east/subnets/aks"
    assert keys[4] == "arm:tests/inputs/arm/network.json:Microsoft.Network/virtualNetworks/subnets/vnet-west/aks"
    assert result.resources[1].source_type == "Microsoft.Network/virtualNetworks/subnets"


def test_peerings_resolve_on_both_sides() -> None:
    model = Model(load("network.json").resources)
    east, west = (r for r in model.of_kind(Kind.VIRTUAL_NETWORK))
    east_to_west, west_to_east = model.of_kind(Kind.VNET_PEERING)
    assert (model.target(east_to_west, "local_vnet"), model.target(east_to_west, "remote_vnet")) == (east, west)
    assert (model.target(west_to_east, "local_vnet"), model.target(west_to_east, "remote_vnet")) == (west, east)
    assert west_to_east.refs["remote_vnet"].resource_group == "rg-net"
    assert west_to_east.loc("remote_vnet").start_line == 49


def test_pools_resolve_their_cluster_and_subnet_in_any_spelling() -> None:
    model = Model(load("network.json").resources)
    cluster = model.of_kind(Kind.AKS_CLUSTER)[0]
    subnet = next(s for s in model.of_kind(Kind.SUBNET) if s.name == "vnet-west/aks")
    pools = model.of_kind(Kind.NODE_POOL)
    assert [model.target(p, "cluster") for p in pools] == [cluster, cluster]
    assert [model.target(p, "subnet") for p in pools] == [subnet, subnet]
    assert pools[0].get("zones") == ["1", "2"]  # numbers in availabilityZones read as zone names


def test_nested_replication_refers_to_its_parent_registry() -> None:
    model = Model(load("network.json").resources)
    replica = model.of_kind(Kind.REGISTRY_REPLICA)[0]
    registry = model.of_kind(Kind.CONTAINER_REGISTRY)[0]
    assert model.target(replica, "registry") is registry
    assert dict(replica.attrs) == {"zone_redundancy": False}
    assert dict(registry.attrs) == {"sku": "standard"}


# -- deployments, language version 2.0, recognition ------------------------------------------


def test_nested_deployments_scope_parameters_and_resource_group() -> None:
    result = load("nested_deployment.json")
    assert result.errors == []
    assert summary(result) == [
        ("resource-group", "rg-dr", "centralus", 8),
        ("aks-cluster", "aks-dr", "centralus", 37),
        ("container-registry", "acrdr", "centralus", 60),
        ("unread-deployment", "linked", None, 71),
    ]
    group, cluster, registry, linked = result.resources
    assert group.resource_group is None
    assert cluster.resource_group == "rg-dr"
    assert cluster.key == (
        "arm:tests/inputs/arm/nested_deployment.json:Microsoft.Resources/deployments/dr-stack/"
        "Microsoft.ContainerService/managedClusters/[parameters('clusterName')]"
    )
    assert cluster.get("sku_tier") == Unresolved(
        "parameters('tier')", "the subscription is known only at deployment",
        Location("tests/inputs/arm/nested_deployment.json", 42, 40, 42, 70),
    )
    # Outer scope (the default): the nested template reads the parent's parameters.
    assert registry.region == "centralus"
    assert registry.resource_group == "rg-dr"
    # A linked template is not dropped: what it deploys is unknown (see the linked tests below).
    assert linked.key == "arm:tests/inputs/arm/nested_deployment.json:Microsoft.Resources/deployments/linked"
    assert dict(linked.attrs) == {"source": "https://example.com/aks.json", "reason": "linked templates are not read yet"}
    assert linked.resource_group == "rg-dr"


def test_symbolic_resources_and_existing_references() -> None:
    result = load("symbolic.json")
    assert result.errors == []
    assert summary(result) == [("container-registry", "symacr", "northeurope", 12)]


def test_a_resources_array_without_schema_is_a_template() -> None:
    assert summary(load("no_schema_template.json")) == [("container-registry", "plainacr", "eastus", 3)]


@pytest.mark.parametrize("name", ["tsconfig.json", "package.json", "aks.parameters.json", "no_schema.json"])
def test_other_json_yields_nothing(name: str) -> None:
    result = load(name)
    assert (result.resources, result.errors) == ([], [])


# -- bad input -------------------------------------------------------------------------------


def test_syntax_error_reports_line_and_column() -> None:
    result = load("syntax_error.json")
    assert result.resources == []
    assert [(e.message, e.location.start_line, e.location.start_col) for e in result.errors] == [
        ("invalid JSON: Expecting ',' delimiter", 6, 7)
    ]


def test_invalid_expression_is_a_parse_error_and_an_unresolved_value() -> None:
    result = load("bad_expression.json")
    assert [(e.message, e.location.start_line, e.location.start_col) for e in result.errors] == [
        ("invalid ARM expression `concat('east',`: unexpected end of expression at column 15", 9, 19)
    ]
    registry = result.resources[0]
    assert isinstance(registry.region, Unresolved)
    assert registry.region.expression == "concat('east',"
    assert registry.get("sku") == "[literal]"  # `[[` escapes a literal bracket


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(b'{\n  "a": "\xff"\n}\n')
    result = load_file(str(path))
    assert [(e.message, e.location.start_line, e.location.start_col) for e in result.errors] == [
        ("invalid UTF-8 (byte 0xff)", 2, 9)
    ]


def test_comments_after_a_syntax_error_still_report_the_real_position(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{\n  // fine\n  "resources": [\n    {"type": "x" "name": 1}\n  ]\n}\n', encoding="utf-8")
    error = load_file(str(path)).errors[0]
    assert (error.message, error.location.start_line, error.location.start_col) == (
        "invalid JSON: Expecting ',' delimiter", 4, 18
    )


def test_empty_file_and_missing_type_are_handled(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("  \n", encoding="utf-8")
    assert load_file(str(empty)) == LoadResult()
    untyped = tmp_path / "untyped.json"
    untyped.write_text(
        '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n'
        ' "resources": [\n  {"apiVersion": "1", "name": "x"}\n ]}\n',
        encoding="utf-8",
    )
    result = load_file(str(untyped))
    assert result.resources == []
    assert [(e.message, e.location.start_line) for e in result.errors] == [
        ("ARM resource without a string 'type' and 'name'", 3)
    ]


def test_bom_and_crlf_keep_positions(tmp_path: Path) -> None:
    path = tmp_path / "crlf.json"
    text = (
        '{\r\n "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\r\n'
        ' "resources": [\r\n  {"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "1",\r\n'
        '   "name": "acr", "location": "westeurope"}\r\n ]\r\n}\r\n'
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    registry = load_file(str(path)).resources[0]
    assert registry.location.start_line == 4
    assert registry.loc("region") == Location(str(path), 5, 19, 5, 43)


def test_statically_false_conditions_drop_the_resource_and_copies_are_one_resource_each() -> None:
    result = load("conditions.json")
    assert result.errors == []
    maybe, *looped = result.resources
    assert (maybe.name, maybe.location.start_line) == ("maybe-deployed", 17)
    # `copy: {count: 2}` is two registries, both at the declaration, told apart by their keys.
    assert [(r.name, r.azure_names, r.location.start_line, r.get("deployed")) for r in looped] == [
        ("acr0", ("acr0",), 25, None), ("acr1", ("acr1",), 25, None),
    ]
    assert [r.key.rsplit("/", 1)[-1] for r in looped] == ["[concat('acr', copyIndex())][0]", "[concat('acr', copyIndex())][1]"]


# -- whether a resource is deployed: condition, copy, property copy -------------------------

DEPLOY = f"{INPUTS}/deployment_conditions.json"


def _deployed(resource: Resource) -> tuple[str, str, int, int] | None:
    value = resource.get("deployed")
    if value is None:
        return None
    assert isinstance(value, Unresolved) and value.location is not None
    assert resource.loc("deployed") == value.location
    return (value.expression, value.reason, value.location.start_line, value.location.start_col)


def test_which_resources_exist_and_which_are_uncertain() -> None:
    result = load("deployment_conditions.json")
    condition = ("parameters('deployDr')", "parameter 'deployDr' has no default value", 12, 7)
    maybe_count = ("parameters('userPools')", "parameter 'userPools' has no default value", 41, 34)
    deployment = ("not(equals(parameters('deployDr'), false()))", "parameter 'deployDr' has no default value", 87, 7)
    assert [(r.kind.value, str(r.name), r.location.start_line, _deployed(r)) for r in result.resources] == [
        # Unknown condition: the cluster, its inline pool and its nested pool resource all inherit it.
        ("aks-cluster", "aks-dr", 11, condition),
        ("aks-node-pool", "aks-dr/system", 18, condition),
        ("aks-node-pool", "aks-dr/user", 21, condition),
        # The registry loop over an empty drRegions deploys nothing; an unknown count is uncertain.
        ("container-registry", "acr-maybe", 37, maybe_count),
        # equals(2, 2) holds: certainly deployed, its two pools made by the property copy.
        ("aks-cluster", "aks-main", 45, None),
        ("aks-node-pool", "aks-main/pool1", 56, None),
        ("aks-node-pool", "aks-main/pool2", 56, None),
        ("aks-cluster", "aks-loop", 66, None),
        ("aks-node-pool", "aks-loop/system", 72, None),
        ("aks-node-pool", "concat('user', copyIndex('agentPoolProfiles'))", 77,
         ("parameters('userPools')", "parameter 'userPools' has no default value", 76, 13)),
        # Resources of a nested deployment inherit the deployment's condition.
        ("virtual-network", "vnet-dr", 97, deployment),
        ("subnet", "vnet-dr/aks", 104, deployment),
        ("container-registry", "acr-odd-condition", 111, ("yes", "a condition must be true or false", 112, 7)),
        ("container-registry", "acr-bad-count", 119, None),  # ARM rejects it; reported, kept
    ]
    assert [(e.message, e.location.start_line) for e in result.errors] == [
        ("a copy count must not be negative (got -1)", 123),
    ]


def test_property_copy_evaluates_copy_index_in_each_input() -> None:
    resources = by_name(load("deployment_conditions.json"))
    pools = {name: r for name, r in resources.items() if r.kind is Kind.NODE_POOL}
    first, second = pools["aks-main/pool1"], pools["aks-main/pool2"]
    assert (first.get("pool_name"), first.get("mode"), first.get("zones"), first.get("count")) == ("pool1", "system", ["1", "2", "3"], 3)
    assert (second.get("pool_name"), second.get("mode")) == ("pool2", "user")
    assert first.key.endswith("/aks-main/agentPools/agentPoolProfiles[0]")
    assert second.key.endswith("/aks-main/agentPools/agentPoolProfiles[1]")
    # Both point at the input object; their attributes at its properties.
    assert (first.location.start_line, first.location.end_line) == (56, 61)
    assert first.loc("mode").start_line == 58
    assert first.azure_names == ("aks-main", "pool1")
    assert first.refs["cluster"] == Ref(type="microsoft.containerservice/managedclusters", names=("aks-main",),
                                        key=resources["aks-main"].key, text="aks-main")


def test_property_copy_with_unknown_count_is_one_uncertain_pool() -> None:
    pools = {r.key.rsplit("/", 1)[-1]: r for r in load("deployment_conditions.json").resources
             if r.kind is Kind.NODE_POOL and "aks-loop" in r.key}
    stand_in = pools["agentPoolProfiles[?]"]
    # What does not depend on copyIndex() is known; the name is not.
    assert (stand_in.get("mode"), stand_in.get("count")) == ("user", 2)
    assert stand_in.get("pool_name") == Unresolved(
        "concat('user', copyIndex('agentPoolProfiles'))", "copyIndex() depends on the copy loop",
        Location(DEPLOY, 78, 15, 78, 73),
    )
    assert stand_in.location.start_line == 77
    assert pools["system"].get("deployed") is None


def test_property_copy_errors_are_reported(tmp_path: Path) -> None:
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "resources": [{
            "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01", "name": "v", "location": "eastus",
            "properties": {"copy": [
                {"name": "subnets", "count": 2},
                {"name": "virtualNetworkPeerings", "count": 900, "input": {"name": "p"}},
                {"name": "subnets", "count": 2, "input": {"name": "[concat('s', copyIndex('subnets'))]"}},
            ]},
        }],
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=1), encoding="utf-8")
    result = load_file(str(path))
    assert [(e.message, e.location.start_line) for e in result.errors] == [
        ("property copy 'subnets' needs an 'input' object", 11),
        ("a copy count must be at most 800 (got 900)", 17),
    ]
    # 900 copies named alike are one peering once deployed (the last, as ARM applies them); the
    # copies past ARM's 800 stand as one peering whose existence is unresolved.
    assert [(r.kind.value, str(r.name), r.key.rsplit("/", 1)[-1]) for r in result.resources] == [
        ("virtual-network", "v", "v"),
        ("subnet", "v/s0", "subnets[0]"), ("subnet", "v/s1", "subnets[1]"),
        ("vnet-peering", "v/p", "virtualNetworkPeerings[799]"), ("vnet-peering", "v/p", "virtualNetworkPeerings[?]"),
    ]
    rest = result.resources[-1].get("deployed")
    assert (rest.expression, rest.reason, rest.location.start_line) == (
        "900", "ARM allows 800 copies, the count is 900: copies 800 and later are not expanded", 17)


# -- linked templates (templateLink): unread deployments -------------------------------------


def test_linked_templates_become_unread_deployments() -> None:
    result = load("linked_deployments.json")
    assert result.errors == []
    path = f"{INPUTS}/linked_deployments.json"
    found = {str(r.name): r for r in result.resources}
    assert [(r.kind, r.location.start_line, r.loc("source").start_line) for r in result.resources] == [
        (Kind.UNREAD_DEPLOYMENT, 11, 18),
        (Kind.UNREAD_DEPLOYMENT, 21, 28),
        (Kind.UNREAD_DEPLOYMENT, 31, 35),
        (Kind.UNREAD_DEPLOYMENT, 57, 61),
    ]  # by-spec's condition defaults to false: statically not deployed, so absent
    reason = "linked templates are not read yet"
    by_path = found["by-path"]
    assert by_path.key == f"arm:{path}:Microsoft.Resources/deployments/by-path"
    assert dict(by_path.attrs) == {
        "source": "variables('stamp')",
        "reason": f"{reason}; it names {INPUTS}/stamps/aks.json, which does not exist",
    }
    assert by_path.loc("source") == Location(path, 18, 9, 18, 67)
    assert by_path.resource_group == "rg-dr"
    assert found["by-relative-uri"].get("reason") == f"{reason}; it names tests/inputs/shared/aks_full.json, which does not exist"
    inner = found["inner-link"]
    assert inner.key == f"arm:{path}:Microsoft.Resources/deployments/outer/Microsoft.Resources/deployments/inner-link"
    assert dict(inner.attrs) == {"source": "aks_full.json", "reason": f"{reason}; it names {INPUTS}/aks_full.json"}


def test_linked_deployment_with_unknown_condition_inherits_it() -> None:
    by_url = by_name(load("linked_deployments.json"))["by-url"]
    assert by_url.get("source") == "concat(parameters('_artifactsLocation'), '/nested/aks.json')"
    assert by_url.get("reason") == "linked templates are not read yet"
    assert by_url.get("deployed") == Unresolved(
        "parameters('deployDr')", "parameter 'deployDr' has no default value",
        Location(f"{INPUTS}/linked_deployments.json", 25, 7, 25, 46),
    )


def test_template_spec_link_is_an_unread_deployment(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    spec_id = "/subscriptions/0/resourceGroups/s/providers/Microsoft.Resources/templateSpecs/aks/versions/1"
    path.write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "resources": [{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "spec",
                       "properties": {"templateLink": {"id": spec_id}}}],
    }), encoding="utf-8")
    (deployment,) = load_file(str(path)).resources
    assert dict(deployment.attrs) == {"source": spec_id, "reason": "linked templates are not read yet"}


# -- one template, one deployment per parameter file -----------------------------------------

_TEMPLATE = """{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "parameters": {
    "location": { "type": "string", "defaultValue": "eastus2" },
    "Tier": { "type": "string", "defaultValue": "Premium" }
  },
  "resources": [
    {
      "type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "acr",
      "location": "[parameters('location')]",
      "sku": { "name": "[parameters('tier')]" }
    }
  ]
}
"""
_PARAMS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"


def _params(folder: Path, name: str, values: dict, **extra) -> Path:
    path = folder / name
    body = {"$schema": _PARAMS_SCHEMA, "contentVersion": "1.0.0.0", **extra,
            "parameters": {k: {"value": v} for k, v in values.items()}}
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def _deployments(template: Path) -> dict[str, Resource]:
    """The registry of each deployment, by the parameter file's name."""
    result = load_file(str(template))
    assert result.errors == []
    return {Path(r.deployment.path).name if r.deployment else "": r for r in result.resources}


def test_a_parameter_file_deploys_the_template_with_its_values(tmp_path: Path) -> None:
    template = tmp_path / "azuredeploy.json"
    template.write_text(_TEMPLATE, encoding="utf-8")
    params = _params(tmp_path, "azuredeploy.parameters.json", {"LOCATION": "westeurope"})
    (registry,) = load_file(str(template)).resources
    assert registry.region == "westeurope"
    assert registry.get("sku") == "premium"  # not set by the file: its default stands
    # The deployment is the file's `parameters` object; the key names the file exactly once.
    text = params.read_text(encoding="utf-8")
    assert registry.deployment == Location(params.as_posix(), 1, text.index('"parameters"') + 1, 1, len(text))
    assert registry.key == f"arm:{template}@{params.as_posix()}:Microsoft.ContainerRegistry/registries/acr"
    assert registry.base_key == f"arm:{template}:Microsoft.ContainerRegistry/registries/acr"
    # Positions stay in the template.
    assert registry.loc("region") == Location(str(template), 10, 7, 10, 45)


def test_without_parameter_files_one_deployment_with_the_defaults(tmp_path: Path) -> None:
    template = tmp_path / "main.json"
    template.write_text(_TEMPLATE, encoding="utf-8")
    _params(tmp_path, "other.parameters.json", {"location": "westus"})  # another template's
    (registry,) = load_file(str(template)).resources
    assert (registry.region, registry.get("sku"), registry.deployment) == ("eastus2", "premium", None)
    assert registry.key == f"arm:{template}:Microsoft.ContainerRegistry/registries/acr"


def test_each_parameter_file_is_one_deployment(tmp_path: Path) -> None:
    template = tmp_path / "main.json"
    template.write_text(_TEMPLATE, encoding="utf-8")
    _params(tmp_path, "main.parameters.dev.json", {"tier": "Basic", "location": "westus3"})
    _params(tmp_path, "main.parameters.prod.eastus.json", {"location": "eastus"})
    _params(tmp_path, "main.parameters.json", {})  # sets nothing: the defaults, as its own deployment
    found = {name: (r.region, r.get("sku")) for name, r in _deployments(template).items()}
    assert found == {
        "main.parameters.dev.json": ("westus3", "basic"),
        "main.parameters.json": ("eastus2", "premium"),
        "main.parameters.prod.eastus.json": ("eastus", "premium"),
    }
    # Three deployments of one template line: one base key, three keys.
    result = load_file(str(template))
    assert len({r.key for r in result.resources}) == 3
    assert len({r.base_key for r in result.resources}) == 1


def test_parameter_files_that_link_the_template_by_metadata(tmp_path: Path) -> None:
    template = tmp_path / "registry.json"
    template.write_text(_TEMPLATE, encoding="utf-8")
    _params(tmp_path, "prod.json", {"location": "westeurope"}, metadata={"template": "./registry.json"})
    _params(tmp_path, "dr.json", {"tier": "Standard"}, templateLink={"uri": "https://example.com/t/registry.json"})
    _params(tmp_path, "elsewhere.json", {"tier": "Basic"}, metadata={"template": "../x/registry.json"})
    _params(tmp_path, "unlinked.json", {"location": "westus"})  # names no template: not paired
    found = {name: (r.region, r.get("sku")) for name, r in _deployments(template).items()}
    assert found == {"dr.json": ("eastus2", "standard"), "prod.json": ("westeurope", "premium")}


def test_a_link_to_another_template_wins_over_the_name(tmp_path: Path) -> None:
    template = tmp_path / "a.json"
    template.write_text(_TEMPLATE, encoding="utf-8")
    _params(tmp_path, "a.parameters.json", {"location": "westus"}, metadata={"template": "b.json"})
    assert _deployments(template)[""].region == "eastus2"


def test_a_key_vault_reference_is_unresolved_at_the_template(tmp_path: Path) -> None:
    template = tmp_path / "azuredeploy.json"
    template.write_text(_TEMPLATE, encoding="utf-8")
    params = tmp_path / "azuredeploy.parameters.json"
    params.write_text(json.dumps({"$schema": _PARAMS_SCHEMA, "parameters": {"tier": {"reference": {
        "keyVault": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"},
        "secretName": "acr-tier"}}}}), encoding="utf-8")
    (registry,) = load_file(str(template)).resources
    assert registry.get("sku") == Unresolved(
        "parameters('tier')",
        f"parameter 'tier' is read from Key Vault at deployment (set by {params.as_posix()})",
        Location(str(template), 11, 16, 11, 46),  # `"name": "[parameters('tier')]"` in the template
    )


def test_an_unparseable_parameter_file_is_a_deployment_of_unknown_values(tmp_path: Path) -> None:
    from bcdr_lint import engine

    template = tmp_path / "azuredeploy.json"
    template.write_text(_TEMPLATE, encoding="utf-8")
    broken = tmp_path / "azuredeploy.parameters.json"
    broken.write_text('{\n  "parameters": {\n    "location": { "value": "westus" }\n', encoding="utf-8")
    result = load_file(str(template))
    (registry,) = result.resources
    why = (f"its parameter file {broken.as_posix()} could not be read: invalid JSON: Expecting ',' delimiter "
           "at line 4")
    assert (registry.region.expression, registry.region.reason) == ("parameters('location')", why)
    assert (registry.get("sku").expression, registry.get("sku").reason) == ("parameters('tier')", why)
    assert registry.deployment == Location(broken.as_posix(), 1, 1)
    assert [(e.location.path, e.location.start_line) for e in result.errors] == [(broken.as_posix(), 4)]
    # Reported by the file's own load and the template's: one BCDR001.
    errors = [(f.rule_id, f.location.path, f.location.start_line) for f in engine.check([str(tmp_path)]).findings
              if f.rule_id == "BCDR001"]
    assert errors == [("BCDR001", str(broken), 4)]


def test_a_broken_expression_is_one_error_for_all_deployments(tmp_path: Path) -> None:
    template = tmp_path / "main.json"
    template.write_text(_TEMPLATE.replace("[parameters('tier')]", "[parameters('tier'))]"), encoding="utf-8")
    _params(tmp_path, "main.parameters.a.json", {"location": "westus"})
    _params(tmp_path, "main.parameters.b.json", {"location": "eastus"})
    result = load_file(str(template))
    assert len(result.resources) == 2
    assert [(e.location.start_line, e.message.split(":")[0]) for e in result.errors] == [
        (11, "invalid ARM expression `parameters('tier'))`"),
    ]


def test_parameter_files_are_read_once_and_edits_are_seen(tmp_path: Path, monkeypatch) -> None:
    from bcdr_lint.loaders import pairing_files

    for name in ("one.json", "two.json"):
        (tmp_path / name).write_text(_TEMPLATE, encoding="utf-8")
    _params(tmp_path, "one.parameters.json", {"location": "westus"})
    reads: list[str] = []
    real_read = pairing_files.read_json
    monkeypatch.setattr(pairing_files, "read_json", lambda path, explicit: reads.append(Path(path).name) or real_read(path, explicit))
    assert _deployments(tmp_path / "one.json")["one.parameters.json"].region == "westus"
    assert _deployments(tmp_path / "two.json")[""].region == "eastus2"
    # Each JSON file of the folder was looked at once, for both templates.
    assert sorted(reads) == ["one.json", "one.parameters.json", "two.json"]
    reads.clear()
    params = _params(tmp_path, "one.parameters.json", {"tier": "Basic"})
    stat = params.stat()
    os.utime(params, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    registry = _deployments(tmp_path / "one.json")["one.parameters.json"]
    assert (registry.region, registry.get("sku")) == ("eastus2", "basic")
    assert reads == ["one.parameters.json"]


# -- `az group export`: every child twice, inline and as a resource of its own ------------------


def test_a_child_declared_inline_and_on_its_own_is_one_resource(tmp_path: Path) -> None:
    # `az group export` writes a cluster's pools in agentPoolProfiles and again as agentPools
    # resources, a network's subnets in `subnets` and again as subnets resources. Each is one Azure
    # resource: counted twice, every pool finding came twice and every subnet reference was ambiguous.
    vnet_id = "[resourceId('Microsoft.Network/virtualNetworks/subnets', parameters('vnet'), 'snet-aks')]"
    template = tmp_path / "rg-orders.json"
    template.write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "parameters": {"aks": {"defaultValue": "aks-orders", "type": "String"},
                       "vnet": {"defaultValue": "vnet-orders", "type": "String"}},
        "resources": [
            {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01", "name": "[parameters('vnet')]",
             "location": "eastus2", "properties": {"addressSpace": {"addressPrefixes": ["10.1.0.0/16"]},
                                                   "subnets": [{"name": "snet-aks", "properties": {"addressPrefix": "10.1.0.0/20"}}]}},
            {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-02-01",
             "name": "[parameters('aks')]", "location": "eastus2",
             "properties": {"agentPoolProfiles": [{"name": "system", "mode": "System", "count": 1, "vnetSubnetID": vnet_id}]}},
            {"type": "Microsoft.ContainerService/managedClusters/agentPools", "apiVersion": "2024-02-01",
             "name": "[concat(parameters('aks'), '/system')]",
             "properties": {"mode": "System", "count": 1, "vnetSubnetID": vnet_id}},
            {"type": "Microsoft.Network/virtualNetworks/subnets", "apiVersion": "2023-09-01",
             "name": "[concat(parameters('vnet'), '/snet-aks')]", "properties": {"addressPrefix": "10.1.0.0/20"}},
        ],
    }, indent=2), encoding="utf-8")
    result = load_file(str(template))
    assert [(r.kind.value, str(r.name), r.location.start_line) for r in result.resources] == [
        ("virtual-network", "vnet-orders", 14),
        ("aks-cluster", "aks-orders", 35),
        ("aks-node-pool", "aks-orders/system", 51),  # the resource of its own: ARM applies it last
        ("subnet", "vnet-orders/snet-aks", 61),
    ]
    model = Model(result.resources)
    pool, subnet = model.of_kind(Kind.NODE_POOL)[0], model.of_kind(Kind.SUBNET)[0]
    assert model.target(pool, "subnet") is subnet and model.target(pool, "cluster") is model.of_kind(Kind.AKS_CLUSTER)[0]
