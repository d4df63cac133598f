"""Terraform's pure built-in functions, for expressions and splats, evaluated statically; an
unknown input gives an unknown result, and arguments Terraform rejects are errors that try()
and can() see as failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcdr_lint.loaders.terraform import load_module
from bcdr_lint.loaders.terraform_functions import call
from bcdr_lint.loaders.terraform_literals import EvalError
from bcdr_lint.model import Ref, Unresolved

_PRELUDE = '''variable "unknown" {
  type = string
}
variable "regions" {
  default = { west = "westus3", east = "eastus2" }
}
locals {
  zones = ["1", "2", "3"]
  tags  = { env = "prod", team = null }
}
resource "azurerm_subnet" "s" {
  count                = 2
  name                 = "snet-${count.index}"
  virtual_network_name = "vnet"
  resource_group_name  = "rg"
}
'''


def probe(tmp_path: Path, expression: str) -> object:
    """The value of ``expression`` as the address_space of a VNet (an argument kept as is)."""
    text = f'{_PRELUDE}resource "azurerm_virtual_network" "v" {{\n  name = "v"\n  address_space = {expression}\n}}\n'
    (tmp_path / "main.tf").write_text(text, encoding="utf-8")
    result = load_module(str(tmp_path), [str(tmp_path / "main.tf")])
    assert result.errors == []
    (vnet,) = [r for r in result.resources if r.name == "v"]
    return vnet.get("address_space")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('lower("East US")', "east us"),
        ('upper("aks")', "AKS"),
        ('format("aks-%s-%03d", "east", 7)', "aks-east-007"),
        ('format("%v|%q|%t|%.2f|%%|%[1]v", "x", "y", true, 1.5)', 'x|"y"|true|1.50|%|x'),
        ('join("-", ["a", "b"], ["c"])', "a-b-c"),
        ('split(",", "a,b,,c")', ["a", "b", "", "c"]),
        ('concat(["a"], [], ["b", "c"])', ["a", "b", "c"]),
        ('lookup(var.regions, "east")', "eastus2"),
        ('lookup(var.regions, "north", "none")', "none"),
        ('merge({ a = 1, b = 2 }, null, { b = 3 })', {"a": 1, "b": 3}),
        ('coalesce("", null, "x", var.unknown)', "x"),  # stops at the first non-empty value
        ("tostring(12)", "12"),
        ('tonumber("2.5")', 2.5),
        ('tolist(["b", "a"])', ["b", "a"]),
        ('toset(["b", "a", "b"])', ["a", "b"]),
        ("keys(var.regions)", ["east", "west"]),
        ("values(var.regions)", ["eastus2", "westus3"]),  # in the order of their keys
        ("[length(local.zones), length(var.regions), length(\"héllo\")]", [3, 2, 5]),
        ("element(local.zones, 4)", "2"),  # wraps around
        ('[contains(local.zones, "2"), contains(local.zones, 2)]', [True, False]),
        ('distinct(["a", "b", "a"])', ["a", "b"]),
        ('flatten([["a"], [["b"], []], "c"])', ["a", "b", "c"]),
        ('replace("aks-east-01", "-", "_")', "aks_east_01"),
        ('replace("aks-east-01", "/-(\\\\d+)$/", ".$1")', "aks-east.01"),
        ('trimspace("  x \\n")', "x"),
        ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
        ("[range(3), range(1, 4), range(5, 1, -2)]", [[0, 1, 2], [1, 2, 3], [5, 3]]),
        ("min(3, 1, 2)", 1),
        ('try(local.tags.missing, local.tags.env, "default")', "prod"),
        ('[can(local.tags.env), can(local.tags.missing), can(local.zones[7])]', [True, False, False]),
        ("length(azurerm_subnet.s)", 2),
        ('format("%s/%s", local.zones...)', EvalError),  # three values for two verbs
        ('join(",", [for z in local.zones : "zone-${z}" if z != "2"])', "zone-1,zone-3"),
        ("{ for k, v in var.regions : v => k }", {"eastus2": "east", "westus3": "west"}),
        ('{ for z in ["1", "2", "1"] : z => z... }', {"1": ["1", "1"], "2": ["2"]}),
        ("azurerm_subnet.s[*].name", ["snet-0", "snet-1"]),
        ("azurerm_subnet.s.*.name", ["snet-0", "snet-1"]),
        ("[for s in azurerm_subnet.s : s.name]", ["snet-0", "snet-1"]),
        ('concat(["x"], local.zones)[3]', "3"),
        ('local.tags["team"] == null ? "unowned" : "owned"', "unowned"),
        # Set functions and reductions (checked with terraform console 1.11): for_each keys
        # built from the product of regions and pools.
        ('setproduct(["b", "a"], [2, 1])', [["b", 2], ["b", 1], ["a", 2], ["a", 1]]),
        ('{ for p in setproduct(keys(var.regions), ["sys", "usr"]) : join("-", p) => p[1] }',
         {"east-sys": "sys", "east-usr": "usr", "west-sys": "sys", "west-usr": "usr"}),
        ('setproduct(["a"], [])', []),
        ('setunion(["b", "a"], ["c", "a"])', ["a", "b", "c"]),
        ("setunion([1, 10, 2], [3])", [1, 2, 3, 10]),
        ('setintersection(["b", "a", "c"], ["c", "a"])', ["a", "c"]),
        ('setsubtract(["b", "a", "c"], ["a"])', ["b", "c"]),
        ('[alltrue(["true", true]), alltrue([]), anytrue([]), anytrue(["false", true])]', [True, True, False, True]),
        ('sum([1, 2.5, "3"])', 6.5),
        ('chunklist(["a", "b", "c"], 2)', [["a", "b"], ["c"]]),
        ('chunklist(["a", "b", "c"], 0)', [["a", "b", "c"]]),
        ('formatlist("%s-%s", ["a", "b"], "x")', ["a-x", "b-x"]),
        ('strrev("abc")', "cba"),
        ('split("", "abc")', ["a", "b", "c"]),
    ],
)
def test_functions_and_expressions_on_known_values(tmp_path, expression, expected):
    value = probe(tmp_path, expression)
    if expected is EvalError:
        assert isinstance(value, Unresolved)
    else:
        assert value == expected


@pytest.mark.parametrize(
    ("expression", "expression_text", "reason"),
    [
        ("lower(var.unknown)", "var.unknown", "variable has no default"),
        ('join(",", ["a", var.unknown])', "var.unknown", "variable has no default"),
        ("length(var.unknown)", "var.unknown", "variable has no default"),
        ("[for z in var.unknown : z]", "var.unknown", "variable has no default"),
        ('setproduct(["a"], [var.unknown])', "var.unknown", "variable has no default"),
        ('try(var.unknown, "fallback")', "var.unknown", "variable has no default"),  # unknown, not failing
        ("timestamp()", "timestamp()", "function timestamp() is not evaluated statically"),
        ('provider::azurerm::normalise_resource_id("x")', 'provider::azurerm::normalise_resource_id("x")',
         "provider function, evaluated by Terraform"),
    ],
)
def test_an_unknown_input_or_function_gives_an_unknown_result(tmp_path, expression, expression_text, reason):
    value = probe(tmp_path, expression)
    assert isinstance(value, Unresolved)
    text = f"{expression_text}: {reason}" if expression_text != expression else reason
    assert (value.expression, value.reason, value.location.start_line) == (expression, text, 19)


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ('lookup({ a = 1 }, "b")', "lookup(): the map has no key 'b' and no default is given"),
        ('tonumber("two")', "tonumber(): expected a number, found a string"),
        ('element([], 0)', "element(): the list is empty"),
        ("upper()", "upper() does not take 0 arguments"),
        ('setproduct(["a"])', "setproduct(): at least two arguments are required"),
        ("sum([])", "sum(): cannot sum an empty list"),
        ("alltrue([1])", "alltrue(): element 0: bool required"),
        ('formatlist("%s-%s", ["a", "b"], ["x"])', "formatlist(): the list arguments have different lengths"),
        ('try(local.tags.missing, local.zones[9])',
         "no argument of try() can be evaluated (the last: local.zones[9]: index 9 not found in this value)"),
    ],
)
def test_arguments_terraform_rejects_are_unresolved_with_the_reason(tmp_path, expression, reason):
    value = probe(tmp_path, expression)
    assert isinstance(value, Unresolved)
    assert value.reason == reason


def test_functions_directly():
    assert call("coalesce", [None, Unresolved("var.x", "no default"), "b"], "c") == Unresolved("var.x", "no default")
    assert isinstance(call("tostring", [["a"]], "tostring(x)"), EvalError)
    # A resource id is known only after apply: text made from it is too.
    ref = Ref(key="tf:.:azurerm_subnet.s", text="azurerm_subnet.s.id")
    assert call("lower", [ref], "lower(x)") == Unresolved("azurerm_subnet.s.id", "a resource id is known only after apply")
    assert call("concat", [[ref], ["x"]], "concat(...)") == [ref, "x"]  # ids pass through lists
    assert isinstance(call("range", [0, 5000], "range(0, 5000)"), EvalError)  # Terraform's limit too
