"""Terraform plans and states as ``terraform show -json`` writes them (format 1.x): the values
there are resolved by Terraform itself, module instances and count/for_each expanded, registry
modules included (https://developer.hashicorp.com/terraform/internals/json-format).

A plan's ``planned_values`` (a state's ``values``) are read; each managed resource is presented
to the azurerm builders (``terraform_resources``) as a block whose arguments are its JSON values,
each located at its member in the file, so the same kinds come out as from ``.tf`` source. An
attribute the plan says is known only after apply (``after_unknown``) is unresolved, except a
resource id the configuration takes from another resource of the plan
(``kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id``): a reference to it
(``terraform_plan_refs``). Data sources are not deployments and yield nothing.

Resources are keyed ``tf:<plan path>:<address>``. ``reconcile`` (``terraform_plan_reconcile``)
merges them with the resources the ``.tf`` files of the same root module declare.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Callable

from bcdr_lint.loaders.base import LineIndex, LoadResult
from bcdr_lint.loaders.jsonpos import JArray, JNode, JObject, scan
from bcdr_lint.loaders.terraform_eval import MISSING, Evaluator, ModuleContext, ModuleScope
from bcdr_lint.loaders.terraform_hcl import Argument, Block
from bcdr_lint.loaders.terraform_plan_reconcile import reconcile
from bcdr_lint.loaders.terraform_plan_refs import ConfigRefs
from bcdr_lint.loaders.terraform_resources import ResourceBuilder
from bcdr_lint.model import Location, ParseError, Unresolved

__all__ = ["is_plan", "load_plan", "reconcile"]

Locate = Callable[[int, int], Location]


def is_plan(data: Any) -> bool:
    """``terraform show -json`` output: a format version and planned or state values."""
    return isinstance(data, dict) and isinstance(data.get("format_version"), str) and any(
        isinstance(data.get(key), dict) for key in ("planned_values", "values", "prior_state"))


def load_plan(path: str, data: Any, text: str, options: Any = None) -> LoadResult:
    """The resources of one plan or state file; ``text`` is valid JSON (``data`` parsed from it)."""
    version = data.get("format_version", "")
    if not version.startswith("1."):
        message = f"Terraform JSON format {version} is not supported (1.x is)"
        return LoadResult(errors=[ParseError(message, Location(path, 1, 1))])
    root = scan(text)
    assert isinstance(root, JObject)
    values = _values_section(root)
    if values is None:
        return LoadResult()
    lines = LineIndex(text)

    def locate(start: int, end: int) -> Location:
        return lines.location(path, start, end)

    reader = _Reader(path, text, locate, _after_unknown(data), ConfigRefs(data, path))
    module = values.get("root_module")
    if isinstance(module, JObject):
        reader.module(module)
    return LoadResult(resources=reader.resources)


def _values_section(root: JObject) -> JObject | None:
    for path in (("planned_values",), ("values",), ("prior_state", "values")):
        node: JNode | None = root
        for key in path:
            node = node.get(key) if isinstance(node, JObject) else None
        if isinstance(node, JObject):
            return node
    return None


def _after_unknown(data: dict[str, Any]) -> dict[str, Any]:
    """Resource address -> its ``after_unknown`` object (which attributes only apply will know)."""
    found: dict[str, Any] = {}
    for change in data.get("resource_changes") or ():
        # A deposed object (an old instance being destroyed) shares the address of the new one.
        if isinstance(change, dict) and isinstance(change.get("address"), str) and not change.get("deposed"):
            after_unknown = (change.get("change") or {}).get("after_unknown")
            if isinstance(after_unknown, dict):
                found[change["address"]] = after_unknown
    return found


class PlanArgument:
    """An attribute of a resource in the JSON, looking like ``terraform_hcl.Argument`` to the
    builders: a name, a value, the text as written, a location (computed when asked for).
    ``text`` is given for an attribute that is not written in the file (``after_unknown``)."""

    expr = None
    file = None
    env = None

    def __init__(self, name: str, value: Any, source: str, span: tuple[int, int], locate: Locate,
                 text: str | None = None) -> None:
        self.name, self.value = name, value
        self._source, self._span, self._locate, self._text = source, span, locate, text

    @cached_property
    def location(self) -> Location:
        return self._locate(*self._span)

    @property
    def text(self) -> str:
        return self._text if self._text is not None else self._source[self._span[0]:self._span[1]]


class PlanBlock:
    """A resource (or one of its nested blocks) of the JSON, looking like ``terraform_hcl.Block``."""

    duplicates: tuple = ()

    def __init__(self, block_type: str, labels: tuple[str, ...], span: tuple[int, int], locate: Locate) -> None:
        self.type, self.labels = block_type, labels
        self.arguments: dict[str, PlanArgument] = {}
        self.blocks: list[PlanBlock] = []
        # Attributes known only after apply: nested blocks among them are not known to be absent.
        self.unknown: dict[str, PlanArgument] = {}
        self._span, self._locate = span, locate

    @cached_property
    def location(self) -> Location:
        return self._locate(*self._span)

    @property
    def resource_type(self) -> str:
        return self.labels[0] if self.labels else self.type

    def children(self, block_type: str) -> list["PlanBlock"]:
        return [b for b in self.blocks if b.type == block_type]

    def dynamic(self, block_type: str) -> list["PlanBlock"]:
        return []


class PlanEvaluator(Evaluator):
    """The evaluator the builders read through: a plan's values are already evaluated."""

    def __init__(self, path: str) -> None:
        super().__init__(ModuleScope(path), ModuleContext(path))

    def value_of(self, arg: Argument) -> Any:
        return arg.value  # a PlanArgument

    def resource_reference(self, arg: Argument, attribute: str) -> str | None:
        return None  # no expressions: references are made from ids (or ConfigRefs)

    def blocks(self, block: Block, block_type: str) -> tuple[list[Block], list[Unresolved]]:
        """Nested blocks; a list the plan leaves to apply time (``"georeplications": true``
        in ``after_unknown``) is not known, as a ``dynamic`` block whose for_each is not."""
        found, unknown = super().blocks(block, block_type)
        cause = _unknown_block(block, block_type)
        return (found, [*unknown, cause]) if cause is not None and not found else (found, unknown)

    def nested_argument(self, block: Block, block_type: str, name: str) -> tuple[Any, Argument | None]:
        value, arg = super().nested_argument(block, block_type, name)
        cause = _unknown_block(block, block_type) if value is MISSING else None
        return (cause, None) if cause is not None else (value, arg)


