"""The Bicep loader on awkward input: pragmas, line endings, syntax errors that say what is
wrong and where, expressions nested too deeply, and a file of 5,000 lines."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bcdr_lint.loaders import bicep
from bcdr_lint.loaders.bicep_syntax import BicepSyntaxError, error_location, parse
from bcdr_lint.model import Kind

CLUSTER = """resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-orders'
  location: 'eastus2'
}
"""


def load(tmp_path: Path, text: str | bytes, name: str = "main.bicep"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return bicep.load_files([str(path)])


# -- pragmas and line endings ---------------------------------------------------------------


def test_every_diagnostics_pragma_is_skipped(tmp_path: Path) -> None:
    result = load(tmp_path, "#disable-diagnostics no-hardcoded-location BCP081\n" + CLUSTER
                  + "#restore-diagnostics no-hardcoded-location BCP081\n")
    assert result.errors == []
    assert [r.name for r in result.resources] == ["aks-orders"]


@pytest.mark.parametrize("encoding", ["crlf", "bom", "tabs", "bom+crlf"])
def test_windows_line_endings_bom_and_tabs_keep_exact_positions(tmp_path: Path, encoding: str) -> None:
    text = CLUSTER.replace("  ", "\t") if encoding == "tabs" else CLUSTER
    if "crlf" in encoding:
        text = text.replace("\n", "\r\n")
    data = text.encode()
    if "bom" in encoding:
        data = b"\xef\xbb\xbf" + data
    (cluster,) = load(tmp_path, data).resources
    assert cluster.region == "eastus2"
    region = cluster.loc("region")
    assert (region.start_line, region.start_col) == (3, 2 if encoding == "tabs" else 3)
    assert region.end_col == region.start_col + len("location: 'eastus2'")


def test_multi_line_string_with_windows_line_endings_starts_after_the_opening_line(tmp_path: Path) -> None:
    result = load(tmp_path, "var note = '''\r\nzones: 1, 2, 3\r\n'''\r\n" + CLUSTER.replace("\n", "\r\n"))
    assert result.errors == [] and [r.location.start_line for r in result.resources] == [4]


# -- syntax errors: where, and what was expected --------------------------------------------


@pytest.mark.parametrize("text, line, col, expected", [
    # An unclosed block comment is not "unexpected '*'".
    ("var zones = 3 /* spread over zones\nvar x = 1\n", 1, 15, "unterminated comment: '/*' is never closed by '*/'"),
    # An unclosed ''' string starts at its first quote.
    ("var x = 1\nvar note = '''\nnever closed\n", 2, 12, "unterminated multi-line string: ''' is never closed"),
    # At the end of the file, the bracket that is still open.
    ("resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {\n  name: 'aks'\n"
     "  properties: {\n    dnsPrefix: 'aks'\n  \n}\n", 1, 72,
     "'{' is never closed: the file ends inside it"),
    ("var pools = [\n  'system'\n", 1, 13, "'[' is never closed: the file ends inside it"),
    ("var tags = {\n  env: 'prod'\n// owner: 'platform'\n/* cost center */\n", 1, 12,
     "'{' is never closed: the file ends inside it"),
    ("var x = concat('a',\n  'b'\n", 1, 15, "'(' is never closed: the file ends inside it"),
])
def test_syntax_errors_name_the_construct_left_open(text: str, line: int, col: int, expected: str) -> None:
    with pytest.raises(BicepSyntaxError) as caught:
        parse(text)
    assert (error_location(text, caught.value), str(caught.value)) == ((line, col), expected)


def test_syntax_error_through_the_loader_is_bcdr001_at_file_line_and_column(tmp_path: Path) -> None:
    result = load(tmp_path, "param location string = 'eastus2'\n\nvar tags = {\n  env: 'prod'\n")
    (error,) = result.errors
    assert (error.location.path.endswith("main.bicep"), error.location.start_line, error.location.start_col) == (True, 3, 12)
    assert error.message == "invalid Bicep: '{' is never closed: the file ends inside it"


# -- nesting and size -------------------------------------------------------------------------


def test_an_expression_nested_too_deeply_costs_its_declaration_not_the_file(tmp_path: Path) -> None:
    chain = " + ".join(["1"] * 3000)
    result = load(tmp_path, f"var total = {chain}\n" + CLUSTER + """
