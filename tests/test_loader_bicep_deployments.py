"""The Bicep loader: modules, existing resources, conditions and loops, parameter files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcdr_lint import engine
from bcdr_lint.loaders import bicep
from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.model import Kind, Location, Resource, Unresolved
from bcdr_lint.options import RunOptions

INPUTS = "tests/inputs/bicep"


@pytest.fixture(autouse=True)
def _at_root(at_root):
    return at_root


def load(*paths: str, options: RunOptions | None = None) -> LoadResult:
    return bicep.load_files([f"{INPUTS}/{p}" for p in paths], options)


def model_of(folder: str):
    return engine.check([f"{INPUTS}/{folder}"]).model


def by_name(resources: list[Resource]) -> dict[str, Resource]:
    return {str(r.name): r for r in resources}


# -- modules -----------------------------------------------------------------------------------


def test_local_modules_are_instantiated_with_the_callers_values() -> None:
    model = model_of("modules")
    main = f"{INPUTS}/modules/main.bicep"
    stamp = f"{INPUTS}/modules/modules/stamp.bicep"
    clusters = model.of_kind(Kind.AKS_CLUSTER)
    # One instance per loop element, keyed by it, located in the module file, in the resource
    # group its `scope:` names (`groups[i]`, a resource group of the calling template).
    assert [(c.key, c.name, c.region, c.resource_group, c.location.path, c.location.start_line) for c in clusters] == [
        (f"bicep:{main}:stamps[eastus2]/cluster", "aks-shop-eastus2", "eastus2", "rg-shop-eastus2", stamp, 13),
        (f"bicep:{main}:stamps[centralus]/cluster", "aks-shop-centralus", "centralus", "rg-shop-centralus", stamp, 13),
    ]


def test_nested_module_outputs_reach_the_caller() -> None:
    model = model_of("modules")
    pools = by_name(model.of_kind(Kind.NODE_POOL))
    pool = pools["aks-shop-centralus/system"]
    # `network.outputs.subnetId` = `vnet::aks.id` of the nested module instance: the exact subnet.
    subnet = model.target(pool, "subnet")
    assert subnet is not None and subnet.key == f"bicep:{INPUTS}/modules/main.bicep:stamps[centralus]/network/vnet/aks"
    assert model.target(subnet, "vnet").name == "vnet-shop-centralus"


def test_module_files_are_deployed_only_through_their_callers() -> None:
    # modules/stamp.bicep and modules/network.bicep are among the checked files, but their
    # required parameters come from main.bicep: no instance with unset parameters.
    model = model_of("modules")
    assert all(r.key.startswith(f"bicep:{INPUTS}/modules/main.bicep:") for r in model.resources)


def test_registry_and_json_modules_are_unread_deployments_and_missing_files_errors() -> None:
    model = model_of("modules")
    unread = model.of_kind(Kind.UNREAD_DEPLOYMENT)
    main = f"{INPUTS}/modules/main.bicep"
    assert [(u.name, u.location.start_line, u.resource_group, u.get("source"), u.get("reason"), u.loc("source").start_line)
            for u in unread] == [
        ("shared-registry", 22, "rg-shared", "br:contosoregistry.azurecr.io/bicep/modules/registry:v2",
         "registry and template spec modules are not read offline", 22),
        ("legacy", 30, "rg-legacy", "./legacy/azuredeploy.json", "ARM templates used as Bicep modules are not read yet", 30),
    ]
    assert [(e.location.path, e.location.start_line, e.location.start_col, e.message) for e in model.parse_errors] == [
        (main, 35, 13, "module file modules/does-not-exist.bicep not found "
                       f"(looked for {INPUTS}/modules/modules/does-not-exist.bicep)"),
    ]


def test_registry_module_is_reported_by_rules_about_all_clusters() -> None:
    findings = engine.check([f"{INPUTS}/modules"], select=["BCDR101", "BCDR002"]).findings
    # Two clusters in two regions, but the registry and JSON modules may deploy more: notes,
    # no verdict. The missing module file is BCDR001 whatever is selected.
    assert [(f.rule_id, f.location.start_line) for f in findings] == [("BCDR002", 22), ("BCDR002", 30), ("BCDR001", 35)]


def test_module_cycle_is_reported_at_the_call_that_closes_it() -> None:
    result = load("cycle/a.bicep", "cycle/b.bicep")
    assert [(e.location.path, e.location.start_line, e.message) for e in result.errors] == [
        (f"{INPUTS}/cycle/b.bicep", 1,
         "module cycle: ./a.bicep is already being deployed by a module that calls this file"),
    ]
    assert [r.key for r in result.resources] == [f"bicep:{INPUTS}/cycle/a.bicep:b/vnet"]


# -- existing resources, conditions, loops -------------------------------------------------------


def test_existing_resources_are_not_deployed_but_references_find_them_by_name() -> None:
    model = model_of("existing")
    registries = model.of_kind(Kind.CONTAINER_REGISTRY)
    assert [r.location.path for r in registries] == [f"{INPUTS}/existing/registry.bicep"]
    replicas = model.of_kind(Kind.REGISTRY_REPLICA)
    assert [r.name for r in replicas] == ["acrsharedplatform/centralus", "acrsharedplatform/westus3"]
    assert all(model.target(r, "registry") is registries[0] for r in replicas)
    assert replicas[0].refs["registry"].key is None  # by name: the registry is deployed elsewhere


def test_conditions_and_loops_decide_what_exists() -> None:
    clusters = by_name(load("conditions/main.bicep").resources)
    # `if (false)` and a loop over [] are absent; the unknown condition and the loop over an
    # unknown array are there, with `deployed` saying why they may not be.
    assert sorted(clusters) == ["'aks-dr-${region}'", "aks-dr", "aks-primary"]
    assert clusters["aks-primary"].get("deployed") is None
    deployed = clusters["aks-dr"].get("deployed")
    assert (deployed.expression, deployed.reason) == ("enableDr", "parameter 'enableDr' has no default value and no parameter file sets it")
    assert clusters["aks-dr"].loc("deployed").start_line == 15
    fleet = clusters["'aks-dr-${region}'"]
    assert fleet.key == f"bicep:{INPUTS}/conditions/main.bicep:drFleet[?]"
    assert fleet.get("deployed").expression == "drRegions"
    assert isinstance(fleet.region, Unresolved)


def test_loop_keys_use_the_element_or_fall_back_to_the_index(tmp_path: Path) -> None:
    (tmp_path / "main.bicep").write_text("""var pools = [
  { name: 'blue', region: 'eastus2' }
  { name: 'green', region: 'eastus2' }
]
var regions = [ 'eastus2', 'eastus2' ]
resource byName 'Microsoft.ContainerService/managedClusters@2024-02-01' = [for p in pools: {
  name: 'aks-${p.name}'
  location: p.region
}]
resource byIndex 'Microsoft.Network/virtualNetworks@2023-09-01' = [for (r, i) in regions: {
  name: 'vnet-${i}'
  location: r
}]
""")
    result = bicep.load_files([str(tmp_path / "main.bicep")])
    assert [r.key.rsplit(":", 1)[1] for r in result.resources] == ["byName[blue]", "byName[green]", "byIndex[0]", "byIndex[1]"]


# -- parameter files ---------------------------------------------------------------------------


def test_each_bicepparam_file_is_one_deployment() -> None:
    model = model_of("params")
    main = f"{INPUTS}/params/main.bicep"
    dev, prod = f"{INPUTS}/params/dev.bicepparam", f"{INPUTS}/params/env/prod.bicepparam"
    clusters = model.of_kind(Kind.AKS_CLUSTER)
    assert [(c.key, c.base_key, c.name, c.region, c.get("load_balancer_sku"), c.deployment.path, c.location.path)
            for c in clusters] == [
        (f"bicep:{main}@{dev}:cluster", f"bicep:{main}:cluster", "aks-catalog-westus3", "westus3", "basic", dev, main),
        # in another folder, `using '../main.bicep'`: still this template's deployment
        (f"bicep:{main}@{prod}:cluster", f"bicep:{main}:cluster", "aks-catalog-prod", "eastus2", "standard", prod, main),
    ]


def test_read_bicepparam_gives_using_values_and_their_places() -> None:
    params = bicep.read_bicepparam(f"{INPUTS}/params/dev.bicepparam")
    path = f"{INPUTS}/params/dev.bicepparam"
    assert params.error is None
    assert (params.using, params.using_location) == ("./main.bicep", Location(path, 1, 1, 1, 21))
    # `var region` of the parameter file is evaluated too.
    assert params.values == {"location": "westus3", "loadBalancerSku": "basic", "dnsPrefix": "catalog-dev-westus3"}
    assert {k: v.start_line for k, v in params.value_locations.items()} == {"location": 5, "loadBalancerSku": 6, "dnsPrefix": 7}


def test_read_bicepparam_of_a_broken_file_says_where(tmp_path: Path) -> None:
    (tmp_path / "bad.bicepparam").write_text("using './main.bicep'\nparam location = \n")
    params = bicep.read_bicepparam(str(tmp_path / "bad.bicepparam"))
    assert params.values == {}
    assert (params.error.location.start_line, params.error.message) == (2, "invalid Bicep: unexpected new line; expected an expression")


def test_values_only_known_at_deployment_stay_unresolved() -> None:
    prod = bicep.read_bicepparam(f"{INPUTS}/params/env/prod.bicepparam")
    dns = prod.values["dnsPrefix"]
    assert isinstance(dns, Unresolved)
    assert dns.reason == "an environment variable is read when the parameters are built"


def test_a_parameter_no_file_sets_is_unresolved_per_deployment(tmp_path: Path) -> None:
    (tmp_path / "main.bicep").write_text("""param location string
resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-x'
  location: location
}
""")
    (tmp_path / "a.bicepparam").write_text("using 'main.bicep'\nparam location = 'eastus2'\n")
    (tmp_path / "b.bicepparam").write_text("using 'main.bicep'\n")
    result = bicep.load_files([str(tmp_path / n) for n in ("a.bicepparam", "b.bicepparam", "main.bicep")])
    regions = [c.region for c in result.resources]
    assert regions[0] == "eastus2"
    assert regions[1].reason.endswith("b.bicepparam does not set it")


def test_json_parameter_file_deploys_a_bicep_template() -> None:
    model = model_of("params-json")
    (cluster,) = model.of_kind(Kind.AKS_CLUSTER)
    assert (cluster.name, cluster.region) == ("aks-search-francecentral", "francecentral")
    assert cluster.deployment.path == f"{INPUTS}/params-json/main.parameters.json"
    (pool,) = model.of_kind(Kind.NODE_POOL)
    assert pool.get("count") == 5


def test_param_file_option_pairs_explicitly() -> None:
    options = RunOptions(param_files=((f"{INPUTS}/params/main.bicep", f"{INPUTS}/params/dev.bicepparam"),))
    result = load("params/main.bicep", "params/dev.bicepparam", "params/env/prod.bicepparam", options=options)
    assert [(c.name, c.deployment.path) for c in result.resources if c.kind is Kind.AKS_CLUSTER] == [
        ("aks-catalog-westus3", f"{INPUTS}/params/dev.bicepparam"),
    ]


def test_parameter_file_whose_template_is_missing() -> None:
    result = load("params-missing/prod.bicepparam")
    assert [(e.location.start_line, e.message) for e in result.errors] == [
        (1, f"the template ./main.bicep this file deploys is not found (looked for {INPUTS}/params-missing/main.bicep)"),
    ]
    assert result.resources == []


def test_resource_group_location_is_known_inside_a_module_scoped_to_a_declared_group(tmp_path: Path) -> None:
    (tmp_path / "main.bicep").write_text("""targetScope = 'subscription'
