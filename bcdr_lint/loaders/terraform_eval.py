"""Static evaluation of Terraform expressions over the tree-sitter trees of one module (folder).

Every argument is evaluated at most once (memoized by argument), so references between
resources, locals and variables cost a dictionary lookup, never a re-walk.

Literals, strings, collections and operators are ``terraform_expressions``; this module adds
the scope: references to variables, locals, resources and data sources.

Inside the evaluator an ``Unresolved`` names its *cause* (``var.location``, "variable has no
default"); ``at_argument`` re-states it at the argument that uses it, with that argument's
source text and location, so a finding shows both what was written and why it is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from tree_sitter import Node

from bcdr_lint.loaders.terraform_expressions import Env, Expressions
from bcdr_lint.loaders import terraform_instances as instances
from bcdr_lint.loaders.terraform_hcl import Argument, Block, SourceFile, reference, root_length, steps_of
from bcdr_lint.loaders.terraform_types import DATA_IDENTITIES, IDENTITIES, IdentitySpec, resource_key
from bcdr_lint.model import Location, Ref, Unresolved
from bcdr_lint.model.azure_id import ref_from_azure_id


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # the argument is not written in the block
_IN_PROGRESS = object()

# Reference roots that need an instantiated module, an expanded count/for_each or a run.
_RUNTIME_ROOTS = {
    "module": "module outputs are not evaluated (modules are not instantiated yet)",
    "each": "for_each is not expanded yet",
    "count": "count is not expanded yet",
    "path": "depends on where Terraform runs",
    "terraform": "depends on the Terraform workspace",
    "self": "known only inside provisioners",
}


@dataclass
class ModuleScope:
    """Everything one folder declares, by name. ``resources``/``data`` keyed ``type.name``."""

    folder: str
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Argument] = field(default_factory=dict)
    resources: dict[str, Block] = field(default_factory=dict)
    data: dict[str, Block] = field(default_factory=dict)
    # Indexed only so that override files can find what they override.
    outputs: dict[str, Block] = field(default_factory=dict)
    modules: dict[str, Block] = field(default_factory=dict)  # module calls, by name
    # Values that replace variables' defaults: from auto-loaded tfvars files, or an
    # ``Unresolved`` for an input a module call sets (``terraform_modules``).
    variable_values: dict[str, Any] = field(default_factory=dict)


Identity = tuple[str | None, tuple[str, ...], str | None]


class Evaluator(Expressions):
    def __init__(self, scope: ModuleScope) -> None:
        self.scope = scope
        # Keyed by the objects themselves (identity hashing), never by id(): blocks made for
        # dynamic content are short-lived and a recycled id would return another's value.
        self._values: dict[Argument, Any] = {}
        self._identities: dict[Block, Identity] = {}
        self._instances: dict[Block, instances.Instances] = {}
        self._resource_types = {address.split(".", 1)[0] for address in scope.resources}

    # -- arguments -----------------------------------------------------------------------

    def argument(self, block: Block, name: str) -> Any:
        """The value of ``name`` in ``block`` as a resource attribute (``MISSING`` if unset)."""
        arg = block.arguments.get(name)
        if arg is None:
            return MISSING
        return at_argument(self.value_of(arg), arg)

    def raw(self, block: Block, name: str) -> Any:
        arg = block.arguments.get(name)
        return MISSING if arg is None else self.value_of(arg)

    def value_of(self, arg: Argument) -> Any:
        key = arg
        known = self._values.get(key, MISSING)
        if known is _IN_PROGRESS:
            return Unresolved(arg.text, "the value depends on itself (reference cycle)")
        if known is not MISSING:
            return known
        self._values[key] = _IN_PROGRESS
        try:
            value = self.eval(arg.expr, arg.file, arg.env)
        except RecursionError:
            value = Unresolved(arg.text, "expression nested too deeply to evaluate")
        self._values[key] = value
        return value

    def resource_reference(self, arg: Argument, attribute: str) -> str | None:
        """The address ``type.name`` when ``arg`` is exactly ``type.name.<attribute>``."""
        found = reference(arg.expr, arg.file)
        if found is None:
            return None
        root, steps = found
        if len(steps) != 2 or steps[0][0] != "attr" or steps[1] != ("attr", attribute):
            return None
        address = f"{root}.{steps[0][1]}"
        block = self.scope.resources.get(address)
        return address if block is not None and self.instances(block).exist else None

    def instances(self, block: Block) -> instances.Instances:
        """How many instances a resource block declares (its ``count`` or ``for_each``)."""
        known = self._instances.get(block)
        if known is not None:
            return known
        self._instances[block] = instances.UNKNOWN  # a count that depends on itself is unknown
        count, for_each = block.arguments.get("count"), block.arguments.get("for_each")
        if count is not None and for_each is not None:
            found = instances.conflicting(for_each)
        elif count is not None:
            found = instances.from_count(self.value_of(count), count)
        elif for_each is not None:
            found = instances.from_for_each(self.value_of(for_each), for_each)
        else:
            found = instances.SINGLE
        self._instances[block] = found
        return found

    def blocks(self, block: Block, block_type: str) -> tuple[list[Block], list[Unresolved]]:
        """The child blocks of ``block_type``, with ``dynamic`` blocks expanded where their
        ``for_each`` is known; each one that is not comes back as an ``Unresolved``."""
        found = block.children(block_type)
        unknown: list[Unresolved] = []
        for generator in block.dynamic(block_type):
            expanded = self._expand(generator, block_type)
            if isinstance(expanded, Unresolved):
                unknown.append(expanded)
            else:
                found.extend(expanded)
        return found, unknown

    def nested_argument(self, block: Block, block_type: str, name: str) -> tuple[Any, Argument | None]:
        """``name`` in the (single) nested ``block_type`` block, wherever it is written: a plain
        block, or the content of a ``dynamic`` one. When a dynamic block whose for_each is
        unknown may set it, the value is unknown too: (``Unresolved``, the argument in its content).
        ``(MISSING, None)`` when no block sets it."""
        found, _unknown = self.blocks(block, block_type)
        if found:
            first = found[0]
            return self.argument(first, name), first.arguments.get(name)
        for generator in block.dynamic(block_type):
            cause = self._expand(generator, block_type)
            if not isinstance(cause, Unresolved):
                continue
            contents = generator.children("content")
            arg = contents[0].arguments.get(name) if contents else None
            if arg is None and contents:
                continue  # whether or not the block exists, it does not set the argument
            where = arg.location if arg is not None else generator.location
            reason = f'in dynamic "{block_type}": {cause.expression}: {cause.reason}'
            return Unresolved(arg.text if arg is not None else cause.expression, reason, where), arg
        return MISSING, None

    def _expand(self, generator: Block, block_type: str) -> list[Block] | Unresolved:
        """The blocks one ``dynamic`` block generates, or why they cannot be known."""
        contents = generator.children("content")
        items = self.argument(generator, "for_each")
        if items is MISSING or not contents:
            return Unresolved(f'dynamic "{block_type}"', "dynamic block without for_each or content",
                              generator.location)
        if isinstance(items, dict):
            pairs = list(items.items())
        elif isinstance(items, list):
            pairs = list(enumerate(items))
        else:
            return items if isinstance(items, Unresolved) else Unresolved(
                generator.arguments["for_each"].text, "for_each of a dynamic block is not a list or map",
                generator.arguments["for_each"].location)
        iterator = _iterator_name(generator, block_type)
        return [contents[0].bound({iterator: {"key": key, "value": value}}, block_type) for key, value in pairs]

    # -- identities ------------------------------------------------------------------------

    def identity(self, block: Block, *, data: bool = False) -> Identity:
        """(azure type, names if all resolved else (), resource group) of a resource or data block."""
        key = block
        if key in self._identities:
            return self._identities[key]
        self._identities[key] = (None, (), None)  # a cycle through ids resolves to "unknown"
        spec = (DATA_IDENTITIES if data else IDENTITIES).get(block.resource_type)
        found = self._identity(block, spec) if spec else (None, (), None)
        self._identities[key] = found
        return found

    def _identity(self, block: Block, spec: IdentitySpec) -> Identity:
        names: list[str] = []
        complete = True
        group: str | None = None
        if spec.parent_id_argument:
            parent = self.raw(block, spec.parent_id_argument)
            if isinstance(parent, str):
                parent = ref_from_azure_id(parent)
            if isinstance(parent, Ref):
                group = parent.resource_group
            if isinstance(parent, Ref) and parent.names:
                names.extend(parent.names)
            else:
                complete = False
        for name_argument in spec.name_arguments:
            value = self.raw(block, name_argument)
            if isinstance(value, str):
                names.append(value)
            else:
                complete = False
        own_group = self.raw(block, "resource_group_name")
        if isinstance(own_group, str):
            group = own_group
        if block.resource_type == "azurerm_resource_group" and complete:
            group = names[0]
        return spec.azure_type, tuple(names) if complete else (), group

    def ref_to(self, block: Block, address: str, text: str) -> Ref:
        azure_type, names, group = self.identity(block)
        return Ref(type=azure_type, names=names, resource_group=group,
                   key=resource_key(self.scope.folder, address), text=text)

    # -- references ------------------------------------------------------------------------

    def _traversal(self, parts: list[Node], file: SourceFile, env: Env) -> Any:
        text = file.between(parts[0].start_byte, parts[-1].end_byte)
        split = root_length(parts)
        steps = steps_of(parts[split:], file)
        if steps is None:
            splat = next(p for p in parts[split:] if p.type == "splat")
            return Unresolved(file.between(parts[0].start_byte, splat.end_byte), "splat expression")
        if parts[0].type != "variable_expr":
            return self._apply(self._terms(parts[:split], file, env), steps, file, text, env)
        name = file.source(parts[0])
        if env and name in env:
            return self._apply(env[name], steps, file, text, env)
        first = steps[0][1] if steps and steps[0][0] == "attr" else None
        if name in _RUNTIME_ROOTS:
            return Unresolved(text, _RUNTIME_ROOTS[name])
        if first is None:
            return Unresolved(text, f"unknown reference {name!r}")
        if name == "var":
            return self._apply(self._variable(first), steps[1:], file, text, env)
        if name == "local":
            arg = self.scope.locals.get(first)
            if arg is None:
                return Unresolved(f"local.{first}", "local value is not declared in this folder")
            return self._apply(self.value_of(arg), steps[1:], file, text, env)
        if name == "data":
            return self._data(steps, file, text, env)
        address = f"{name}.{first}"
        block = self.scope.resources.get(address)
        if block is not None:
            return self._resource(block, address, steps[1:], file, text, env)
        if name in self._resource_types or name.startswith("azurerm_"):
            return Unresolved(text, f"no resource {address} in this folder")
        return Unresolved(text, f"unknown reference {name!r}")

    def _variable(self, name: str) -> Any:
        # -var and --var-file values will plug in here, with those of auto-loaded tfvars files.
        block = self.scope.variables.get(name)
        if block is None:
            return Unresolved(f"var.{name}", "variable is not declared in this folder")
        if name in self.scope.variable_values:
            return self.scope.variable_values[name]
        default = block.arguments.get("default")
        if default is None:
            return Unresolved(f"var.{name}", "variable has no default")
        return self.value_of(default)

    def _resource(self, block: Block, address: str, steps: list, file: SourceFile, text: str, env: Env) -> Any:
        if not self.instances(block).exist:
            return Unresolved(text, f"{address} has no instances (its count is 0 or its for_each is empty)")
        # count/for_each: every instance is the block itself until instances are expanded.
        if steps and steps[0][0] == "index" and _repeated(block):
            steps = steps[1:]
        if not steps or steps[0][0] != "attr":
            return Unresolved(text, f"reference to the whole resource {address}")
        attribute = steps[0][1]
        if attribute == "id":
            value: Any = self.ref_to(block, address, text)
        elif attribute in block.arguments:
            value = self.value_of(block.arguments[attribute])
        elif block.children(attribute) or block.dynamic(attribute):
            children, unknown = self.blocks(block, attribute)
            if unknown:
                return Unresolved(text, f'in dynamic "{attribute}": {unknown[0].expression}: {unknown[0].reason}')
            value = [self._block_object(child) for child in children]
        else:
            return Unresolved(text, f"{attribute} is not set in {address}; the provider computes it at apply time")
        return self._apply(value, steps[1:], file, text, env)

    def _block_object(self, block: Block) -> dict[str, Any]:
        value: dict[str, Any] = {name: self.value_of(arg) for name, arg in block.arguments.items()}
        for child in block.blocks:
            value.setdefault(child.type, []).append(self._block_object(child))
        return value

    def _data(self, steps: list, file: SourceFile, text: str, env: Env) -> Any:
        if len(steps) < 3 or any(kind != "attr" for kind, _ in steps[:3]):
            return Unresolved(text, "data source, read at plan time")
        address = f"{steps[0][1]}.{steps[1][1]}"
        block = self.scope.data.get(address)
        if block is None:
            return Unresolved(text, f"no data source data.{address} in this folder")
        attribute = steps[2][1]
        if attribute == "id":
            azure_type, names, group = self.identity(block, data=True)
            if azure_type is None:
                return Unresolved(text, f"data source of type {block.resource_type} is not modelled")
            if not names:
                return Unresolved(text, "the data source's name is not known statically")
            value: Any = Ref(type=azure_type, names=names, resource_group=group, text=text)
        elif attribute in block.arguments:
            # An argument of the data block is what the user asked for (its name, its group):
            # known exactly, unlike what the data source reads from Azure.
            value = self.value_of(block.arguments[attribute])
        else:
            return Unresolved(text, "data source, read at plan time")
        return self._apply(value, steps[3:], file, text, env)

    def _apply(self, value: Any, steps: Iterable, file: SourceFile, text: str, env: Env = None) -> Any:
        for kind, step in steps:
            if isinstance(value, Unresolved):
                return value
            if kind == "attr":
                if isinstance(value, Mapping) and step in value:
                    value = value[step]
                    continue
                return Unresolved(text, f"no attribute {step!r} in this value")
            key = step if isinstance(step, int) else self.eval(step, file, env)
            if isinstance(key, Unresolved):
                return key
            if isinstance(key, float) and key.is_integer():
                key = int(key)
            if isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(value):
                value = value[key]
            elif isinstance(value, Mapping) and isinstance(key, str) and key in value:
                value = value[key]
            else:
                return Unresolved(text, f"index {key!r} not found in this value")
        return value


def at_argument(value: Any, arg: Argument) -> Any:
    """Re-state an unresolved cause at the argument that uses it (its text and location)."""
    if isinstance(value, Unresolved):
        text = arg.text
        if value.expression == text:
            return Unresolved(text, value.reason, arg.location)
        reason = f"{value.expression}: {value.reason}" if value.reason else value.expression
        return Unresolved(text, reason, arg.location)
    return _locate(value, arg.location)


def _locate(value: Any, location: Location) -> Any:
    if isinstance(value, Unresolved):
        return value if value.location else Unresolved(value.expression, value.reason, location)
    if isinstance(value, list):
        return [_locate(item, location) for item in value]
    if isinstance(value, dict):
        return {key: _locate(item, location) for key, item in value.items()}
    return value


def _iterator_name(generator: Block, block_type: str) -> str:
    argument = generator.arguments.get("iterator")
    if argument is not None:
        found = reference(argument.expr, argument.file)
        if found is not None and not found[1]:
            return found[0]
    return block_type


def _repeated(block: Block) -> bool:
    return "count" in block.arguments or "for_each" in block.arguments
