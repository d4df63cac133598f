"""The instances a resource, data or module block declares (``count``/``for_each``), and those
instances as values.

A block whose count is 0 or whose for_each is empty declares nothing, as an ARM resource with
``condition: false`` does. A known count or for_each declares one instance per index or key,
addressed as Terraform addresses them (``azurerm_subnet.s[0]``, ``module.aks["east"]``); each is
the block with ``count.index`` or ``each.key``/``each.value`` bound (``Expansion``). One whose
count or for_each is not known may or may not exist: one stand-in instance, whose ``unknown``
is the argument as written, with why, and becomes the resources' ``deployed`` attribute.

Referenced as a value, a resource is an object whose attributes are evaluated when read
(``ResourceObject``), a counted one a list of them, one with for_each a map; a module instance
is the object of its outputs (``ModuleObject``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bcdr_lint.loaders.terraform_expressions import Lazy
from bcdr_lint.loaders.terraform_hcl import Argument, Block
from bcdr_lint.loaders.terraform_literals import format_number
from bcdr_lint.model import ParseError, Ref, Unresolved

if TYPE_CHECKING:
    from bcdr_lint.loaders.terraform_eval import Evaluator


@dataclass(frozen=True)
class Instances:
    count: int | None  # None: known only at plan time
    error: ParseError | None = None
    unknown: Unresolved | None = None
    # for_each: (key, value) of each instance, in key order; None for count or a single instance.
    items: tuple[tuple[str, Any], ...] | None = None

    @property
    def exist(self) -> bool:
        return self.count != 0


SINGLE = Instances(1)
UNKNOWN = Instances(None)


def from_count(value: Any, arg: Argument) -> Instances:
    if isinstance(value, (Unresolved, Ref)):
        return _unknown(value, arg)
    if isinstance(value, str):
        # Terraform converts a numeric string to the number count wants.
        try:
            value = float(value.strip())
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or (isinstance(value, float) and not value.is_integer()):
        return _invalid(arg, "count must be a whole number")
    if value < 0:
        return _invalid(arg, "count must not be negative")
    return Instances(int(value))


def from_for_each(value: Any, arg: Argument) -> Instances:
    if isinstance(value, (Unresolved, Ref)):
        return _unknown(value, arg)
    if isinstance(value, dict):
        return Instances(len(value), items=tuple(sorted(value.items(), key=lambda item: item[0])))
    if not isinstance(value, list):
        return _invalid(arg, "for_each must be a map or a set of strings")
    # A list stands for a set: set-typed variables evaluate to lists here (their type converts
    # numbers to strings, as the key of each instance is).
    keys: dict[str, None] = {}
    for item in value:
        if isinstance(item, (Unresolved, Ref)):
            return _unknown(item, arg)
        if isinstance(item, str):
            keys[item] = None
        elif isinstance(item, (int, float, bool)):
            keys[_text(item)] = None
        else:
            return _invalid(arg, "for_each must be a map or a set of strings")
    return Instances(len(keys), items=tuple((key, key) for key in sorted(keys)))


def conflicting(for_each: Argument) -> Instances:
    return Instances(None, ParseError("count and for_each cannot both be set on one resource", for_each.location))


def _text(value: int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return format_number(value)


def _unknown(value: Unresolved | Ref, arg: Argument) -> Instances:
    """The argument as written, pointing at it; the reason names the part that is not known."""
    if isinstance(value, Ref):
        reason = f"{value} is known only after apply"
    elif value.expression == arg.text:
        reason = value.reason
    else:
        reason = f"{value.expression}: {value.reason}" if value.reason else value.expression
    return Instances(None, unknown=Unresolved(arg.text, reason, arg.location))


def _invalid(arg: Argument, message: str) -> Instances:
    # Terraform rejects the block; it is still kept (one instance) so its other findings show.
    return Instances(None, ParseError(f"{message} (got {arg.text})", arg.location))


# -- the instances of one block ------------------------------------------------------------------


def instance_key(key: int | str) -> str:
    """``[0]`` or ``["east"]``: how Terraform writes an instance key in an address."""
    if isinstance(key, int):
        return f"[{key}]"
    return f"[{json.dumps(key, ensure_ascii=False)}]"


# What count.index / each.* are in the stand-in for instances that cannot be counted.
_UNKNOWN_COUNT = {"count": {"index": Unresolved("count.index", "the count is not known statically")}}
_UNKNOWN_EACH = {"each": {
    "key": Unresolved("each.key", "the for_each value is not known statically"),
    "value": Unresolved("each.value", "the for_each value is not known statically"),
}}


@dataclass
class Expansion:
    """The instances of one block: ``members`` are (address, block to evaluate) pairs."""

    address: str  # the block's address in its module (``azurerm_subnet.s``, ``module.aks``)
    instances: Instances
    members: list[tuple[str, Block]]
    mode: str  # "single", "count", "for_each", or "unknown" (one stand-in)
    keys: list[Any] = field(default_factory=list)

    @property
    def exist(self) -> bool:
        return self.instances.exist

    @property
    def repeated(self) -> bool:
        """Instances known one by one, addressed with a key."""
        return self.mode in ("count", "for_each")

    def value(self, objects: list[Any]) -> Any:
        """The block as a value, given one object per member."""
        if self.mode == "count":
            return objects
        if self.mode == "for_each":
            return dict(zip(self.keys, objects))
        return objects[0]


def expand(block: Block, address: str, instances: Instances) -> Expansion:
    if not instances.exist:
        return Expansion(address, instances, [], "single")
    if instances.count is None:
        env = _UNKNOWN_COUNT if "count" in block.arguments else _UNKNOWN_EACH if "for_each" in block.arguments else None
        return Expansion(address, instances, [(address, block.bound(env) if env else block)], "unknown")
    if instances.items is not None:
        keys = [key for key, _value in instances.items]
        members = [(address + instance_key(key), block.bound({"each": {"key": key, "value": value}}))
                   for key, value in instances.items]
        return Expansion(address, instances, members, "for_each", keys)
    if "count" in block.arguments:
        keys = list(range(instances.count))
        members = [(address + instance_key(index), block.bound({"count": {"index": index}})) for index in keys]
        return Expansion(address, instances, members, "count", keys)
    return Expansion(address, instances, [(address, block)], "single")


# -- instances as values ---------------------------------------------------------------------------


class ResourceObject(Lazy):
    """One resource or data source instance, read attribute by attribute."""

    __slots__ = ("evaluator", "block", "address", "data")

    def __init__(self, evaluator: "Evaluator", block: Block, address: str, data: bool) -> None:
        self.evaluator, self.block, self.address, self.data = evaluator, block, address, data

    def attribute(self, name: str, text: str) -> Any:
        return self.evaluator.resource_attribute(self.block, self.address, name, text, data=self.data)

    def describe(self) -> str:
        return f"data source data.{self.address}" if self.data else f"resource {self.address}"


class ModuleObject(Lazy):
    """One module instance: its outputs."""

    __slots__ = ("evaluator", "address")

    def __init__(self, evaluator: "Evaluator", address: str) -> None:
        self.evaluator, self.address = evaluator, address

    def attribute(self, name: str, text: str) -> Any:
        return self.evaluator.output(name, text, self.address)

    def describe(self) -> str:
        return f"module {self.address}"
