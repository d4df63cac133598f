"""The Bicep loader: syntax, positions, static evaluation, resources through the ARM builders, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcdr_lint.loaders import bicep
from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.loaders.bicep_instance import Context, Host, Instance
from bcdr_lint.loaders.bicep_syntax import BicepSyntaxError, error_location, parse
from bcdr_lint.loaders.bicep_template import Files, Template
from bcdr_lint.model import Kind, Location, Ref, Resource, Unresolved

INPUTS = "tests/inputs/bicep"


@pytest.fixture(autouse=True)
def _at_root(at_root):
    return at_root


def load(*paths: str) -> LoadResult:
    return bicep.load_files([f"{INPUTS}/{p}" for p in paths])


def by_name(result: LoadResult) -> dict[str, Resource]:
    return {str(r.name): r for r in result.resources}


def outputs(tmp_path: Path, text: str) -> dict:
    """The outputs of a template written to ``tmp_path``, deployed with its defaults."""
    (tmp_path / "main.bicep").write_text(text)
    files = Files()
    template = files.get(str(tmp_path / "main.bicep"))
    assert isinstance(template, Template), template
    return Instance(template, {}, Context("test:"), Host(files)).outputs()


# -- a template using most of the language --------------------------------------------------


def test_every_modelled_resource_of_a_full_template() -> None:
    result = load("syntax/platform.bicep")
    assert result.errors == []
    assert [(r.kind.value, str(r.name), r.region, r.location.start_line) for r in result.resources] == [
        ("virtual-network", "vnet-orders-prod", "swedencentral", 57),
        ("subnet", "vnet-orders-prod/snet-aks", None, 64),
        ("container-registry", "acrordersprod", "swedencentral", 73),
        ("registry-replica", "acrordersprod/swedensouth", "swedensouth", 83),
        ("registry-replica", "acrordersprod/norwayeast", "norwayeast", 83),
        ("aks-cluster", "aks-orders-prod", "swedencentral", 89),
        ("aks-node-pool", "aks-orders-prod/system", None, 100),
        ("aks-node-pool", "aks-orders-prod/user", None, 121),
    ]


def test_cluster_attributes_keys_and_positions() -> None:
    cluster = by_name(load("syntax/platform.bicep"))["aks-orders-prod"]
    path = f"{INPUTS}/syntax/platform.bicep"
    assert cluster.key == f"bicep:{path}:cluster"
    assert cluster.source_type == "Microsoft.ContainerService/managedClusters"
    assert (cluster.azure_type, cluster.azure_names) == ("microsoft.containerservice/managedclusters", ("aks-orders-prod",))
    # `tier: isProd ? 'Standard' : 'Free'` is evaluated, as is the load balancer SKU.
    assert dict(cluster.attrs) == {"load_balancer_sku": "standard", "sku_tier": "standard"}
    # The declaration spans from `resource` to its closing brace; each attribute is located at
    # its property (key to end of value).
    assert cluster.location == Location(path, 89, 1, 119, 2)
    assert cluster.loc("region") == Location(path, 91, 3, 91, 21)
    assert {k: v.start_line for k, v in cluster.attr_locations.items()} == {
        "region": 91, "name": 90, "sku_tier": 95, "load_balancer_sku": 110,
    }


def test_node_pools_inline_and_as_conditional_child_with_parent() -> None:
    result = by_name(load("syntax/platform.bicep"))
    system, user = result["aks-orders-prod/system"], result["aks-orders-prod/user"]
    assert dict(system.attrs) == {"pool_name": "system", "mode": "system", "count": 3, "zones": ["1", "2", "3"]}
    # `vnet::aksSubnet.id`: the nested `existing` subnet, by identity.
    assert system.refs["subnet"] == Ref(type="microsoft.network/virtualnetworks/subnets",
                                        names=("vnet-orders-prod", "snet-aks"), text="vnet::aksSubnet.id")
    cluster_key = f"bicep:{INPUTS}/syntax/platform.bicep:cluster"
    assert system.refs["cluster"].key == cluster_key
    # `parent: cluster` on a child with its full type; `if (isProd)` is true.
    assert user.key == f"bicep:{INPUTS}/syntax/platform.bicep:userPool"
    assert user.refs["cluster"] == Ref(type="microsoft.containerservice/managedclusters", names=("aks-orders-prod",),
                                       key=cluster_key, text="aks-orders-prod")
    assert dict(user.attrs) == {"pool_name": "user", "mode": "user", "count": 6, "zones": ["1", "2", "3"]}
    # '${vnet.id}/subnets/snet-aks' is a resource id the model can match by name.
    assert user.refs["subnet"].type == "microsoft.network/virtualnetworks/subnets"
    assert user.refs["subnet"].names == ("vnet-orders-prod", "snet-aks")


def test_nested_child_loop_is_keyed_by_element() -> None:
    replicas = [r for r in load("syntax/platform.bicep").resources if r.kind is Kind.REGISTRY_REPLICA]
    path = f"bicep:{INPUTS}/syntax/platform.bicep"
    assert [r.key for r in replicas] == [f"{path}:registry/replica[swedensouth]", f"{path}:registry/replica[norwayeast]"]
    assert all(r.refs["registry"].key == f"{path}:registry" for r in replicas)
    assert all(r.get("deployed") is None for r in replicas)


def test_registry_name_and_sku_are_evaluated() -> None:
    registry = by_name(load("syntax/platform.bicep"))["acrordersprod"]
    assert dict(registry.attrs) == {"sku": "premium", "zone_redundancy": True}


def test_resource_types_without_a_builder_yield_nothing() -> None:
    # The Log Analytics workspace is declared (line 52) but not a modelled kind.
    assert all(r.location.start_line != 52 for r in load("syntax/platform.bicep").resources)


# -- values ----------------------------------------------------------------------------------


def test_functions_operators_and_interpolation(tmp_path: Path) -> None:
    values = outputs(tmp_path, """
