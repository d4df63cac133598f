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
        ("if(equals(1, 1), 'a', 'b')", "a"),
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


# -- comparisons ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "value"),
    [
        ("equals(1, 1)", True),
        ("equals(1, 2)", False),
        ("equals(true(), false())", False),
        ("equals('eastus', 'eastus')", True),
        ("equals('eastus', 'westus')", False),
        ("equals('eastus', 'WESTUS')", False),  # differ whatever the case rule
        ("equals(parameters('regions'), createArray('East US 2', 'Central US'))", True),
        ("equals(parameters('regions'), createArray('East US 2'))", False),
        ("equals(createObject('a', 1, 'b', 'x'), createObject('b', 'x', 'a', 1))", True),
        ("equals(createObject('a', 1), createObject('a', 2))", False),
        ("equals(createObject('a', 1), createObject('b', 1))", False),
        ("equals(createArray('A', 'x'), createArray('a', 'y'))", False),  # 'x' vs 'y' decides
        ("equals(null(), null())", True),
        ("less(1, 2)", True),
        ("less(2, 2)", False),
        ("lessOrEquals(2, 2)", True),
        ("greater(3, 2)", True),
        ("greaterOrEquals(2, 3)", False),
        ("less('abc', 'abd')", True),
        ("greater('b', 'a')", True),
        ("lessOrEquals('a', 'a')", True),
        ("less('a1', 'a2')", True),
        ("if(equals(parameters('prefix'), 'Contoso'), 'yes', 'no')", "yes"),
    ],
)
def test_comparisons_of_known_values(scope: Scope, body: str, value) -> None:
    assert evaluate(scope, body) == value


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("equals('eastus', 'EastUS')", "ARM's letter-case handling for this comparison is not modelled"),
        ("equals(createArray('eastus'), createArray('EASTUS'))", "ARM's letter-case handling for this comparison is not modelled"),
        ("equals(createObject('Name', 1), createObject('name', 1))", "ARM's letter-case handling for this comparison is not modelled"),
        ("equals(1, '1')", "comparing a number with a string is not evaluated"),
        ("equals(true(), 1)", "comparing a bool with a number is not evaluated"),
        ("equals(1)", "wrong number of arguments in equals(1)"),
        ("equals(resourceId('Microsoft.Network/virtualNetworks', 'v'), 'v')",
         "a resource id is only partly known before deployment"),
        ("less('B', 'a')", "ARM's ordering of these strings (case and culture rules) is not modelled"),
        ("less('a', 'A')", "ARM's ordering of these strings (case and culture rules) is not modelled"),
        ("less('a-b', 'ab')", "ARM's ordering of these strings (case and culture rules) is not modelled"),
        ("greater(2, '1')", "comparing a number with a string is not evaluated"),
        ("less(true(), false())", "comparing a bool with a bool is not evaluated"),
    ],
)
def test_comparisons_that_depend_on_unmodelled_rules_are_unresolved(scope: Scope, body: str, reason: str) -> None:
    value = evaluate(scope, body)
    assert value == Unresolved(body, reason)


def test_a_comparison_with_an_unknown_side_is_that_unknown(scope: Scope) -> None:
    value = evaluate(scope, "equals(parameters('noDefault'), 'x')")
    assert value == Unresolved("parameters('noDefault')", "parameter 'noDefault' has no default value")


def test_copy_index_is_known_only_inside_a_bound_property_loop(scope: Scope) -> None:
    bound = scope.with_copy_index("Pools", 2)
    assert evaluate(bound, "copyIndex('pools')") == 2
    assert evaluate(bound, "concat('np', copyIndex('POOLS', 1))") == "np3"
    assert evaluate(bound, "copyIndex()") == Unresolved("copyIndex()", "copyIndex() depends on the copy loop")
    assert evaluate(bound, "copyIndex(1)") == Unresolved("copyIndex(1)", "copyIndex() depends on the copy loop")
    assert evaluate(bound, "copyIndex('other')") == Unresolved("copyIndex('other')", "copyIndex() depends on the copy loop")
    assert evaluate(bound, "copyIndex('pools', 'x')") == Unresolved(
        "copyIndex('pools', 'x')", "copyIndex() takes a loop name and/or an integer offset")
    assert evaluate(scope, "copyIndex('pools')") == Unresolved("copyIndex('pools')", "copyIndex() depends on the copy loop")
    # The bound scope shares the template's caches and errors.
    assert bound.errors is scope.errors
