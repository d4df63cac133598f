"""Bicep language features the loader evaluates: nullable parameters, user-defined functions,
imports, `extends` in parameter files, resource groups named by `scope:`, and the functions
of the newer Bicep releases."""

from __future__ import annotations

from pathlib import Path

from bcdr_lint.loaders import bicep
from bcdr_lint.loaders.bicep_instance import Context, Host, Instance
from bcdr_lint.loaders.bicep_template import Files, Template
from bcdr_lint.model import Kind, Unresolved


def write(folder: Path, **files: str) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def outputs(folder: Path, text: str, **other: str) -> dict:
    """The outputs of ``main.bicep`` deployed with its defaults."""
    write(folder, **{"main.bicep": text}, **other)
    files = Files()
    template = files.get(str(folder / "main.bicep"))
    assert isinstance(template, Template), template
    host = Host(files)
    values = Instance(template, {}, Context("test:"), host).outputs()
    values["errors"] = [(e.location.start_line, e.message) for e in host.errors()]
    return values


def load(folder: Path, *names: str):
    return bicep.load_files([str(folder / n) for n in names])


# -- nullable parameters ------------------------------------------------------------------------


def test_a_nullable_parameter_nobody_sets_is_null(tmp_path: Path) -> None:
    values = outputs(tmp_path, """import { poolSettings } from 'types.bicep'
type zoneList = string[]?
param zones string[]?
param named zoneList
param imported poolSettings
param pool {
  count: int?
}?
param required string
output zones array = zones ?? [ '1', '2', '3' ]
output named bool = named == null
output count int = pool.?count ?? 3
output required string = required ?? 'fallback'
output imported bool = imported == null
""", **{"types.bicep": "@export()\ntype poolSettings = {\n  count: int\n}?\n"})
    assert values["zones"] == ["1", "2", "3"]
    assert values["named"] is True  # nullable through its declared type
    assert values["imported"] is True  # ... also when that type is imported
    assert values["count"] == 3
    # A parameter that is not nullable and has no default is unknown, not null.
    assert values["required"].reason == "parameter 'required' has no default value and no parameter file sets it"


def test_a_nullable_module_parameter_the_caller_leaves_out_is_null(tmp_path: Path) -> None:
    write(tmp_path, **{
        "main.bicep": """module stamp 'stamp.bicep' = {
  name: 'stamp'
  params: {
    location: 'westeurope'
  }
}
""",
        "stamp.bicep": """param location string
param zones array?
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-${location}'
  location: location
  properties: {
    agentPoolProfiles: [
      { name: 'system', mode: 'System', count: 3, availabilityZones: zones ?? [ '1', '2', '3' ] }
    ]
  }
}
""",
    })
    result = load(tmp_path, "main.bicep", "stamp.bicep")
    pool = next(r for r in result.resources if r.kind is Kind.NODE_POOL)
    assert pool.get("zones") == ["1", "2", "3"]


# -- user-defined functions and imports -----------------------------------------------------------


def test_user_defined_functions_are_evaluated(tmp_path: Path) -> None:
    values = outputs(tmp_path, """func prefixed(kind string, name string) string => '${kind}-${name}'
func clusterName(region string) string => prefixed('aks', toLower(region))
func zonesOf(count int) string[] => map(range(1, count), z => string(z))
output name string = clusterName('EastUS2')
output zones array = zonesOf(3)
output unknown string = clusterName(resourceGroup().location)
""")
    assert (values["name"], values["zones"]) == ("aks-eastus2", ["1", "2", "3"])
    assert values["unknown"].reason == "the resource group's location is known only at deployment"


def test_imported_variables_functions_and_namespaces(tmp_path: Path) -> None:
    values = outputs(tmp_path, """import { regions, stampName as nameOf } from 'shared/naming.bicep'
import * as shared from './shared/naming.bicep'
output regions array = regions
output name string = nameOf('orders', regions[1])
output viaNamespace string = shared.stampName('web', shared.regions[0])
output primary string = shared.primary
output notExported string = shared.internal
""", **{"shared/naming.bicep": """@export()
var regions = [ primary, 'centralus' ]
@export()
var primary = 'eastus2'
var internal = 'x'
@export()
func stampName(workload string, region string) string => '${workload}-${region}'
"""})
    assert values["regions"] == ["eastus2", "centralus"]
    assert (values["name"], values["viaNamespace"], values["primary"]) == ("orders-centralus", "web-eastus2", "eastus2")
    assert values["notExported"].reason == "'internal' is not exported by ./shared/naming.bicep"
    assert values["errors"] == []