param prefix string = 'Contoso'
param regions array = [
  'eastus2'
  'centralus'
]
var config = {
  primary: regions[0]
  'secondary-region': regions[1]
  nested: { sku: 'Premium', zones: [1, 2] }
}
output lower string = toLower(prefix)
output fmt string = format('{0}-{1}', prefix, 42)
output cat string = concat('a', 'b', string(3))
output merged object = union(config, { nested: { tier: 'Standard' } })
output length int = length(regions)
output has bool = contains(regions, 'centralus')
output hasKey bool = contains(config, 'PRIMARY')
output empty bool = empty([])
output ternary string = length(regions) > 1 ? 'multi' : 'single'
output interp string = '${prefix}-${config.primary}-${config['secondary-region']}'
output arithmetic int = (7 + 3) * 2 - 10 / 3 % 2
output truncated int = -7 / 2
output mapped array = map(regions, r => 'aks-${r}')
output filtered array = filter(regions, r => startsWith(r, 'east'))
output indexed array = [for (r, i) in regions: '${i}:${r}']
output safe string = config.?missing ?? 'fallback'
output escapes string = 'it\\'s \\${x} \\u{41}'
output caseless bool = 'ABC' =~ 'abc'
output json object = json('{"a": [1]}')
""")
    assert values == {
        "lower": "contoso",
        "fmt": "Contoso-42",
        "cat": "ab3",
        "merged": {"primary": "eastus2", "secondary-region": "centralus",
                   "nested": {"sku": "Premium", "zones": [1, 2], "tier": "Standard"}},
        "length": 2,
        "has": True,
        "hasKey": True,
        "empty": True,
        "ternary": "multi",
        "interp": "Contoso-eastus2-centralus",
        "arithmetic": 19,
        "truncated": -3,
        "mapped": ["aks-eastus2", "aks-centralus"],
        "filtered": ["eastus2"],
        "indexed": ["0:eastus2", "1:centralus"],
        "safe": "fallback",
        "escapes": "it's ${x} A",
        "caseless": True,
        "json": {"a": [1]},
    }


def test_multi_line_strings_are_verbatim(tmp_path: Path) -> None:
    values = outputs(tmp_path, "var text = '''\nline ${not} a hole\n'it\\'s'\n'''\noutput text string = text\n")
    assert values == {"text": "line ${not} a hole\n'it\\'s'\n"}


def test_load_json_content_reads_the_file_beside_the_template(tmp_path: Path) -> None:
    (tmp_path / "regions.json").write_text('{"primary": "eastus2"}')
    assert outputs(tmp_path, "output r string = loadJsonContent('regions.json').primary\n") == {"r": "eastus2"}


def test_what_exists_only_at_deployment_is_unresolved(tmp_path: Path) -> None:
    values = outputs(tmp_path, """
param noDefault string
param location string = resourceGroup().location
output location string = location
output name string = 'acr${uniqueString(resourceGroup().id)}'
output missing string = noDefault
output group string = resourceGroup('rg-hub').name
output both bool = false && noDefault == 'x'
output either bool = true || noDefault == 'x'
output unknownBranch string = noDefault == 'x' ? 'a' : 'b'
output caseOnly bool = 'ABC' == 'abc'
output itself string = selfish
var selfish = selfish
""")
    assert values["location"] == Unresolved("resourceGroup().location", "the resource group's location is known only at deployment",
                                            values["location"].location)
    assert values["name"].expression == "uniqueString(resourceGroup().id)"
    assert values["name"].reason == "uniqueString() is computed at deployment"
    assert values["missing"].reason == "parameter 'noDefault' has no default value and no parameter file sets it"
    assert values["group"] == "rg-hub"
    assert (values["both"], values["either"]) == (False, True)  # decided without the unknown side
    assert isinstance(values["unknownBranch"], Unresolved)
    # Whether ARM compares these ignoring case is not modelled: not guessed either way.
    assert isinstance(values["caseOnly"], Unresolved)
    assert values["itself"].reason == "'selfish' refers to itself"


def test_unresolved_attribute_names_the_property_expression_and_inner_reason(tmp_path: Path) -> None:
    (tmp_path / "main.bicep").write_text("""param location string = resourceGroup().location
resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-x'
  location: toLower(location)
}
""")
    (cluster,) = bicep.load_files([str(tmp_path / "main.bicep")]).resources
    assert cluster.region.expression == "toLower(location)"
    assert cluster.region.reason == "resourceGroup().location: the resource group's location is known only at deployment"
    assert (cluster.region.location.start_line, cluster.loc("region").start_line) == (4, 4)


# -- syntax ----------------------------------------------------------------------------------


def test_keywords_are_names_where_no_keyword_fits() -> None:
    program = parse("var x = {\n  type: 'SystemAssigned'\n  resource: { id: 'db' }\n  name: 'param'\n}\n")
    (decl,) = program.statements
    assert [p.key for p in decl.value.props] == ["type", "resource", "name"]


def test_single_line_objects_and_arrays_with_commas_and_multi_line_arguments() -> None:
    program = parse("var a = { x: 1, y: [1, 2] }\nvar b = format('{0}',\n  'z')\n")
    assert len(program.statements) == 2


@pytest.mark.parametrize("text, line, col, expected", [
    ("param location string = 'eastus2\n", 1, 25, "unterminated or invalid string"),
    ("var x = {\n  a: 1 b: 2\n}\n", 2, 8, "unexpected 'b'; expected an operator, ',', '}' or a new line"),
    ("var x = 1 +\n", 1, 12, "unexpected new line; expected an expression"),
    ("resource x = {}\n", 1, 12, "unexpected '='; expected a string"),
    ("var x = '${a b}'\n", 1, 14, "unexpected 'b'; expected an operator or '}'"),
])
def test_syntax_errors_say_where_and_what_was_expected(text: str, line: int, col: int, expected: str) -> None:
    with pytest.raises(BicepSyntaxError) as caught:
        parse(text)
    assert error_location(text, caught.value) == (line, col)
    assert str(caught.value) == expected


def test_a_file_that_does_not_parse_is_one_error_and_others_are_still_read() -> None:
    result = load("broken/main.bicep", "broken/network.bicep", "broken/unterminated.bicep")
    assert [(e.location.path, e.location.start_line, e.location.start_col, e.message) for e in result.errors] == [
        (f"{INPUTS}/broken/main.bicep", 7, 25,
         "invalid Bicep: unexpected 'agentPoolProfiles'; expected an operator, ',', '}' or a new line"),
        (f"{INPUTS}/broken/unterminated.bicep", 1, 25, "invalid Bicep: unterminated or invalid string"),
    ]
    assert [r.name for r in result.resources] == ["vnet-still-checked"]


def test_binary_and_empty_files(tmp_path: Path) -> None:
    (tmp_path / "logo.bicep").write_bytes(b"\x89PNG\x00\x00")
    (tmp_path / "empty.bicep").write_text("")
    (tmp_path / "comments.bicep").write_text("// nothing yet\n/* still nothing */\n")
    result = bicep.load_files([str(tmp_path / n) for n in ("logo.bicep", "empty.bicep", "comments.bicep")])
    assert [(e.message, e.location.start_line) for e in result.errors] == [("binary content (NUL byte) in a text file", 1)]
    assert result.resources == []


def test_newer_syntax_spread_pragmas_and_resource_derived_types(tmp_path: Path) -> None:
    (tmp_path / "main.bicep").write_text("""#disable-next-line no-hardcoded-location
param location string = 'eastus2'
param sku resourceInput<'Microsoft.ContainerService/managedClusters@2024-02-01'>.sku = { name: 'Base', tier: 'Standard' }
var systemPools = [ { name: 'system', mode: 'System', count: 3 } ]
resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-spread'
  location: location
  sku: { ...sku, tier: 'Premium' }
  properties: {
    agentPoolProfiles: [
      ...systemPools
      { name: 'user', mode: 'User', count: 2 }
    ]
  }
}
""")
    result = bicep.load_files([str(tmp_path / "main.bicep")])
    assert result.errors == []
    cluster, system, user = result.resources
    assert (cluster.region, cluster.get("sku_tier")) == ("eastus2", "premium")
    # A spread item is located at the spread.
    assert [(p.name, p.get("count"), p.location.start_line) for p in (system, user)] == [
        ("aks-spread/system", 3, 11), ("aks-spread/user", 2, 12),
    ]