def _unknown_block(block: Any, block_type: str) -> Unresolved | None:
    arg = getattr(block, "unknown", {}).get(block_type)
    if arg is None:
        return None
    return Unresolved(block_type, arg.value.reason, arg.location)


class _Reader:
    def __init__(self, path: str, text: str, locate: Locate, unknown: dict[str, Any], refs: ConfigRefs) -> None:
        self.text, self.locate, self.unknown, self.refs = text, locate, unknown, refs
        self.builder = ResourceBuilder(PlanEvaluator(path))
        self.resources: list = []

    def module(self, module: JObject) -> None:
        resources = module.get("resources")
        for node in resources.items if isinstance(resources, JArray) else ():
            if isinstance(node, JObject):
                self._resource(node)
        children = module.get("child_modules")
        for child in children.items if isinstance(children, JArray) else ():
            if isinstance(child, JObject):
                self.module(child)

    def _resource(self, node: JObject) -> None:
        data = node.value
        address, resource_type, values = data.get("address"), data.get("type"), node.get("values")
        if data.get("mode") != "managed" or not isinstance(address, str) or not isinstance(resource_type, str):
            return
        block = PlanBlock("resource", (resource_type, str(data.get("name", ""))), (node.start, node.end), self.locate)
        if isinstance(values, JObject):
            self._fill(block, values, self.unknown.get(address), address, ())
        self.resources.extend(self.builder.build(address, block))

    def _fill(self, block: PlanBlock, values: JObject, unknown: Any, address: str, path: tuple) -> None:
        """Arguments from ``values``; a list of objects is also that many nested blocks."""
        unknown = unknown if isinstance(unknown, dict) else {}
        for member in values.members.values():
            name, node = member.key, member.node
            if node.value is None:
                continue  # unset, as an argument that is not written
            block.arguments[name] = PlanArgument(name, node.value, self.text, (node.start, node.end), self.locate)
            if isinstance(node, JArray) and node.items and all(isinstance(item, JObject) for item in node.items):
                nested_unknown = unknown.get(name) if isinstance(unknown.get(name), list) else []
                for index, item in enumerate(node.items):
                    child = PlanBlock(name, (), (item.start, item.end), self.locate)
                    self._fill(child, item, nested_unknown[index] if index < len(nested_unknown) else None,
                               address, (*path, name, index))
                    block.blocks.append(child)
        for name, flag in unknown.items():
            if flag is True and name not in block.arguments:
                value = self.refs.reference(address, (*path, name)) or \
                    Unresolved(name, "known only after apply (the plan does not know it)")
                # Located at the object the attribute belongs to: it is not written in the file.
                block.arguments[name] = PlanArgument(name, value, self.text, (values.start, values.end),
                                                     self.locate, text=name)
                if isinstance(value, Unresolved):
                    block.unknown[name] = block.arguments[name]
