"""The Terraform (azurerm) loader: one folder is one module, evaluated statically."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.loaders.terraform import load_module
from bcdr_lint.model import Kind, Model, Ref, Resource, Unresolved
from bcdr_lint.model import azure_id
from tests.helpers import findings_for

INPUTS = "tests/inputs/terraform"
MODULE = f"{INPUTS}/module"
UNRESOLVED = f"{INPUTS}/unresolved"
BROKEN = f"{INPUTS}/broken"


def load(folder: str) -> LoadResult:
    files = sorted(p.as_posix() for p in Path(folder).glob("*.tf"))
    return load_module(folder, files)


def by_key(result: LoadResult) -> dict[str, Resource]:
    return {r.key.split(":", 2)[2]: r for r in result.resources}


def lines(resource: Resource) -> dict[str, int]:
    return {attr: loc.start_line for attr, loc in resource.attr_locations.items()}


@pytest.fixture
def module(at_root) -> dict[str, Resource]:
    result = load(MODULE)
    assert result.errors == []
    return by_key(result)


@pytest.fixture
def unresolved(at_root) -> dict[str, Resource]:
    result = load(UNRESOLVED)
    assert result.errors == []
    return by_key(result)


# -- a module spread over four files ------------------------------------------------------


def test_every_azurerm_block_becomes_its_kind_and_other_types_yield_nothing(module):
    assert {address: (r.kind, r.name, r.region) for address, r in module.items()} == {
        "azurerm_resource_group.rg": (Kind.RESOURCE_GROUP, "rg-bcdr", "eastus2"),
        "azurerm_virtual_network.hub": (Kind.VIRTUAL_NETWORK, "vnet-hub", "eastus2"),
        "azurerm_virtual_network.hub/subnet[firewall]": (Kind.SUBNET, "firewall", None),
        "azurerm_virtual_network.spoke": (Kind.VIRTUAL_NETWORK, "vnet-spoke", "westeurope"),
        "azurerm_subnet.aks": (Kind.SUBNET, "aks", None),
        "azurerm_virtual_network_peering.spoke_to_hub": (Kind.VNET_PEERING, "spoke-to-hub", None),
        "azurerm_virtual_network_peering.hub_to_spoke": (Kind.VNET_PEERING, "hub-to-spoke", None),
        "azurerm_kubernetes_cluster.primary": (Kind.AKS_CLUSTER, "aks-primary", "eastus2"),
        "azurerm_kubernetes_cluster.primary/default_node_pool": (Kind.NODE_POOL, "system", None),
        "azurerm_kubernetes_cluster_node_pool.user": (Kind.NODE_POOL, "user1", None),
        "azurerm_kubernetes_cluster.secondary": (Kind.AKS_CLUSTER, "bcdr-aks-westus3", "westus3"),
        "azurerm_kubernetes_cluster.secondary/default_node_pool": (Kind.NODE_POOL, "system", None),
        "azurerm_container_registry.acr": (Kind.CONTAINER_REGISTRY, "acrbcdr", "eastus2"),
        "azurerm_container_registry.acr/georeplications[centralus]": (Kind.REGISTRY_REPLICA, "centralus", "centralus"),
        "azurerm_container_registry.acr/georeplications[westus3]": (Kind.REGISTRY_REPLICA, "westus3", "westus3"),
    }


def test_keys_name_the_folder_and_the_terraform_address(module):
    cluster = module["azurerm_kubernetes_cluster.primary"]
    assert cluster.key == f"tf:{MODULE}:azurerm_kubernetes_cluster.primary"
    assert module["azurerm_kubernetes_cluster.primary/default_node_pool"].key == f"{cluster.key}/default_node_pool"


def test_cluster_attributes_identity_and_locations(module):
    cluster = module["azurerm_kubernetes_cluster.primary"]
    assert dict(cluster.attrs) == {"load_balancer_sku": "standard", "sku_tier": "standard"}
    assert cluster.resource_group == "rg-bcdr"
    assert cluster.source_type == "azurerm_kubernetes_cluster"
    assert (cluster.azure_type, cluster.azure_names) == (azure_id.AKS_CLUSTER, ("aks-primary",))
    assert (cluster.location.path, cluster.location.start_line, cluster.location.end_line) == (f"{MODULE}/aks.tf", 1, 22)
    assert lines(cluster) == {"name": 2, "region": 3, "sku_tier": 6, "load_balancer_sku": 18}
    region = cluster.loc("region")
    assert (region.start_col, region.end_line, region.end_col) == (3, 3, 59)


def test_unset_arguments_stay_absent(module):
    secondary = module["azurerm_kubernetes_cluster.secondary"]
    assert "load_balancer_sku" not in secondary.attrs and "sku_tier" not in secondary.attrs
    pool = module["azurerm_kubernetes_cluster.secondary/default_node_pool"]
    assert pool.refs["subnet"] is None
    assert "zones" not in pool.attrs


def test_default_node_pool_is_a_system_pool_of_its_cluster(module):
    pool = module["azurerm_kubernetes_cluster.primary/default_node_pool"]
    assert dict(pool.attrs) == {"pool_name": "system", "mode": "system", "zones": ["1", "2", "3"], "count": 3}
    assert (pool.location.start_line, pool.location.end_line) == (8, 14)
    assert lines(pool) == {"name": 9, "pool_name": 9, "count": 10, "zones": 12, "subnet": 13}
    assert pool.refs["cluster"].key == module["azurerm_kubernetes_cluster.primary"].key
    assert pool.refs["subnet"] == Ref(
        type=azure_id.SUBNET, names=("vnet-spoke", "aks"), resource_group="rg-bcdr",
        key=f"tf:{MODULE}:azurerm_subnet.aks", text="azurerm_subnet.aks.id",
    )
    assert (pool.azure_type, pool.azure_names, pool.resource_group) == (
        azure_id.AKS_AGENT_POOL, ("aks-primary", "system"), "rg-bcdr")


def test_separate_node_pool_defaults_to_user_mode_and_evaluates_arithmetic(module):
    pool = module["azurerm_kubernetes_cluster_node_pool.user"]
    # zones = [1, 2]: the provider's list(string) turns numbers into strings.
    assert dict(pool.attrs) == {"pool_name": "user1", "mode": "user", "zones": ["1", "2"], "min_count": 2, "max_count": 10}
    assert "mode" not in pool.attr_locations
    assert lines(pool) == {"name": 25, "pool_name": 25, "cluster": 26, "min_count": 28, "max_count": 29, "zones": 30,
                           "subnet": 31}
    assert pool.azure_names == ("aks-primary", "user1")
    # A literal subnet id becomes a reference by Azure identity.
    assert pool.refs["subnet"].key is None
    assert pool.refs["subnet"].names == ("vnet-spoke", "aks")


def test_model_follows_cluster_to_pools_to_subnet_to_vnet(module):
    model = Model(module.values())
    cluster = module["azurerm_kubernetes_cluster.primary"]
    pools = model.referrers(cluster, "cluster")
    assert sorted(p.key.rsplit(":", 1)[1] for p in pools) == [
        "azurerm_kubernetes_cluster.primary/default_node_pool",
        "azurerm_kubernetes_cluster_node_pool.user",
    ]
    for pool in pools:
        subnet = model.target(pool, "subnet")
        assert subnet is module["azurerm_subnet.aks"]
        assert model.target(subnet, "vnet") is module["azurerm_virtual_network.spoke"]


def test_model_follows_peerings_to_both_vnets(module):
    model = Model(module.values())
    hub, spoke = module["azurerm_virtual_network.hub"], module["azurerm_virtual_network.spoke"]
    exact = module["azurerm_virtual_network_peering.spoke_to_hub"]
    assert exact.refs["local_vnet"].key == spoke.key
    assert exact.refs["remote_vnet"].key == hub.key
    assert (model.target(exact, "local_vnet"), model.target(exact, "remote_vnet")) == (spoke, hub)
    # Through a local and a literal id: by identity, still the same VNets.
    by_identity = module["azurerm_virtual_network_peering.hub_to_spoke"]
    assert by_identity.refs["local_vnet"] == Ref(
        type=azure_id.VIRTUAL_NETWORK, names=("vnet-hub",), resource_group="rg-bcdr", text="local.hub_name")
    assert (model.target(by_identity, "local_vnet"), model.target(by_identity, "remote_vnet")) == (hub, spoke)
    assert by_identity.azure_names == ("vnet-hub", "hub-to-spoke")


def test_inline_subnet_belongs_to_its_vnet(module):
    model = Model(module.values())
    subnet = module["azurerm_virtual_network.hub/subnet[firewall]"]
    assert model.target(subnet, "vnet") is module["azurerm_virtual_network.hub"]
    assert (subnet.location.start_line, subnet.location.end_line, lines(subnet)) == (12, 15, {"name": 13})
    assert (subnet.azure_names, subnet.resource_group) == (("vnet-hub", "firewall"), "rg-bcdr")


def test_registry_and_its_replicas(module):
    registry = module["azurerm_container_registry.acr"]
    assert dict(registry.attrs) == {"sku": "premium", "zone_redundancy": True}
    assert lines(registry) == {"name": 2, "region": 4, "sku": 5, "zone_redundancy": 6}
    central = module["azurerm_container_registry.acr/georeplications[centralus]"]
    west = module["azurerm_container_registry.acr/georeplications[westus3]"]
    assert dict(central.attrs) == {"zone_redundancy": False} and dict(west.attrs) == {}
    assert (central.location.start_line, lines(central)) == (8, {"region": 9, "zone_redundancy": 10})
    assert (west.location.start_line, lines(west)) == (13, {"region": 14})
    model = Model(module.values())
    assert model.target(central, "registry") is registry and model.target(west, "registry") is registry
    assert central.azure_names == ("acrbcdr", "centralus")


def test_resource_group_name_from_a_local_and_location_from_a_variable_default(module):
    group = module["azurerm_resource_group.rg"]
    assert (group.name, group.region, group.resource_group) == ("rg-bcdr", "eastus2", "rg-bcdr")
    assert lines(group) == {"name": 2, "region": 3}


# -- values that cannot be known statically ----------------------------------------------


def _unresolved(value: object) -> tuple[str, str, int]:
    assert isinstance(value, Unresolved), value
    return value.expression, value.reason, value.location.start_line


def test_variables_without_default_are_unresolved_at_the_argument_that_uses_them(unresolved):
    cluster = unresolved["azurerm_kubernetes_cluster.aks"]
    assert _unresolved(cluster.name) == ('"aks-${var.location}"', "var.location: variable has no default", 27)
    assert _unresolved(cluster.region) == ("local.region", "var.location: variable has no default", 28)
    assert cluster.azure_names == ()


def test_functions_and_for_expressions_are_evaluated_unknown_conditions_and_missing_modules_are_not(unresolved):
    cluster = unresolved["azurerm_kubernetes_cluster.aks"]
    assert cluster.get("sku_tier") == "standard"  # lower("Standard") through a local
    pool = unresolved["azurerm_kubernetes_cluster.aks/default_node_pool"]
    assert pool.get("zones") == ["1", "2"]  # [for z in [1, 2] : tostring(z)]
    # A condition that is not known leaves the whole conditional unknown, for the condition's cause.
    assert _unresolved(pool.get("count")) == (
        'var.location == "eastus" ? 3 : 2', "var.location: variable has no default", 35)
    assert _unresolved(pool.refs["subnet"]) == (
        "module.network.subnet_id", "no module call 'network' in this folder", 36)


def test_locals_that_refer_to_each_other_in_a_cycle_are_unresolved(unresolved):
    pool = unresolved["azurerm_kubernetes_cluster.aks/default_node_pool"]
    expression, reason, line = _unresolved(pool.name)
    assert (expression, line) == ("local.loop_a", 33)
    assert "reference cycle" in reason


def test_data_sources_give_identity_references_and_nothing_they_read(unresolved):
    cluster = unresolved["azurerm_kubernetes_cluster.aks"]
    # The data block's own arguments are what the user asked for: known.
    assert cluster.resource_group == "rg-shared"
    assert _unresolved(cluster.get("load_balancer_sku")) == (
        "data.azurerm_resource_group.shared.location", "data source, read at plan time", 40)
    peering = unresolved["azurerm_virtual_network_peering.to_hub"]
    assert peering.refs["remote_vnet"] == Ref(
        type=azure_id.VIRTUAL_NETWORK, names=("vnet-hub",), resource_group="rg-shared",
        text="data.azurerm_virtual_network.hub.id")
    assert _unresolved(peering.refs["local_vnet"]) == ("var.location", "variable has no default", 62)
    subnet = unresolved["azurerm_subnet.pods[0]"]
    assert subnet.refs["vnet"] == Ref(
        type=azure_id.VIRTUAL_NETWORK, names=("vnet-hub",), resource_group="rg-shared",
        text="data.azurerm_virtual_network.hub.name")


def test_count_declares_one_resource_per_index_and_references_pick_instances(unresolved):
    first, second = unresolved["azurerm_subnet.pods[0]"], unresolved["azurerm_subnet.pods[1]"]
    assert (first.name, second.name) == ("pods-0", "pods-1")  # "pods-${count.index}"
    assert first.key.endswith(":azurerm_subnet.pods[0]") and first.location == second.location
    assert "azurerm_subnet.pods" not in unresolved
    pool = unresolved["azurerm_kubernetes_cluster_node_pool.user"]
    assert pool.refs["subnet"].key == first.key
    assert pool.refs["subnet"].text == "azurerm_subnet.pods[0].id"
    assert pool.get("zones") == ["pods-0", "pods-1"]  # azurerm_subnet.pods[*].name
    assert pool.get("mode") == "user" and pool.resource_group == "rg-shared"


def test_dynamic_blocks_expand_when_for_each_is_known(unresolved):
    first = unresolved["azurerm_container_registry.known_replicas/georeplications[northeurope]"]
    second = unresolved["azurerm_container_registry.known_replicas/georeplications[westeurope]"]
    assert (first.region, first.get("zone_redundancy")) == ("northeurope", True)
    assert (second.region, second.get("zone_redundancy")) == ("westeurope", False)
    assert first.location.start_line == 89 and lines(first) == {"region": 90, "zone_redundancy": 91}


def test_dynamic_blocks_with_unknown_for_each_leave_a_replica_of_unknown_region(unresolved):
    stand_in = unresolved["azurerm_container_registry.unknown_replicas/georeplications[0]"]
    assert stand_in.kind is Kind.REGISTRY_REPLICA
    assert _unresolved(stand_in.region) == ("var.replica_locations", "variable has no default", 73)
    assert stand_in.refs["registry"].key == unresolved["azurerm_container_registry.unknown_replicas"].key


# -- expressions --------------------------------------------------------------------------


def _probe(tmp_path: Path, expression: str, prelude: str = "") -> object:
    """The value of ``expression`` as the address_space of a VNet (an argument kept as is)."""
    (tmp_path / "main.tf").write_text(
        f'{prelude}\nresource "azurerm_virtual_network" "v" {{\n  name = "v"\n  address_space = {expression}\n}}\n',
        encoding="utf-8",
    )
    result = load_module(str(tmp_path), [str(tmp_path / "main.tf")])
    assert result.errors == []
    return result.resources[0].get("address_space")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"plain"', "plain"),
        (r'"tab\there \"q\" \u00e9 \\"', 'tab\there "q" \u00e9 \\'),
        ('"$${not.interpolated} %%{nor} this"', "${not.interpolated} %{nor} this"),
        ("[1, 2.5, -3, true, false]", [1, 2.5, -3, True, False]),
        ('{ a = 1, "b" = [2], c: "x" }', {"a": 1, "b": [2], "c": "x"}),
        ("(4 + 2) * 3 / 4", 4.5),
        ("10 % 4 == 2 && !false", True),
        ('"n=${1 + 1}, ok=${true}"', "n=2, ok=true"),
        ("<<EOT\nline one\n  two\nEOT\n", "line one\n  two\n"),
        ("<<-EOT\n    indented\n      more\n    EOT\n", "indented\n  more\n"),
        # ~ strips the whitespace on its side of the interpolation.
        ('"a ${~ "x"} b ${"y" ~} c"', "ax b yc"),
        # An exponent needs no fraction in HCL (tree-sitter-hcl's grammar wants one).
        ('[1e3, 2E+2, 2.5e-1, "n${1e1}"]', [1000.0, 200.0, 0.25, "n10"]),
        ("!!true", True),
        ("1 + 2 * 3 == 7 || false", True),
    ],
)
def test_literals_and_operators(tmp_path, expression, expected):
    assert _probe(tmp_path, expression) == expected


def test_variables_and_locals_of_any_type_and_indexing(tmp_path):
    prelude = (
        'variable "cidrs" {\n  default = ["10.0.0.0/16", "10.1.0.0/16"]\n}\n'
        'locals {\n  by_env = { prod = { cidr = var.cidrs[1] } }\n  env = "prod"\n}\n'
    )
    assert _probe(tmp_path, "[local.by_env[local.env].cidr, var.cidrs.0]", prelude) == ["10.1.0.0/16", "10.0.0.0/16"]
    # "${x}" alone keeps x's type.
    assert _probe(tmp_path, '"${var.cidrs}"', prelude) == ["10.0.0.0/16", "10.1.0.0/16"]


@pytest.mark.parametrize(
    ("expression", "unresolved_text", "reason"),
    [
        ('"a%{if var.x}b%{endif}"', '"a%{if var.x}b%{endif}"', "var.x: variable is not declared in this folder"),
        ("<<EOT\n%{for z in var.x}${z}%{endfor}\nEOT\n", "<<EOT\n%{for z in var.x}${z}%{endfor}\nEOT",
         "var.x: variable is not declared in this folder"),
        ("<<EOT\n${var.x}\nEOT\n", "<<EOT\n${var.x}\nEOT", "var.x: variable is not declared in this folder"),
        ("var.missing", "var.missing", "variable is not declared in this folder"),
        ("local.missing", "local.missing", "local value is not declared in this folder"),
        ("azurerm_subnet.nowhere.id", "azurerm_subnet.nowhere.id", "no resource azurerm_subnet.nowhere in this folder"),
        ("each.value", "each.value", "each.key and each.value exist only in a block with for_each"),
        ("[1][3]", "[1][3]", "index 3 not found in this value"),
        ("1 / 0", "1 / 0", "division by zero"),
    ],
)
def test_what_cannot_be_evaluated_is_unresolved_with_its_source_text(tmp_path, expression, unresolved_text, reason):
    value = _probe(tmp_path, expression)
    assert isinstance(value, Unresolved)
    assert (value.expression, value.reason, value.location.start_line) == (unresolved_text, reason, 4)


def test_parenthesized_object_key_is_an_expression(tmp_path):
    prelude = 'locals {\n  k = "from-local"\n}\n'
    assert _probe(tmp_path, '{ (local.k) = 1, k = 2, "${local.k}x" = 3 }', prelude) == {
        "from-local": 1, "k": 2, "from-localx": 3}


def test_columns_count_characters_not_bytes(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "azurerm_virtual_network" "v" {\n  name = "v"\n  address_space = ["é€", var.nope]\n}\n',
        encoding="utf-8")
    result = load_module(str(tmp_path), [str(tmp_path / "main.tf")])
    location = result.resources[0].loc("address_space")
    assert (location.start_line, location.start_col, location.end_line, location.end_col) == (3, 3, 3, 35)
    (tmp_path / "main.tf").write_text('locals {\n  a = ["é€" 2]\n}\n', encoding="utf-8")
    error = load_module(str(tmp_path), [str(tmp_path / "main.tf")]).errors[0]
    assert (error.location.start_line, error.location.start_col, error.message) == (
        2, 13, "Terraform syntax error: unexpected '2'")


def test_null_means_unset(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "azurerm_kubernetes_cluster" "k" {\n  name = "k"\n  sku_tier = null\n}\n', encoding="utf-8")
    result = load_module(str(tmp_path), [str(tmp_path / "main.tf")])
    assert "sku_tier" not in result.resources[0].attrs


# -- bad input ----------------------------------------------------------------------------


def test_syntax_errors_name_file_line_and_column_and_other_files_still_load(at_root):
    result = load(BROKEN)
    assert [(e.location.path, e.location.start_line, e.location.start_col, e.message) for e in result.errors] == [
        (f"{BROKEN}/bad.tf", 3, 14, "Terraform syntax error: unexpected '='"),
        (f"{BROKEN}/unclosed.tf", 2, 1,
         "Terraform syntax error: unexpected end of file (unclosed block, bracket or string?)"),
    ]
    assert [r.key for r in result.resources] == [f"tf:{BROKEN}:azurerm_virtual_network.ok"]


@pytest.mark.parametrize(
    ("text", "line", "column", "what"),
    [
        ('locals {\n  a = [1, 2\n}\n', 3, 1, "missing ']'"),
        ('resource "a" "b" {\n  name = "${var.x"\n}\n', 2, 13, "unexpected 'var'"),
        ('resource "a" "b" {\n  name = "x"\n  location "eastus"\n}\n', 3, 3, "unexpected 'location'"),
        ('locals {\n  a = 1 +\n}\n', 2, 9, "unexpected '+'"),
        ('locals {\n  a = @x\n}\n', 2, 7, "unexpected '@'"),
        ('locals {\n  a = <<EOT\nno end marker\n}\n', 4, 1,
         "unexpected end of file (unclosed block, bracket or string?)"),
        # The file ends inside an open bracket: not "unexpected" at the start of what is open.
        ('location = "eastus"\ntier = [\n', 2, 1, "unexpected end of file (unclosed block, bracket or string?)"),
        ('a = "x"\nb = {\n  c = 1\n', 3, 1, "unexpected end of file (unclosed block, bracket or string?)"),
        ('x {\n  a = (1 + \n', 2, 1, "unexpected end of file (unclosed block, bracket or string?)"),
        ('a = 1\n}\n', 2, 1, "unexpected '}'"),
    ],
)
def test_syntax_errors_point_at_the_first_mistake(tmp_path, text, line, column, what):
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    result = load_module(str(tmp_path), [str(tmp_path / "main.tf")])
    assert [(e.location.start_line, e.location.start_col, e.message) for e in result.errors] == [
        (line, column, f"Terraform syntax error: {what}")]
    assert result.resources == []


def test_syntax_errors_are_bcdr001_findings(at_root):
    assert findings_for([BROKEN], select=["BCDR001"]) == [
        ("BCDR001", f"{BROKEN}/bad.tf", 3),
        ("BCDR001", f"{BROKEN}/unclosed.tf", 2),
    ]


def test_invalid_utf8_is_a_parse_error_and_the_other_file_loads(tmp_path):
    bad = tmp_path / "bad.tf"
    bad.write_bytes(b'locals {\n  x = "caf\xe9"\n}\n')
    good = tmp_path / "good.tf"
    good.write_text('resource "azurerm_resource_group" "rg" {\n  name = "rg"\n  location = "eastus"\n}\n', encoding="utf-8")
    result = load_module(str(tmp_path), [str(bad), str(good)])
    assert [(e.location.path, e.location.start_line, e.message) for e in result.errors] == [
        (str(bad), 2, "invalid UTF-8 (byte 0xe9)")]
    assert [(r.kind, r.region) for r in result.resources] == [(Kind.RESOURCE_GROUP, "eastus")]


def test_duplicate_declarations_are_reported_and_the_first_one_counts(tmp_path):
    (tmp_path / "a.tf").write_text(
        'variable "v" {\n  default = "one"\n}\nlocals {\n  l = 1\n}\n', encoding="utf-8")
    (tmp_path / "b.tf").write_text(
        'variable "v" {\n  default = "two"\n}\nlocals {\n  l = 2\n}\n'
        'resource "azurerm_resource_group" "rg" {\n  name = var.v\n  name = "again"\n}\n'
        'resource "azurerm_subnet" {\n}\n',
        encoding="utf-8",
    )
    result = load_module(str(tmp_path), [str(tmp_path / "a.tf"), str(tmp_path / "b.tf")])
    assert [(Path(e.location.path).name, e.location.start_line, e.message) for e in result.errors] == [
        ("b.tf", 1, "duplicate variable 'v'"),
        ("b.tf", 5, "duplicate local value 'l'"),
        ("b.tf", 9, "argument 'name' is set twice in this block"),
        ("b.tf", 11, "resource block needs a type and a name"),
    ]
    assert [r.name for r in result.resources] == ["one"]


# -- override files -----------------------------------------------------------------------

OVERRIDE = f"{INPUTS}/override"


def test_override_files_are_recognized_by_name():
    from bcdr_lint.loaders.terraform_override import is_override_file, split

    assert [is_override_file(p) for p in ("x/override.tf", "x/net_override.tf", "x/overrides.tf",
                                          "x/myoverride.tf", "x/override_net.tf")] == [True, True, False, False, False]
    assert split(["d/z_override.tf", "d/main.tf", "d/override.tf", "d/a_override.tf", "d/b.tf"]) == (
        ["d/main.tf", "d/b.tf"], ["d/a_override.tf", "d/override.tf", "d/z_override.tf"])


def test_override_files_merge_into_the_blocks_they_override(at_root):
    result = load(OVERRIDE)
    found = by_key(result)
    cluster = found["azurerm_kubernetes_cluster.aks"]
    # override.tf comes after a_override.tf: its name wins; a_override.tf's variable default counts.
    assert (cluster.name, cluster.region, cluster.location.path, cluster.location.start_line) == (
        "aks-final", "westeurope", f"{OVERRIDE}/main.tf", 9)
    assert cluster.loc("name").path == f"{OVERRIDE}/override.tf" and cluster.loc("name").start_line == 6
    assert cluster.loc("region").path == f"{OVERRIDE}/main.tf" and cluster.loc("region").start_line == 11
    # Local values are overridden one by one; the untouched network_profile block stays.
    assert dict(cluster.attrs) == {"sku_tier": "standard", "load_balancer_sku": "basic"}
    # A nested block in an override replaces every block of its type, and is not merged with them.
    pool = found["azurerm_kubernetes_cluster.aks/default_node_pool"]
    assert (pool.name, pool.get("count"), pool.location.path, pool.location.start_line) == (
        "sys", None, f"{OVERRIDE}/a_override.tf", 8)
    # A dynamic block replaces the static blocks of the type it generates.
    registry = found["azurerm_container_registry.acr"]
    assert registry.get("sku") == "premium"
    assert sorted(k for k in found if k.startswith("azurerm_container_registry.acr/")) == [
        "azurerm_container_registry.acr/georeplications[northeurope]"]


def test_an_override_without_an_original_is_an_error_and_no_override_is_a_duplicate(at_root):
    result = load(OVERRIDE)
    assert [(e.location.path, e.location.start_line, e.message) for e in result.errors] == [
        (f"{OVERRIDE}/override.tf", 20, "override for undeclared resource azurerm_subnet.ghost"),
        (f"{OVERRIDE}/override.tf", 25, "override for undeclared local value 'nowhere'"),
    ]
    assert "azurerm_subnet.ghost" not in by_key(result)
    assert findings_for([OVERRIDE], select=["BCDR001"]) == [
        ("BCDR001", f"{OVERRIDE}/override.tf", 20),
        ("BCDR001", f"{OVERRIDE}/override.tf", 25),
    ]


def test_overrides_of_variables_data_and_outputs(tmp_path):
    (tmp_path / "main.tf").write_text(
        'data "azurerm_resource_group" "rg" {\n  name = "rg-one"\n}\n'
        'output "o" {\n  value = 1\n}\n'
        'resource "azurerm_container_registry" "acr" {\n  name = "acr"\n'
        '  resource_group_name = data.azurerm_resource_group.rg.name\n}\n', encoding="utf-8")
    (tmp_path / "override.tf").write_text(
        'data "azurerm_resource_group" "rg" {\n  name = "rg-two"\n}\n'
        'output "o" {\n  value = 2\n}\n'
        'output "p" {\n  value = 3\n}\n'
        'variable "nope" {\n  default = 1\n}\n', encoding="utf-8")
    result = load_module(str(tmp_path), [str(tmp_path / "override.tf"), str(tmp_path / "main.tf")])
    assert [(Path(e.location.path).name, e.location.start_line, e.message) for e in result.errors] == [
        ("override.tf", 7, "override for undeclared output 'p'"),
        ("override.tf", 10, "override for undeclared variable 'nope'"),
    ]
    assert [r.resource_group for r in result.resources] == ["rg-two"]


def test_two_outputs_of_one_name_are_a_duplicate(tmp_path):
    (tmp_path / "main.tf").write_text('output "o" {\n  value = 1\n}\noutput "o" {\n  value = 2\n}\n', encoding="utf-8")
    result = load_module(str(tmp_path), [str(tmp_path / "main.tf")])
    assert [(e.location.start_line, e.message) for e in result.errors] == [(4, "duplicate output 'o'")]


# -- resource ids written into strings ----------------------------------------------------

INLINE = f"{INPUTS}/inline_subnet"


def test_an_inline_subnet_id_built_from_its_vnet_id_is_a_reference_to_that_subnet(at_root):
    result = load(INLINE)
    assert result.errors == []
    found = by_key(result)
    pool = found["azurerm_kubernetes_cluster.east/default_node_pool"]
    assert pool.refs["subnet"] == Ref(
        type=azure_id.SUBNET, names=("vnet-east", "aks"), resource_group="rg-east",
        text='"${azurerm_virtual_network.east.id}/subnets/aks"')
    model = Model(result.resources)
    subnet = model.target(pool, "subnet")
    assert subnet is found["azurerm_virtual_network.east/subnet[aks]"]
    assert (subnet.kind, subnet.azure_names) == (Kind.SUBNET, ("vnet-east", "aks"))
    assert model.target(subnet, "vnet") is found["azurerm_virtual_network.east"]


def test_an_id_with_an_unknown_group_or_that_is_not_an_id_stays_unresolved(at_root):
    found = by_key(load(INLINE))
    assert _unresolved(found["azurerm_kubernetes_cluster_node_pool.group_unknown"].refs["subnet"]) == (
        '"${azurerm_virtual_network.elsewhere.id}/subnets/aks"',
        "azurerm_virtual_network.elsewhere.id: a resource id is known only after apply", 43)
    assert _unresolved(found["azurerm_kubernetes_cluster_node_pool.not_an_id"].refs["subnet"]) == (
        '"${azurerm_virtual_network.east.id}-aks"', "a resource id is known only after apply", 49)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"${azurerm_resource_group.rg.id}/providers/Microsoft.Network/virtualNetworks/vnet-a"',
         Ref(type=azure_id.VIRTUAL_NETWORK, names=("vnet-a",), resource_group="rg-probe")),
        ('"${azurerm_kubernetes_cluster.k.id}/agentPools/user"',
         Ref(type=azure_id.AKS_AGENT_POOL, names=("aks-probe", "user"), resource_group="rg-probe")),
    ],
)
def test_ids_written_into_strings_use_azure_id_segments(tmp_path, expression, expected):
    prelude = ('resource "azurerm_resource_group" "rg" {\n  name = "rg-probe"\n}\n'
               'resource "azurerm_kubernetes_cluster" "k" {\n  name = "aks-probe"\n  resource_group_name = "rg-probe"\n}\n')
    (tmp_path / "main.tf").write_text(
        f'{prelude}resource "azurerm_virtual_network" "v" {{\n  name = "v"\n  address_space = {expression}\n}}\n',
        encoding="utf-8")
    result = load_module(str(tmp_path), [str(tmp_path / "main.tf")])
    (value,) = [r.get("address_space") for r in result.resources if r.kind is Kind.VIRTUAL_NETWORK]
    assert value == Ref(type=expected.type, names=expected.names, resource_group=expected.resource_group, text=expression)


@pytest.mark.parametrize(
    "expression",
    [
        '"x${azurerm_resource_group.rg.id}/providers/Microsoft.Network/virtualNetworks/v"',  # text before the id
        '"${azurerm_resource_group.rg.id}${azurerm_resource_group.rg.id}"',  # two ids
        '"${azurerm_resource_group.rg.id}/providers/Microsoft.Network/virtualNetworks"',  # a type without a name
    ],
)
def test_text_made_from_an_id_that_is_no_id_is_unresolved(tmp_path, expression):
    (tmp_path / "main.tf").write_text(
        'resource "azurerm_resource_group" "rg" {\n  name = "rg-probe"\n}\n'
        f'resource "azurerm_virtual_network" "v" {{\n  name = "v"\n  address_space = {expression}\n}}\n',
        encoding="utf-8")
    result = load_module(str(tmp_path), [str(tmp_path / "main.tf")])
    (value,) = [r.get("address_space") for r in result.resources if r.kind is Kind.VIRTUAL_NETWORK]
    assert _unresolved(value) == (expression, "a resource id is known only after apply", 6)


def test_azure_id_text_spells_segments_as_azure_does():
    from bcdr_lint.loaders.terraform_types import azure_id_text

    assert azure_id_text(Ref(type=azure_id.SUBNET, names=("v", "s"), resource_group="rg")) == (
        "/subscriptions/unknown/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s")
    assert azure_id_text(Ref(type=azure_id.RESOURCE_GROUP, names=("rg",), resource_group="rg")) == (
        "/subscriptions/unknown/resourceGroups/rg")
    assert azure_id_text(Ref(type=azure_id.SUBNET, names=("v", "s"))) is None
    assert azure_id_text(Ref(type=azure_id.SUBNET, names=())) is None


# -- enum-like values ---------------------------------------------------------------------


def test_enum_values_that_are_not_text_are_unresolved_at_their_argument(tmp_path):
    (tmp_path / "main.tf").write_text(
        'variable "sku" {\n  default = 1\n}\n'                                     # 1-3
        'resource "azurerm_container_registry" "acr" {\n  name = "acr"\n'           # 4-5
        '  sku = var.sku\n}\n'                                                      # 6-7
        'resource "azurerm_kubernetes_cluster" "k" {\n  name = "k"\n'               # 8-9
        '  sku_tier = 2\n'                                                          # 10
        '  network_profile {\n    load_balancer_sku = true\n  }\n}\n'               # 11-14
        'resource "azurerm_kubernetes_cluster_node_pool" "p" {\n  name = "p"\n'     # 15-16
        '  mode = ["User"]\n}\n', encoding="utf-8")                                 # 17-18
    result = load_module(str(tmp_path), [str(tmp_path / "main.tf")])
    values = {(r.kind, attr): r.get(attr) for r in result.resources
              for attr in ("sku", "sku_tier", "load_balancer_sku", "mode") if attr in r.attrs}
    # lower_or_none turns them into Unresolved; the loader places them at the argument.
    assert {key: _unresolved(value) for key, value in values.items()} == {
        (Kind.CONTAINER_REGISTRY, "sku"): ("var.sku", "expected text, found a number", 6),
        (Kind.AKS_CLUSTER, "sku_tier"): ("2", "expected text, found a number", 10),
        (Kind.AKS_CLUSTER, "load_balancer_sku"): ("true", "expected text, found a boolean", 12),
        (Kind.NODE_POOL, "mode"): ('["User"]', "expected text, found a list", 17),
    }