def test_imports_that_cannot_be_read(tmp_path: Path) -> None:
    values = outputs(tmp_path, """import { regions } from './missing.bicep'
import { sizes } from 'br/public:avm/utl/types/avm-common-types:0.5.1'
import { broken } from './broken.bicep'
output regions array = regions
output sizes array = sizes
output broken string = broken
""", **{"broken.bicep": "@export()\nvar broken = 'x\n"})
    assert values["sizes"].reason == "imported from a registry, which is not read offline"
    assert values["regions"].reason.startswith("cannot read ./missing.bicep")
    assert values["broken"].reason == "./broken.bicep does not parse"
    # The missing file is a problem at the import, once; the broken file reports its own error.
    assert values["errors"] == [(1, f"imported file ./missing.bicep not found (looked for {tmp_path / 'missing.bicep'})")]


# -- parameter files that extend a base file -------------------------------------------------------


def test_a_parameter_file_inherits_the_values_of_the_file_it_extends(tmp_path: Path) -> None:
    write(tmp_path, **{
        "main.bicep": """param location string
param tier string = 'Free'
param tags object
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-${tags.env}'
  location: location
  tags: tags
  sku: { name: 'Base', tier: tier }
}
""",
        "base.bicepparam": "using none\nparam location = 'swedencentral'\nparam tier = 'Standard'\n"
                           "param tags = {\n  env: 'base'\n  owner: 'platform'\n}\n",
        "prod.bicepparam": "using 'main.bicep'\nextends 'base.bicepparam'\nparam tier = 'Premium'\n"
                           "param tags = {\n  ...base.tags\n  env: 'prod'\n}\n",
    })
    result = load(tmp_path, "main.bicep", "prod.bicepparam", "base.bicepparam")
    assert result.errors == []
    (cluster,) = result.resources
    assert (cluster.name, cluster.region, cluster.get("sku_tier")) == ("aks-prod", "swedencentral", "premium")


def test_an_extends_cycle_or_missing_base_is_reported_at_the_extends_line(tmp_path: Path) -> None:
    write(tmp_path, **{
        "main.bicep": "param location string\n",
        "a.bicepparam": "using 'main.bicep'\nextends 'b.bicepparam'\nparam location = 'eastus2'\n",
        "b.bicepparam": "using none\nextends 'a.bicepparam'\n",
        "c.bicepparam": "using 'main.bicep'\nextends 'gone.bicepparam'\n",
    })
    result = load(tmp_path, "main.bicep", "a.bicepparam", "b.bicepparam", "c.bicepparam")
    assert sorted((Path(e.location.path).name, e.location.start_line, e.message) for e in result.errors) == [
        ("b.bicepparam", 2, "extends cycle: a.bicepparam extends this file"),
        ("c.bicepparam", 2, f"the parameter file gone.bicepparam this file extends is not found "
                            f"(looked for {tmp_path / 'gone.bicepparam'})"),
    ]


# -- resource groups and scopes ------------------------------------------------------------------


def test_resource_group_named_by_scope_is_found_among_the_groups_the_template_deploys(tmp_path: Path) -> None:
    write(tmp_path, **{
        "main.bicep": """targetScope = 'subscription'
param regions array = [ 'eastus2', 'centralus' ]
resource groups 'Microsoft.Resources/resourceGroups@2024-03-01' = [for region in regions: {
  name: 'rg-aks-${region}'
  location: region
}]
module byName 'aks.bicep' = [for region in regions: {
  name: 'aks-${region}'
  scope: resourceGroup('rg-aks-${region}')
}]
module bySymbolName 'aks.bicep' = {
  name: 'aks-first'
  scope: resourceGroup(groups[0].name)
}
module otherSubscription 'aks.bicep' = {
  name: 'aks-other'
  scope: resourceGroup('11111111-1111-1111-1111-111111111111', 'rg-aks-eastus2')
}
""",
        "aks.bicep": """resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-${uniqueString(resourceGroup().id)}'
  location: resourceGroup().location
}
""",
    })
    clusters = [r for r in load(tmp_path, "main.bicep", "aks.bicep").resources if r.kind is Kind.AKS_CLUSTER]
    assert [(c.key.rsplit(":", 1)[1], c.resource_group, c.region) for c in clusters[:3]] == [
        ("byName[eastus2]/aks", "rg-aks-eastus2", "eastus2"),
        ("byName[centralus]/aks", "rg-aks-centralus", "centralus"),
        ("bySymbolName/aks", "rg-aks-eastus2", "eastus2"),
    ]
    # A group of that name in another subscription is not the one declared here.
    other = clusters[3]
    assert other.resource_group == "rg-aks-eastus2" and isinstance(other.region, Unresolved)


