"""The ARM expression language on its own: grammar, then static evaluation."""

from __future__ import annotations

import json

import pytest

from bcdr_lint.loaders.arm_eval import Scope
from bcdr_lint.loaders.arm_expressions import (
    Call, ExpressionSyntaxError, Index, Literal, Prop, expression_body, is_expression, parse, unescape_literal,
)
from bcdr_lint.loaders.base import LineIndex
from bcdr_lint.loaders.jsonpos import JObject, scan
from bcdr_lint.model import Ref, Unresolved

# -- grammar ------------------------------------------------------------------------------


def test_function_calls_nest_and_names_are_case_insensitive() -> None:
    expr = parse("Concat(parameters('p'), '-aks')")
    assert expr == Call(
        "concat",
        (Call("parameters", (Literal("p", "'p'"),), "parameters('p')"), Literal("-aks", "'-aks'")),
        "Concat(parameters('p'), '-aks')",
    )


def test_string_literals_double_quotes_to_escape() -> None:
    assert parse("'it''s'") == Literal("it's", "'it''s'")


def test_integers_and_empty_argument_lists() -> None:
    assert parse("-12") == Literal(-12, "-12")
    assert parse("true()") == Call("true", (), "true()")


def test_property_and_index_access_chain_left_to_right() -> None:
    expr = parse("variables('x').primary[1]['a b']")
    assert isinstance(expr, Index)
    assert expr.index == Literal("a b", "'a b'")
    assert isinstance(expr.target, Index)
    assert expr.target.index == Literal(1, "1")
    prop = expr.target.target
    assert isinstance(prop, Prop)
    assert (prop.name, prop.text) == ("primary", "variables('x').primary")


def test_user_defined_functions_keep_their_namespace() -> None:
    assert parse("contoso.uniqueName('a')") == Call("contoso.uniquename", (Literal("a", "'a'"),), "contoso.uniqueName('a')")