resource rg 'Microsoft.Resources/resourceGroups@2023-07-01' = {
  name: 'rg-ledger-weu'
  location: 'westeurope'
}
module aks 'aks.bicep' = {
  name: 'aks'
  scope: rg
}
module elsewhere 'aks.bicep' = {
  name: 'elsewhere'
  scope: resourceGroup('rg-not-declared-here')
}
""")
    (tmp_path / "aks.bicep").write_text("""param location string = resourceGroup().location
resource cluster 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-ledger'
  location: location
}
""")
    result = bicep.load_files([str(tmp_path / "main.bicep"), str(tmp_path / "aks.bicep")])
    known, unknown = [r for r in result.resources if r.kind is Kind.AKS_CLUSTER]
    assert (known.region, known.resource_group) == ("westeurope", "rg-ledger-weu")
    assert unknown.resource_group == "rg-not-declared-here"
    assert unknown.region.reason == "resourceGroup().location: the resource group's location is known only at deployment"


def test_names_that_depend_on_each_other_are_unresolved_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "main.bicep").write_text("""resource a 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: '${b.name}-a'
  location: a.location
}
resource b 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: '${a.name}-b'
  location: 'eastus2'
}
""")
    result = bicep.load_files([str(tmp_path / "main.bicep")])
    assert result.errors == []
    a, b = result.resources
    assert (isinstance(a.name, Unresolved), isinstance(b.name, Unresolved), b.region) == (True, True, "eastus2")
    assert a.region.reason == "the resource's properties refer to themselves"


def test_inline_children_have_the_ids_azure_gives_them(tmp_path: Path) -> None:
    (tmp_path / "main.bicep").write_text("""resource vnet 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: 'vnet-spoke'
  location: 'eastus2'
  properties: {
    subnets: [
      { name: 'snet-ingress', properties: { addressPrefix: '10.0.0.0/24' } }
      { name: 'snet-aks', properties: { addressPrefix: '10.0.16.0/20' } }
    ]
  }
}
resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-spoke'
  location: 'eastus2'
  properties: {
    agentPoolProfiles: [
      { name: 'system', mode: 'System', count: 3, vnetSubnetID: vnet.properties.subnets[1].id }
    ]
  }
}
""")
    model = engine.check([str(tmp_path)]).model
    (pool,) = model.of_kind(Kind.NODE_POOL)
    subnet = model.target(pool, "subnet")
    assert (subnet.name, subnet.location.start_line) == ("vnet-spoke/snet-aks", 7)
    assert pool.refs["subnet"].text == "vnet.properties.subnets[1].id"