resource deep 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: 'vnet-${total}'
  location: 'eastus2'
}
""")
    assert [r.name for r in result.resources] == ["aks-orders"]
    (error,) = result.errors
    assert (error.location.start_line, error.location.start_col) == (7, 1)  # the resource that needs it
    assert error.message == "bcdr-lint could not evaluate this declaration: expressions nested too deeply"


def test_deeply_nested_brackets_parse_and_evaluate(tmp_path: Path) -> None:
    nested = "[" * 150 + "'eastus2'" + "]" * 150
    result = load(tmp_path, f"var deep = {nested}\nvar region = deep{'[0]' * 150}\n"
                  + CLUSTER.replace("'eastus2'", "region"))
    assert result.errors == [] and [r.region for r in result.resources] == ["eastus2"]


def _big_template(stamps: int) -> str:
    parts = ["param location string = 'eastus2'\n"]
    for i in range(stamps):
        parts.append(f"""
@description('Stamp {i}')
resource aks{i} 'Microsoft.ContainerService/managedClusters@2024-02-01' = {{
  name: 'aks-{i}-${{location}}'
  location: location
  sku: {{ name: 'Base', tier: {i} % 2 == 0 ? 'Standard' : 'Free' }}
  properties: {{
    dnsPrefix: 'aks{i}'
    agentPoolProfiles: [for (zone, j) in [ '1', '2', '3' ]: {{
      name: 'pool${{j}}'
      mode: j == 0 ? 'System' : 'User'
      count: 3
      availabilityZones: [ zone ]
    }}]
  }}
}}

resource pip{i} 'Microsoft.Network/publicIPAddresses@2023-09-01' = {{
  name: 'pip-{i}'
  location: location
  sku: {{ name: 'Standard' }}
  properties: {{ dnsSettings: {{ domainNameLabel: 'app{i}' }} }}
}}
output fqdn{i} string = pip{i}.properties.dnsSettings.fqdn
""")
    return "".join(parts)


def test_a_file_of_5000_lines_loads_in_seconds(tmp_path: Path) -> None:
    text = _big_template(209)
    assert text.count("\n") >= 5000
    start = time.perf_counter()
    result = load(tmp_path, text)
    elapsed = time.perf_counter() - start
    assert result.errors == []
    clusters = [r for r in result.resources if r.kind is Kind.AKS_CLUSTER]
    assert len(clusters) == 209 and len(result.resources) == 209 * 5
    # The last stamp is located exactly, its keys name its symbol (no line numbers).
    last = clusters[-1]
    assert last.key.endswith(":aks208") and last.loc("region").start_line == text[:text.index("resource aks208 ")].count("\n") + 3
    assert elapsed < 10, f"{elapsed:.1f}s"  # about 1 s; quadratic behaviour would take minutes


# -- keys and module paths --------------------------------------------------------------------


STAMPS = """param regions array = [ 'eastus2', 'centralus' ]
resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: 'vnet-hub'
  location: regions[0]
}
resource clusters 'Microsoft.ContainerService/managedClusters@2024-05-01' = [for region in regions: {
  name: 'aks-${region}'
  location: region
}]
"""


def test_keys_do_not_change_when_declarations_move(tmp_path: Path) -> None:
    before = {r.key: r.location.start_line for r in load(tmp_path, STAMPS).resources}
    vnet, loop = STAMPS.split("resource clusters")
    header, vnet_decl = vnet.split("resource vnet")
    moved = f"// regions first\n{header}\n\nresource clusters{loop}\n/* the hub */\nresource vnet{vnet_decl}"
    after = {r.key: r.location.start_line for r in load(tmp_path, moved).resources}
    assert sorted(before) == sorted(after) and len(after) == 3
    assert before != after  # the same keys, at their new lines


def test_a_module_reached_by_a_parent_folder_path_is_the_file_checked_directly(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "infra" / "main.bicep").write_text("""module hub '..\\\\shared\\\\network.bicep' = {
  name: 'hub'
  params: {
    location: 'westeurope'
  }
}
module spoke '../shared/../shared/network.bicep' = {
  name: 'spoke'
  params: {
    location: 'northeurope'
  }
}
""")
    (tmp_path / "shared" / "network.bicep").write_text("""param location string
resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: 'vnet-${location}'
  location: location
}
""")
    monkeypatch.chdir(tmp_path)
    result = bicep.load_files(["infra/main.bicep", "shared/network.bicep"])
    assert result.errors == []
    # Deployed through its caller only, located in the module file as discovery shows it.
    assert [(r.key, r.region, r.location.path) for r in result.resources] == [
        ("bicep:infra/main.bicep:hub/vnet", "westeurope", "shared/network.bicep"),
        ("bicep:infra/main.bicep:spoke/vnet", "northeurope", "shared/network.bicep"),
    ]


# -- the language as real repositories write it ----------------------------------------------


@pytest.mark.parametrize("text", [
    "extension microsoftGraphV1\n",
    "extension kubernetes with {\n  namespace: 'default'\n  kubeConfig: ''\n} as k8s\n",
    "provider microsoftGraph\n",
    "extension 'br:mcr.microsoft.com/bicep/extensions/microsoftgraph/v1.0:0.1.8-preview' as graph\n",
    "import {\n  regionConfig\n  tier as skuTier\n} from 'br/public:avm/utl/types/avm-common-types:0.5.1'\n",
    "@export()\n@sealed()\ntype tier = 'Free' | 'Standard' | 'Premium'\n",
    "@discriminator('kind')\ntype either = blue | green\n",
    "type pool = {\n  @minValue(1)\n  count: int\n  zones: ('1' | '2' | '3')[]?\n  *: string\n}\n",
    "param sku resourceInput<'Microsoft.ContainerService/managedClusters@2024-05-01'>.sku?\n",
    "@export()\nfunc name(kind string, region string) string => '${kind}-${region}'\n",
    "var zones = map(range(1, 3), z => {\n  zone: string(z)\n})\n",
    "var byRegion = toObject(stamps, s => s.region, s => s.zones ?? [])\n",
    "var total = reduce(stamps, 0, (sum, s, i) => sum + i)\n",
    "var first = stamps[?0].?zones!\n",
    "var note = '''\nit's 'verbatim' ${here}\n'''\n",
    "var escaped = 'it\\'s \\${not} a hole'\n",
    "#disable-next-line no-unused-vars\nvar unused = 1\n",
    "@batchSize(2)\nmodule stamps 'stamp.bicep' = [for (r, i) in regions: {\n  name: 'stamp-${i}'\n"
    "  scope: resourceGroup(r)\n}]\n",
    "resource pool 'Microsoft.ContainerService/managedClusters/agentPools@2024-05-01' = if (deployPool) {\n"
    "  name: 'user'\n}\n",
    "resource hub 'Microsoft.Network/virtualNetworks@2023-11-01' existing = {\n  name: 'vnet-hub'\n"
    "  scope: resourceGroup(hubSubscription, 'rg-hub')\n}\n",
    "output ids string[] = [for (r, i) in regions: stamps[i].outputs.clusterId]\n",
    "var x = concat(\n  'a', // first\n  'b'\n)\n",
    "using './main.bicep'\nparam key = az.getSecret('sub', 'rg', 'kv', 'secret')\n"
    "param owner = readEnvironmentVariable('OWNER', 'platform')\n",
    "using none\nparam location = 'westus3'\n",
    "using 'main.bicep'\nextends 'base.bicepparam'\nparam tags = {\n  ...base.tags\n  env: 'prod'\n}\n",
])
def test_statement_forms_of_current_bicep_parse(text: str) -> None:
    assert parse(text).statements
