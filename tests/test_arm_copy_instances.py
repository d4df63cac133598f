"""ARM resource ``copy`` loops: one resource per index, ``copyIndex()`` evaluated everywhere in
it (name, location, properties, nested deployments, property copies), as Terraform ``count`` and
Bicep ``[for …]`` loops are expanded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bcdr_lint import engine
from bcdr_lint.loaders.arm import load_file
from bcdr_lint.loaders.arm_eval import MAX_COPIES_PER_LOAD, Scope
from bcdr_lint.loaders.arm_expressions import parse
from bcdr_lint.loaders.base import LineIndex, LoadResult
from bcdr_lint.loaders.discover import discover
from bcdr_lint.loaders.jsonpos import JObject, scan
from bcdr_lint.model import Kind, Location, Model, Resource, Unresolved
from tests.helpers import run

INSTANCES = "tests/inputs/arm/copy_instances.json"
NESTED = "tests/inputs/arm/copy_nested.json"
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PARAMS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"


@pytest.fixture(autouse=True)
def _at_root(at_root):
    return at_root


def loaded(path: str) -> LoadResult:
    result = load_file(path)
    assert result.errors == []
    return result


def of_kind(result: LoadResult, kind: Kind) -> list[Resource]:
    return [r for r in result.resources if r.kind is kind]


def address(resource: Resource, path: str) -> str:
    """The key after ``arm:<file>:``."""
    prefix = f"arm:{path}:"
    assert resource.key.startswith(prefix)
    return resource.key[len(prefix):]


def write_template(folder: Path, resources: list[dict], parameters: dict | None = None, name: str = "main.json") -> Path:
    path = folder / name
    body = {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "parameters": parameters or {}, "resources": resources}
    path.write_text(json.dumps(body, indent=1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def registry(name: str, copy: dict | None = None, **extra) -> dict:
    body = {"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": name,
            "location": "eastus2", "sku": {"name": "Premium"}, **extra}
    if copy is not None:
        body["copy"] = copy
    return body


# -- one resource per index ------------------------------------------------------------------


def test_a_copy_of_known_count_is_one_resource_per_index() -> None:
    clusters = of_kind(loaded(INSTANCES), Kind.AKS_CLUSTER)
    assert [(c.name, c.region, c.azure_names, c.get("deployed")) for c in clusters] == [
        ("aks-eastus2", "eastus2", ("aks-eastus2",), None),
        ("aks-centralus", "centralus", ("aks-centralus",), None),
    ]
    # Keyed by the declaration and the index, never by a line; both located at the declaration.
    written = "Microsoft.ContainerService/managedClusters/[format('aks-{0}', parameters('regions')[copyIndex()])]"
    assert [address(c, INSTANCES) for c in clusters] == [f"{written}[0]", f"{written}[1]"]
    assert [c.location for c in clusters] == [Location(INSTANCES, 35, 5, 53, 6)] * 2
    assert [c.loc("region") for c in clusters] == [Location(INSTANCES, 39, 7, 39, 57)] * 2


def test_copy_index_with_offset_and_loop_name_in_names_and_properties() -> None:
    result = loaded(INSTANCES)
    vnets = of_kind(result, Kind.VIRTUAL_NETWORK)
    assert [(v.name, v.get("address_space")) for v in vnets] == [
        ("vnet-eastus2", ["10.40.0.0/16"]), ("vnet-centralus", ["10.41.0.0/16"]),  # copyIndex(40)
    ]
    clusters = of_kind(result, Kind.AKS_CLUSTER)
    assert [c.get("sku_tier") for c in clusters] == ["standard", "free"]  # if(equals(copyIndex(), 0), …)
    pools = of_kind(result, Kind.NODE_POOL)
    assert [(p.name, p.get("count")) for p in pools] == [("aks-eastus2/system", 3), ("aks-centralus/system", 4)]
    registries = of_kind(result, Kind.CONTAINER_REGISTRY)
    assert [(r.name, r.region) for r in registries if r.get("deployed") is None] == [
        ("acr1", "eastus2"), ("acr2", "centralus"),  # concat('acr', copyIndex(1))
    ]
    # copyIndex('replicas') is the loop by name, copyIndex(1) the same loop with an offset.
    replicas = of_kind(result, Kind.REGISTRY_REPLICA)
    assert [(r.name, r.region, r.azure_names) for r in replicas] == [
        ("acr1/centralus", "centralus", ("acr1", "centralus")),
        ("acr2/eastus2", "eastus2", ("acr2", "eastus2")),
    ]


def test_children_and_property_copies_of_each_instance() -> None:
    result = loaded(INSTANCES)
    subnets = of_kind(result, Kind.SUBNET)
    vnet = "Microsoft.Network/virtualNetworks/[concat('vnet-', parameters('regions')[copyIndex()])]"
    assert [(s.name, address(s, INSTANCES)) for s in subnets] == [
        ("vnet-eastus2/aks", f"{vnet}[0]/subnets/aks"), ("vnet-centralus/aks", f"{vnet}[1]/subnets/aks"),
    ]
    # In a property copy, copyIndex('virtualNetworkPeerings') is its entry and copyIndex() the
    # resource's own loop.
    peerings = of_kind(result, Kind.VNET_PEERING)
    assert [(p.name, address(p, INSTANCES)) for p in peerings] == [
        ("vnet-eastus2/peer0-to-centralus", f"{vnet}[0]/virtualNetworkPeerings/virtualNetworkPeerings[0]"),
        ("vnet-centralus/peer0-to-eastus2", f"{vnet}[1]/virtualNetworkPeerings/virtualNetworkPeerings[0]"),
    ]
    assert [p.location.start_line for p in peerings] == [23, 23]


def test_references_to_copied_resources_find_the_right_instance() -> None:
    model = Model(loaded(INSTANCES).resources)
    vnets = {v.name: v for v in model.of_kind(Kind.VIRTUAL_NETWORK)}
    subnets = {s.name: s for s in model.of_kind(Kind.SUBNET)}
    registries = {r.name: r for r in model.of_kind(Kind.CONTAINER_REGISTRY)}
    # resourceId('…/subnets', concat('vnet-', parameters('regions')[copyIndex()]), 'aks')
    assert [model.target(p, "subnet") for p in model.of_kind(Kind.NODE_POOL)] == [
        subnets["vnet-eastus2/aks"], subnets["vnet-centralus/aks"],
    ]
    # resourceId('…/virtualNetworks', concat('vnet-', parameters('peers')[copyIndex('vnets')]))
    assert [(model.target(p, "local_vnet"), model.target(p, "remote_vnet")) for p in model.of_kind(Kind.VNET_PEERING)] == [
        (vnets["vnet-eastus2"], vnets["vnet-centralus"]), (vnets["vnet-centralus"], vnets["vnet-eastus2"]),
    ]
    assert [model.target(r, "registry") for r in model.of_kind(Kind.REGISTRY_REPLICA)] == [
        registries["acr1"], registries["acr2"],
    ]


def test_the_condition_is_evaluated_for_each_instance() -> None:
    accounts = of_kind(loaded(INSTANCES), Kind.STORAGE_ACCOUNT)
    # condition: not(equals(copyIndex(), 1)) — the second of three is not deployed.
    assert [(a.name, address(a, INSTANCES)[-3:]) for a in accounts] == [("stcopy0", "[0]"), ("stcopy2", "[2]")]


def test_an_unknown_count_is_one_resource_that_may_not_exist() -> None:
    hubs = [r for r in loaded(INSTANCES).resources if r.region == "westus3"]
    (hub,) = hubs
    assert address(hub, INSTANCES) == "Microsoft.ContainerRegistry/registries/[concat('hub', copyIndex())]"
    assert hub.get("deployed") == Unresolved(
        "parameters('hubCount')", "parameter 'hubCount' has no default value", Location(INSTANCES, 85, 33, 85, 68),
    )
    assert isinstance(hub.name, Unresolved) and hub.name.reason == "copyIndex() depends on the copy loop"
    assert hub.azure_names == ()


@pytest.mark.parametrize("count", [0, "[length(parameters('none'))]"])
def test_a_count_of_zero_deploys_nothing(tmp_path: Path, count: object) -> None:
    path = write_template(tmp_path, [registry("[concat('acr', copyIndex())]", {"name": "r", "count": count}),
                                     registry("kept")], {"none": {"type": "array", "defaultValue": []}})
    assert [r.name for r in loaded(str(path)).resources] == ["kept"]


# -- nested deployments --------------------------------------------------------------------


def test_a_copied_deployment_hands_each_instance_its_parameters() -> None:
    result = loaded(NESTED)
    clusters = of_kind(result, Kind.AKS_CLUSTER)
    stamp = "Microsoft.Resources/deployments/[format('stamp-{0}', parameters('regions')[copyIndex()])]"
    cluster = "Microsoft.ContainerService/managedClusters/[format('aks-{0}', parameters('region'))]"
    assert [(c.name, c.region, c.resource_group, address(c, NESTED), c.location.start_line) for c in clusters] == [
        ("aks-eastus2", "eastus2", "rg-eastus2", f"{stamp}[0]/{cluster}", 31),
        ("aks-centralus", "centralus", "rg-centralus", f"{stamp}[1]/{cluster}", 31),
    ]
    # The nested template's own copy, whose count the copied deployment passes: 1, then 2.
    registries = of_kind(result, Kind.CONTAINER_REGISTRY)
    acr = "Microsoft.ContainerRegistry/registries/[format('acr{0}n{1}', parameters('stamp'), copyIndex())]"
    assert [(r.name, r.region, r.resource_group, address(r, NESTED)) for r in registries] == [
        ("acr0n0", "eastus2", "rg-eastus2", f"{stamp}[0]/{acr}[0]"),
        ("acr1n0", "centralus", "rg-centralus", f"{stamp}[1]/{acr}[0]"),
        ("acr1n1", "centralus", "rg-centralus", f"{stamp}[1]/{acr}[1]"),
    ]


def test_an_outer_scope_template_reads_the_deployments_copy_index() -> None:
    accounts = of_kind(loaded(NESTED), Kind.STORAGE_ACCOUNT)
    assert [(a.name, a.region, address(a, NESTED)[-4:]) for a in accounts] == [
        ("st0x0", "eastus2", "][0]"), ("st0x1", "eastus2", "][1]"),
        ("st1x0", "centralus", "][0]"), ("st1x1", "centralus", "][1]"),
    ]
    assert len({a.key for a in accounts}) == 4


def test_an_unknown_count_inside_a_copy_does_not_borrow_the_outer_index(tmp_path: Path) -> None:
    inner = registry("[format('acr{0}x{1}', copyIndex('stamps'), copyIndex())]", {"name": "acrs", "count": "[parameters('n')]"})
    deployment = {
        "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "[format('d{0}', copyIndex())]",
        "copy": {"name": "stamps", "count": 2},
        "properties": {"mode": "Incremental", "template": {"$schema": SCHEMA, "resources": [inner]}},
    }
    path = write_template(tmp_path, [deployment], {"n": {"type": "int"}})
    stand_ins = loaded(str(path)).resources
    assert len(stand_ins) == 2  # one per deployment, each of unknown existence
    for stand_in in stand_ins:
        assert stand_in.get("deployed").expression == "parameters('n')"
        assert stand_in.name == Unresolved(
            "format('acr{0}x{1}', copyIndex('stamps'), copyIndex())", "copyIndex() depends on the copy loop",
            stand_in.loc("name"))


# -- deployments with parameter files --------------------------------------------------------


def test_each_parameter_file_deploys_its_own_instances(tmp_path: Path) -> None:
    copied = registry("[concat('acr', parameters('regions')[copyIndex()])]",
                      {"name": "acrs", "count": "[length(parameters('regions'))]"},
                      location="[parameters('regions')[copyIndex()]]")
    template = write_template(tmp_path, [copied], {"regions": {"type": "array", "defaultValue": ["eastus2"]}})
    for env, regions in (("dev", ["westus3"]), ("prod", ["eastus2", "centralus"])):
        (tmp_path / f"main.parameters.{env}.json").write_text(json.dumps(
            {"$schema": PARAMS_SCHEMA, "contentVersion": "1.0.0.0", "parameters": {"regions": {"value": regions}}}),
            encoding="utf-8")
    resources = loaded(str(template)).resources
    found = sorted((Path(r.deployment.path).name, r.name, r.region) for r in resources)
    assert found == [
        ("main.parameters.dev.json", "acrwestus3", "westus3"),
        ("main.parameters.prod.json", "acrcentralus", "centralus"),
        ("main.parameters.prod.json", "acreastus2", "eastus2"),
    ]
    written = "Microsoft.ContainerRegistry/registries/[concat('acr', parameters('regions')[copyIndex()])]"
    for resource in resources:
        # `@<parameter file>` exactly once, before the address; the index after it.
        assert resource.key.count("@") == 1 and resource.key.startswith(f"arm:{template}@{resource.deployment.path}:")
        assert resource.base_key in (f"arm:{template}:{written}[0]", f"arm:{template}:{written}[1]")
    assert len({r.key for r in resources}) == 3


# -- huge counts: capped, the rest unresolved ------------------------------------------------


def test_copies_past_arms_limit_are_one_stand_in_of_unknown_existence(tmp_path: Path) -> None:
    path = write_template(tmp_path, [registry("[concat('acr', copyIndex())]", {"name": "many", "count": 1000})])
    result = load_file(str(path))
    count_line = line_of(path, '"count": 1000')
    assert [(e.message, e.location.start_line) for e in result.errors] == [("a copy count must be at most 800 (got 1000)", count_line)]
    expanded, (rest,) = result.resources[:-1], result.resources[-1:]
    assert [r.name for r in expanded] == [f"acr{i}" for i in range(800)]
    assert rest.key.endswith("[?]") and isinstance(rest.name, Unresolved)
    assert rest.get("deployed") == Unresolved(
        "1000", "ARM allows 800 copies, the count is 1000: copies 800 and later are not expanded", rest.loc("deployed"))
    assert rest.loc("deployed").start_line == count_line


def test_nested_copies_stop_expanding_at_the_loads_budget(tmp_path: Path) -> None:
    # 100 copied deployments of 100 copies each: 10,000 resources, more than one load expands.
    inner = registry("[format('acr{0}x{1}', copyIndex('stamps'), copyIndex())]", {"name": "acrs", "count": 100})
    deployment = {
        "type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "[format('d{0}', copyIndex())]",
        "copy": {"name": "stamps", "count": 100},
        "properties": {"mode": "Incremental", "template": {"$schema": SCHEMA, "resources": [inner]}},
    }
    path = write_template(tmp_path, [deployment])
    resources = loaded(str(path)).resources
    known = [r for r in resources if r.get("deployed") is None]
    stand_ins = [r for r in resources if r.get("deployed") is not None]
    # The 100 deployments take 100 copies of the budget; the first 49 deployments' registries the rest.
    assert len(known) == MAX_COPIES_PER_LOAD - 100 == 4900
    assert (known[0].name, known[-1].name) == ("acr0x0", "acr48x99")
    assert len(stand_ins) == 51 and all(r.key.endswith("[?]") for r in stand_ins)
    assert stand_ins[0].get("deployed").reason == (
        f"bcdr-lint expands at most {MAX_COPIES_PER_LOAD} copies per template load: copies 0 to 99 are not expanded")


# -- errors and findings -------------------------------------------------------------------


def test_an_error_inside_a_copied_resource_is_reported_once(tmp_path: Path) -> None:
    vnet = {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-11-01",
            "name": "[concat('vnet', copyIndex())]", "location": "eastus2", "copy": {"name": "vnets", "count": 3},
            "properties": {"copy": [{"name": "subnets", "count": 2}]}}
    path = write_template(tmp_path, [vnet])
    result = load_file(str(path))
    loop_line = line_of(path, '"name": "subnets"') - 1
    assert [(e.message, e.location.start_line) for e in result.errors] == [("property copy 'subnets' needs an 'input' object", loop_line)]
    assert [r.name for r in result.resources] == ["vnet0", "vnet1", "vnet2"]


def test_findings_on_copies_are_distinct_by_key_at_one_line(tmp_path: Path, monkeypatch) -> None:
    copied = {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-05-01",
              "name": "[format('aks-{0}', parameters('regions')[copyIndex()])]",
              "location": "[parameters('regions')[copyIndex()]]", "copy": {"name": "clusters", "count": 2},
              "sku": {"name": "Base", "tier": "Free"}}
    path = write_template(tmp_path, [copied], {"regions": {"type": "array", "defaultValue": ["eastus2", "centralus"]}})
    monkeypatch.chdir(tmp_path)
    findings = run(["main.json"], ["BCDR802"])
    tier = line_of(path, '"tier": "Free"')
    assert [(f.rule_id, f.location.start_line, f.subject) for f in findings] == [
        ("BCDR802", tier, "AKS cluster 'aks-centralus'"), ("BCDR802", tier, "AKS cluster 'aks-eastus2'"),
    ]
    assert len({f.identity for f in findings}) == 2


def test_the_paired_stamps_of_the_equivalence_scenario_are_two_clusters() -> None:
    folder = "fixtures/equivalence/paired-no-router/arm"
    model = engine.load(discover([folder]))
    assert model.parse_errors == ()
    clusters = model.of_kind(Kind.AKS_CLUSTER)
    assert [(c.name, c.region, c.resource_group) for c in clusters] == [
        ("aks-payments-eastus2", "eastus2", "rg-payments-eastus2"),
        ("aks-payments-centralus", "centralus", "rg-payments-centralus"),
    ]
    groups = model.of_kind(Kind.RESOURCE_GROUP)
    assert [(g.name, g.region) for g in groups] == [
        ("rg-payments-eastus2", "eastus2"), ("rg-payments-centralus", "centralus"), ("rg-payments-shared", "eastus2"),
    ]
    # Each stamp's peering reaches the other stamp's VNet, in the other resource group.
    peerings = model.of_kind(Kind.VNET_PEERING)
    assert [(model.target(p, "local_vnet").name, model.target(p, "remote_vnet").name) for p in peerings] == [
        ("vnet-payments-eastus2", "vnet-payments-centralus"), ("vnet-payments-centralus", "vnet-payments-eastus2"),
    ]


# -- the evaluator -------------------------------------------------------------------------


def _scope() -> Scope:
    text = json.dumps({"variables": {"fixed": "[concat('v', '1')]", "looped": "[concat('v', copyIndex())]"}})
    root = scan(text)
    assert isinstance(root, JObject)
    lines = LineIndex(text)
    return Scope.of_template(root, "t.json", lambda start, end: lines.location("t.json", start, end))


def test_copy_index_of_a_resource_instance() -> None:
    bound = _scope().in_resource_copy("Acrs", 2)
    assert bound.evaluate(parse("copyIndex()")) == 2
    assert bound.evaluate(parse("copyIndex(10)")) == 12
    assert bound.evaluate(parse("copyIndex('ACRS', 1)")) == 3
    # A property loop inside it keeps the resource's index for copyIndex().
    pools = bound.with_copy_index("pools", 0)
    assert (pools.evaluate(parse("copyIndex()")), pools.evaluate(parse("copyIndex('pools')"))) == (2, 0)
    # A stand-in for a loop of unknown count: its own index is unknown, an outer one is not.
    stand_in = bound.in_resource_copy("inner", None)
    assert stand_in.evaluate(parse("copyIndex()")) == Unresolved("copyIndex()", "copyIndex() depends on the copy loop")
    assert stand_in.evaluate(parse("copyIndex('acrs')")) == 2


def test_variables_are_evaluated_outside_copy_loops() -> None:
    scope = _scope()
    first, second = scope.in_resource_copy("a", 0), scope.in_resource_copy("a", 1)
    # ARM rejects copyIndex() in a variable: whichever instance asks first, it stays unknown.
    for instance in (first, second):
        value = instance.evaluate(parse("variables('looped')"))
        assert (value.expression, value.reason) == ("copyIndex()", "copyIndex() depends on the copy loop")
    assert second.evaluate(parse("variables('fixed')")) == "v1"
