"""Whether an ARM resource is deployed (``condition``, resource ``copy``), and property copy loops.

A resource whose condition is false or whose copy count is 0 is not deployed at all; one whose
condition or count cannot be evaluated is kept, with that expression as its ``deployed`` value
(the contract in ``model/resource.py``). A property ``copy`` (``properties.copy: [{"name":
"agentPoolProfiles", "count": n, "input": {...}}]``) becomes ``n`` entries of that property,
each ``input`` evaluated with ``copyIndex('agentPoolProfiles')`` bound to its index.
"""

from __future__ import annotations

from dataclasses import dataclass

from bcdr_lint.loaders.arm_eval import Scope, located
from bcdr_lint.loaders.arm_expressions import expression_body, is_expression
from bcdr_lint.loaders.jsonpos import JArray, JNode, JObject, Member
from bcdr_lint.model import ParseError, Unresolved

# ARM rejects copy loops with more iterations than this.
MAX_COPY_COUNT = 800


@dataclass(frozen=True)
class Item:
    """One entry of an array property: written in the array, or made by a property copy.

    ``scope`` evaluates it (bound to its copy index); ``key`` names a copy-made entry in resource
    keys (``agentPoolProfiles[1]``); ``deployed`` is the copy count when it is not known.
    """

    node: JObject
    scope: Scope
    key: str | None = None
    deployed: Unresolved | None = None


def existence(node: JObject, scope: Scope) -> Unresolved | bool:
    """False when the resource is statically not deployed, True when it certainly is, else the
    ``condition`` or copy ``count`` that decides it (located at that property)."""
    condition = node.member("condition")
    if condition is not None:
        value = scope.value(condition.node)
        if value is False:
            return False
        if isinstance(value, Unresolved):
            return located(scope, condition, value)
        if value is not True:
            return _unresolved(scope, condition, "a condition must be true or false")
    copy = node.get("copy")
    if isinstance(copy, JObject):
        count = copy.member("count")
        if count is None:
            scope.errors.append(ParseError("a copy loop needs a 'count'", scope.locate(copy.start, copy.end)))
            return True
        found = _count(scope, count)
        if isinstance(found, Unresolved):
            return found
        # Resource copy expansion plugs in here: one resource per index, with copyIndex() bound.
        return found != 0
    return True


def items(props: JNode | None, name: str, scope: Scope) -> list[Item]:
    """The entries of the array property ``name``: those written, then those of its copy loops."""
    found: list[Item] = []
    if not isinstance(props, JObject):
        return found
    written = props.get(name)
    if isinstance(written, JArray):
        found.extend(Item(node, scope) for node in written.items if isinstance(node, JObject))
    loops = props.get("copy")
    if isinstance(loops, JArray):
        for loop in loops.items:
            if isinstance(loop, JObject) and str(loop.value.get("name", "")).lower() == name.lower():
                found.extend(_expand(loop, scope))
    return found


def _expand(loop: JObject, scope: Scope) -> list[Item]:
    loop_name = str(loop.value["name"])
    template = loop.get("input")
    if not isinstance(template, JObject):
        scope.errors.append(ParseError(f"property copy '{loop_name}' needs an 'input' object",
                                       scope.locate(loop.start, loop.end)))
        return []
    count = loop.member("count")
    if count is None:
        scope.errors.append(ParseError(f"property copy '{loop_name}' needs a 'count'", scope.locate(loop.start, loop.end)))
        return [Item(template, scope, f"{loop_name}[?]")]
    found = _count(scope, count)
    if isinstance(found, Unresolved):
        # One stand-in: its values that do not depend on copyIndex() are still evaluated.
        return [Item(template, scope, f"{loop_name}[?]", found)]
    if found is None:
        return [Item(template, scope, f"{loop_name}[?]")]  # invalid count, already reported
    return [Item(template, scope.with_copy_index(loop_name, index), f"{loop_name}[{index}]") for index in range(found)]


def _count(scope: Scope, member: Member) -> int | Unresolved | None:
    """A copy count; None (with the error reported) when ARM would reject it."""
    value = scope.value(member.node)
    if isinstance(value, Unresolved):
        return located(scope, member, value)
    if isinstance(value, bool) or not isinstance(value, int):
        problem = f"a copy count must be a whole number (got {value!r})"
    elif value < 0:
        problem = f"a copy count must not be negative (got {value})"
    elif value > MAX_COPY_COUNT:
        problem = f"a copy count must be at most {MAX_COPY_COUNT} (got {value})"
    else:
        return value
    scope.errors.append(ParseError(problem, scope.locate(member.start, member.end)))
    return None


def _unresolved(scope: Scope, member: Member, reason: str) -> Unresolved:
    written = member.node.value
    text = expression_body(written) if isinstance(written, str) and is_expression(written) else str(written)
    return Unresolved(text, reason, scope.locate(member.start, member.end))