def test_subexpressions_keep_their_source_text() -> None:
    expr = parse("resourceGroup( ).location")
    assert isinstance(expr, Prop)
    assert expr.text == "resourceGroup( ).location"
    assert expr.target == Call("resourcegroup", (), "resourceGroup( )")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("concat('a',", "unexpected end of expression at column 12"),
        ("a.b", "unexpected 'a.b' at column 1"),
        ("concat('a' 'b')", "unexpected \"'b')\" at column 12"),
        ("   ", "empty expression"),
    ],
)
def test_syntax_errors_name_the_column(body: str, message: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as caught:
        parse(body)
    assert str(caught.value) == message


def test_parsed_expressions_are_cached() -> None:
    assert parse("toLower('X')") is parse("toLower('X')")


@pytest.mark.parametrize(
    ("raw", "expression"),
    [("[concat('a')]", True), ("[[literal]", False), ("plain", False), ("[]", False), ("[ ]", False), ("[x", False)],
)
def test_what_counts_as_an_expression(raw: str, expression: bool) -> None:
    assert is_expression(raw) is expression


def test_escaped_literals_and_bodies() -> None:
    assert unescape_literal("[[not an expression]") == "[not an expression]"
    assert expression_body("[ concat('a') ]") == "concat('a')"


# -- evaluation ---------------------------------------------------------------------------

TEMPLATE = {
    "parameters": {
        "prefix": {"type": "string", "defaultValue": "Contoso"},
        "regions": {"type": "array", "defaultValue": ["East US 2", "Central US"]},
        "derived": {"type": "string", "defaultValue": "[toLower(parameters('prefix'))]"},
        "noDefault": {"type": "string"},
    },
    "variables": {
        "name": "[concat(parameters('prefix'), '-aks')]",
        "names": {"primary": "reg01", "list": ["a", "b"]},
        "loopA": "[variables('loopB')]",
        "loopB": "[variables('loopA')]",
        "copy": [{"name": "fromLoop", "count": 2, "input": "x"}],
    },
}


@pytest.fixture(scope="module")
def scope() -> Scope:
    text = json.dumps(TEMPLATE, indent=2)
    root = scan(text)
    assert isinstance(root, JObject)
    lines = LineIndex(text)
    return Scope.of_template(root, "t.json", lambda s, e: lines.location("t.json", s, e))


def evaluate(scope: Scope, body: str):
    return scope.evaluate(parse(body))


@pytest.mark.parametrize(
    ("body", "value"),
    [
        ("parameters('prefix')", "Contoso"),
        ("parameters('PREFIX')", "Contoso"),
        ("parameters('derived')", "contoso"),
        ("parameters('regions')[1]", "Central US"),
        ("variables('name')", "Contoso-aks"),
        ("variables('names').primary", "reg01"),
        ("variables('names').PRIMARY", "reg01"),
        ("variables('names')['list'][0]", "a"),
        ("concat('a', 'b', 1)", "ab1"),
        ("concat(createArray('a'), variables('names').list)", ["a", "a", "b"]),
        ("format('{0}-{1}-{{x}}', 'aks', 2)", "aks-2-{x}"),
        ("toLower('ABC')", "abc"),
        ("toUpper('abc')", "ABC"),
        ("replace('a-b-c', '-', '_')", "a_b_c"),
        ("string(3)", "3"),
        ("string(true())", "True"),
        ("string(variables('names').list)", '["a","b"]'),
        ("if(equals(1, 1), 'a', 'b')", Unresolved("equals(1, 1)", "bcdr-lint does not evaluate equals()")),
        ("if(true(), 'yes', resourceGroup().location)", "yes"),
        ("split('a,b', ',')[1]", "b"),
        ("null()", None),
    ],
)
def test_static_values_are_evaluated(scope: Scope, body: str, value) -> None:
    assert evaluate(scope, body) == value


def test_resource_id_gives_a_reference(scope: Scope) -> None:
    body = "resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'aks')"
    assert evaluate(scope, body) == Ref(
        type="microsoft.network/virtualnetworks/subnets", names=("vnet", "aks"), text=body
    )


def test_resource_id_takes_optional_subscription_and_group(scope: Scope) -> None:
    with_group = evaluate(scope, "resourceId('rg-hub', 'Microsoft.Network/virtualNetworks', 'hub')")
    with_both = evaluate(scope, "resourceId('0000', 'rg-hub', 'Microsoft.Network/virtualNetworks', 'hub')")
    for ref in (with_group, with_both):
        assert isinstance(ref, Ref)
        assert (ref.type, ref.names, ref.resource_group) == ("microsoft.network/virtualnetworks", ("hub",), "rg-hub")


def test_resource_id_in_a_string_is_an_id_without_unknown_parts(scope: Scope) -> None:
    value = evaluate(scope, "concat(resourceId('rg', 'Microsoft.Network/virtualNetworks', 'v'), '/subnets/s')")
    assert value == "/resourceGroups/rg/providers/microsoft.network/virtualnetworks/v/subnets/s"


@pytest.mark.parametrize(
    ("body", "expression", "reason"),
    [
        ("parameters('noDefault')", "parameters('noDefault')", "parameter 'noDefault' has no default value"),
        ("parameters('missing')", "parameters('missing')", "the template declares no parameter 'missing'"),
        ("variables('missing')", "variables('missing')", "the template declares no variable 'missing'"),
        ("variables('fromLoop')", "variables('fromLoop')", "variable 'fromLoop' is built by a copy loop, which is not evaluated"),
        ("variables('loopA')", "variables('loopA')", "'loopa' refers to itself"),
        ("resourceGroup().location", "resourceGroup()", "the resource group is known only at deployment"),
        ("uniqueString(resourceGroup().id)", "resourceGroup()", "the resource group is known only at deployment"),
        ("uniqueString('x')", "uniqueString('x')", "uniqueString() is computed at deployment"),
        ("reference('vnet').id", "reference('vnet')", "reference() reads a deployed resource"),
        ("subscription().subscriptionId", "subscription()", "the subscription is known only at deployment"),
        ("copyIndex()", "copyIndex()", "copyIndex() depends on the copy loop"),
        ("deployment().name", "deployment()", "deployment() is known only at deployment"),
        ("environment().name", "environment()", "environment() is known only at deployment"),
        ("listKeys('x', '2020')", "listKeys('x', '2020')", "listkeys() reads a deployed resource"),
        ("concat(parameters('noDefault'), '-x')", "parameters('noDefault')", "parameter 'noDefault' has no default value"),
        ("parameters('regions')[5]", "parameters('regions')[5]", "index 5 is out of range (length 2)"),
        ("variables('names').nope", "variables('names').nope", "the object has no property 'nope'"),
        ("format('{0:N2}', 1)", "format('{0:N2}', 1)", "format specifier {0:N2} is not evaluated"),
        ("resourceId('vnet')", "resourceId('vnet')", "no resource type (with '/') among the arguments"),
    ],
)
def test_unknowable_values_are_unresolved_with_their_reason(scope: Scope, body: str, expression: str, reason: str) -> None:
    value = evaluate(scope, body)
    assert isinstance(value, Unresolved)
    assert (value.expression, value.reason) == (expression, reason)


def test_string_values_locate_their_unresolved_parts(scope: Scope) -> None:
    value = scope.string("[resourceGroup().location]", 10, 38)
    assert isinstance(value, Unresolved)
    assert value.location == scope.locate(10, 38)
    assert value.location.path == "t.json"


def test_an_invalid_expression_is_unresolved_and_reported_once(scope: Scope) -> None:
    for _ in range(2):
        value = scope.string("[concat(]", 0, 11)
        assert isinstance(value, Unresolved)
        assert value.expression == "concat("
    assert [e.message for e in scope.errors] == [
        "invalid ARM expression `concat(`: unexpected end of expression at column 8"
    ]