def test_children_of_an_existing_resource_in_another_group_are_in_that_group(tmp_path: Path) -> None:
    write(tmp_path, **{"main.bicep": """resource hub 'Microsoft.Network/virtualNetworks@2023-11-01' existing = {
  name: 'vnet-hub'
  scope: resourceGroup('rg-hub')

  resource nodes 'subnets' existing = {
    name: 'snet-nodes'
  }
}
resource shared 'Microsoft.Network/virtualNetworks/subnets@2023-11-01' existing = {
  parent: hub
  name: 'snet-shared'
}
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-spoke'
  location: 'eastus2'
  properties: {
    agentPoolProfiles: [
      { name: 'system', mode: 'System', count: 3, vnetSubnetID: hub::nodes.id }
      { name: 'user', mode: 'User', count: 3, vnetSubnetID: shared.id }
    ]
  }
}
"""})
    pools = [r for r in load(tmp_path, "main.bicep").resources if r.kind is Kind.NODE_POOL]
    assert [(p.refs["subnet"].names, p.refs["subnet"].resource_group) for p in pools] == [
        (("vnet-hub", "snet-nodes"), "rg-hub"), (("vnet-hub", "snet-shared"), "rg-hub"),
    ]


def test_loops_over_object_entries_are_keyed_by_entry(tmp_path: Path) -> None:
    write(tmp_path, **{"main.bicep": """var stamps = {
  west: { region: 'westeurope' }
  north: { region: 'northeurope' }
}
resource clusters 'Microsoft.ContainerService/managedClusters@2024-05-01' = [for stamp in items(stamps): {
  name: 'aks-${stamp.key}'
  location: stamp.value.region
}]
"""})
    # items() sorts by key: an entry added before another must not renumber the others.
    assert [r.key.rsplit(":", 1)[1] for r in load(tmp_path, "main.bicep").resources] == [
        "clusters[north]", "clusters[west]",
    ]


# -- functions -----------------------------------------------------------------------------------


def test_newer_functions(tmp_path: Path) -> None:
    values = outputs(tmp_path, """var regions = [ 'eastus2', 'centralus', 'westus3' ]
output index int = indexOf(regions, 'centralus')
output missing int = indexOf(regions, 'westeurope')
output caseOnly int = indexOf(regions, 'CentralUS')
output last int = lastIndexOf([ 1, 2, 1 ], 1)
output tried string = tryGet({ a: 'x' }, 'a')
output triedMissing bool = tryGet({ a: 'x' }, 'b') == null
output triedIndex string = tryGet(regions, 5) ?? 'none'
output merged object = shallowMerge([ { a: { b: 1 } }, { a: { c: 2 }, d: 3 } ])
output sorted array = sort([ 'b', 'c', 'a' ], (x, y) => x < y)
output grouped object = groupBy(regions, r => substring(r, 0, 4))
output mapped object = mapValues({ a: 1, b: 2 }, v => v * 10)
output subnet string = cidrSubnet('10.1.0.0/16', 20, 2)
output host string = cidrHost('10.1.0.0/24', 3)
output parsed object = parseCidr('10.1.0.0/22')
""")
    assert values["index"] == 1 and values["missing"] == -1 and values["last"] == 2
    # Whether ARM matches array items ignoring case is not modelled: not guessed either way.
    assert values["caseOnly"].reason == "the item is in the array only with other letter case"
    assert (values["tried"], values["triedMissing"], values["triedIndex"]) == ("x", True, "none")
    assert values["merged"] == {"a": {"c": 2}, "d": 3}
    assert values["sorted"] == ["a", "b", "c"]
    assert values["grouped"] == {"east": ["eastus2"], "cent": ["centralus"], "west": ["westus3"]}
    assert values["mapped"] == {"a": 10, "b": 20}
    assert (values["subnet"], values["host"]) == ("10.1.32.0/20", "10.1.0.4")
    assert values["parsed"] == {"network": "10.1.0.0", "netmask": "255.255.252.0", "broadcast": "10.1.3.255",
                                "firstUsable": "10.1.0.1", "lastUsable": "10.1.3.254", "cidr": 22}
