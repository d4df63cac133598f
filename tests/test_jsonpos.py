"""JSON with positions: offsets of objects, keys and values, and JSONC blanking."""

from __future__ import annotations

import json

import pytest

from bcdr_lint.loaders.jsonpos import JArray, JObject, JScalar, scan, strip_jsonc


def _text(source: str, node) -> str:
    return source[node.start:node.end]


def test_objects_arrays_and_values_know_their_spans() -> None:
    source = '{\n  "a": [1, 2.5, "x"],\n  "b": {"c": null, "d": true}\n}'
    root = scan(source)
    assert isinstance(root, JObject)
    assert (root.start, root.end) == (0, len(source))
    array = root.get("a")
    assert isinstance(array, JArray)
    assert _text(source, array) == '[1, 2.5, "x"]'
    assert [_text(source, item) for item in array.items] == ["1", "2.5", '"x"']
    inner = root.get("b")
    assert isinstance(inner, JObject)
    assert _text(source, inner) == '{"c": null, "d": true}'
    assert root.value == json.loads(source)


def test_member_start_is_the_key_and_end_is_the_value_end() -> None:
    source = '{"outer": {"Location": "East US"}}'
    inner = scan(source).get("outer")
    assert isinstance(inner, JObject)
    member = inner.member("location")  # keys are looked up case-insensitively
    assert member is not None
    assert member.key == "Location"
    assert source[member.start:member.end] == '"Location": "East US"'


def test_strings_are_decoded_only_where_escaped() -> None:
    source = r'{"plain": "a/b", "escaped": "line\n\"q\" \u00e9", "key\"x": 1}'
    root = scan(source)
    assert isinstance(root, JObject)
    assert root.value == json.loads(source)
    assert root.get('key"x').value == 1


def test_numbers_keep_their_type() -> None:
    root = scan("[0, -3, 1e3, 2.0]")
    assert isinstance(root, JArray)
    assert root.value == [0, -3, 1000.0, 2.0]
    assert [type(v) for v in root.value] == [int, int, float, float]


def test_a_scalar_document_is_a_located_scalar() -> None:
    assert scan('  "only" ') == JScalar(2, 8, "only")


def test_deep_nesting_does_not_exhaust_the_stack() -> None:
    depth = 5000
    root = scan("[" * depth + "]" * depth)
    for _ in range(depth - 1):
        assert isinstance(root, JArray)
        root = root.items[0]
    assert root.items == []


def test_duplicate_keys_keep_the_last_as_json_does() -> None:
    source = '{"a": 1, "A": 2}'
    root = scan(source)
    assert isinstance(root, JObject)
    assert root.get("a").value == 2


@pytest.mark.parametrize(
    "source",
    [
        '{"a": 1, // comment\n "b": 2}',
        '{"a": /* block\n comment */ 1}',
        '{"a": [1, 2,], "b": {"c": 3,},}',
        '{"a": 1, /* x */ }',
    ],
)
def test_strip_jsonc_blanks_comments_and_trailing_commas_in_place(source: str) -> None:
    cleaned = strip_jsonc(source)
    assert len(cleaned) == len(source)
    assert cleaned.count("\n") == source.count("\n")
    json.loads(cleaned)


def test_strip_jsonc_leaves_strings_alone() -> None:
    source = '{"url": "https://example.com/a", "glob": "/* not a comment */", "q": "a\\"//b"}'
    assert strip_jsonc(source) == source


def test_positions_survive_comment_stripping() -> None:
    source = '{\n  // note\n  "a": 1,\n}'
    root = scan(strip_jsonc(source))
    assert isinstance(root, JObject)
    member = root.member("a")
    assert member is not None
    assert source[member.start:member.end] == '"a": 1'
