"""Which instances of an ARM resource are deployed (``condition``, resource ``copy``), and
property copy loops.

A resource ``copy`` with a known count N is N instances, each evaluated with its copy index
bound (``copyIndex()``, ``copyIndex(offset)``, ``copyIndex('loop')``) and keyed ``[i]``; its
``condition`` is evaluated per instance. An instance whose condition is false, and a loop whose
count is 0, is not deployed at all; a condition or count that cannot be evaluated leaves one
instance, keyed as the declaration, with that expression as its ``deployed`` value (the contract
in ``model/resource.py``). A property ``copy`` (``properties.copy: [{"name":
"agentPoolProfiles", "count": n, "input": {...}}]``) becomes ``n`` entries of that property,
each ``input`` evaluated with ``copyIndex('agentPoolProfiles')`` bound to its index.

Copies beyond ARM's limit per loop (800) or the load's budget (``arm_eval.CopyBudget``) are not
expanded one by one: they are one stand-in keyed ``[?]`` whose existence is unresolved.
"""

from __future__ import annotations

from dataclasses import dataclass

from bcdr_lint.loaders.arm_eval import MAX_COPIES_PER_LOAD, Scope, located
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


@dataclass(frozen=True)
class Instance:
    """One instance of a resource declaration: ``scope`` evaluates it (bound to its copy index),
    ``suffix`` follows the declaration's key (``[2]``; empty without a copy loop or when the
    count is unknown), ``deployed`` is its own unknown condition or copy count."""

    scope: Scope
    suffix: str = ""
    deployed: Unresolved | None = None


def instances(node: JObject, scope: Scope) -> list[Instance]:
    """The instances of the resource ``node`` that may be deployed."""
    copy = node.get("copy")
    if not isinstance(copy, JObject):
        return _if_deployed(node, scope, "", None)
    loop = str(copy.value.get("name") or "")
    count = copy.member("count")
    if count is None:
        scope.errors.append(ParseError("a copy loop needs a 'count'", scope.locate(copy.start, copy.end)))
        return _if_deployed(node, scope.in_resource_copy(loop, None), "", None)
    found = _count(scope, count)
    if isinstance(found, Unresolved) or found is None:
        # One stand-in for every instance: what does not depend on copyIndex() is still known.
        return _if_deployed(node, scope.in_resource_copy(loop, None), "", found)
    expanded = _expanded(scope, found)
    made = [instance for index in range(expanded)
            for instance in _if_deployed(node, scope.in_resource_copy(loop, index), f"[{index}]", None)]
    if expanded < found:
        rest = _rest(scope, count, found, expanded)
        made.extend(_if_deployed(node, scope.in_resource_copy(loop, None), "[?]", rest))
    return made


def _if_deployed(node: JObject, scope: Scope, suffix: str, count: Unresolved | None) -> list[Instance]:
    """The instance, unless its ``condition`` is statically false; an unknown condition is its
    ``deployed`` value before an unknown count."""
    condition = node.member("condition")
    if condition is None:
        return [Instance(scope, suffix, count)]
    value = scope.value(condition.node)
    if value is False:
        return []
    if isinstance(value, Unresolved):
        return [Instance(scope, suffix, located(scope, condition, value))]
    if value is not True:
        return [Instance(scope, suffix, _unresolved(scope, condition, "a condition must be true or false"))]
    return [Instance(scope, suffix, count)]


def _expanded(scope: Scope, count: int) -> int:
    """How many of ``count`` copies are expanded one by one."""
    return scope.budget.take(min(count, MAX_COPY_COUNT))


def _rest(scope: Scope, member: Member, count: int, expanded: int) -> Unresolved:
    """Why the copies after the first ``expanded`` stand as one."""
    if count > MAX_COPY_COUNT and expanded == MAX_COPY_COUNT:
        reason = f"ARM allows {MAX_COPY_COUNT} copies, the count is {count}: copies {expanded} and later are not expanded"
    else:
        reason = (f"bcdr-lint expands at most {MAX_COPIES_PER_LOAD} copies per template load: "
                  f"copies {expanded} to {count - 1} are not expanded")
    return _unresolved(scope, member, reason)


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
    expanded = _expanded(scope, found)
    made = [Item(template, scope.with_copy_index(loop_name, index), f"{loop_name}[{index}]") for index in range(expanded)]
    if expanded < found:
        made.append(Item(template, scope, f"{loop_name}[?]", _rest(scope, count, found, expanded)))
    return made


def _count(scope: Scope, member: Member) -> int | Unresolved | None:
    """A copy count; None (with the error reported) when it is not a count at all."""
    value = scope.value(member.node)
    if isinstance(value, Unresolved):
        return located(scope, member, value)
    if isinstance(value, bool) or not isinstance(value, int):
        problem = f"a copy count must be a whole number (got {value!r})"
    elif value < 0:
        problem = f"a copy count must not be negative (got {value})"
    else:
        if value > MAX_COPY_COUNT:
            # ARM rejects it; the first copies are still read, the rest stand as one.
            scope.errors.append(ParseError(f"a copy count must be at most {MAX_COPY_COUNT} (got {value})",
                                           scope.locate(member.start, member.end)))
        return value
    scope.errors.append(ParseError(problem, scope.locate(member.start, member.end)))
    return None


def _unresolved(scope: Scope, member: Member, reason: str) -> Unresolved:
    written = member.node.value
    text = expression_body(written) if isinstance(written, str) and is_expression(written) else str(written)
    return Unresolved(text, reason, scope.locate(member.start, member.end))
