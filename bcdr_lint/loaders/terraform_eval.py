"""Static evaluation of Terraform expressions over the tree-sitter trees of one module instance.

Every argument is evaluated at most once per module instance (memoized by argument), so
references between resources, locals and variables cost a dictionary lookup, never a re-walk.
The folder's parsed blocks (``ModuleScope``) are shared by all instances of a module; what
differs per instance is its ``ModuleContext``: the variable values (a root's tfvars files, a
child's module call), and the address prefix its resources are keyed with.

Literals, strings, collections, operators, functions and ``for`` are ``terraform_expressions``;
``count``/``for_each`` instances are ``terraform_instances``; ``dynamic`` blocks are
``terraform_dynamic``; this module adds the scope: variables, locals, resources, data
sources and module calls.

Inside the evaluator an ``Unresolved`` names its *cause* (``var.location``, "variable has no
default"); ``at_argument`` re-states it at the argument that uses it, with that argument's
source text and location, so a finding shows both what was written and why it is unknown.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from tree_sitter import Node

from bcdr_lint.loaders import terraform_instances as instances
from bcdr_lint.loaders.terraform_dynamic import MISSING, DynamicBlocks
from bcdr_lint.loaders.terraform_expressions import Env, Expressions, Lazy
from bcdr_lint.loaders.terraform_hcl import Argument, Block, SourceFile, reference, root_length, steps_of
from bcdr_lint.loaders.terraform_modules_eval import (
    ModuleContext, ModuleInstances, ModuleScope, ModuleValues, unknown_instances,
)
from bcdr_lint.loaders.terraform_types import DATA_IDENTITIES, IDENTITIES, IdentitySpec, resource_key
from bcdr_lint.model import Location, Ref, Unresolved
from bcdr_lint.model.azure_id import ref_from_azure_id

__all__ = ["MISSING", "Evaluator", "ModuleContext", "ModuleScope", "at_argument"]

_IN_PROGRESS = object()

# Reference roots that need a run, or a block with count/for_each around them.
_RUNTIME_ROOTS = {
    "each": "each.key and each.value exist only in a block with for_each",
    "count": "count.index exists only in a block with count",
    "path": "depends on where Terraform runs",
    "terraform": "depends on the Terraform workspace",
    "self": "known only inside provisioners",
}


Identity = tuple[str | None, tuple[str, ...], str | None]


class Evaluator(ModuleValues, DynamicBlocks, Expressions):
    def __init__(self, scope: ModuleScope, context: ModuleContext | None = None) -> None:
        self.scope = scope
        self.context = context or ModuleContext(scope.folder)
        self.key_space = self.context.key_space
        self.prefix = self.context.prefix
        # Keyed by the objects themselves (identity hashing), never by id(): blocks made for
        # dynamic content are short-lived and a recycled id would return another's value.
        self._values: dict[Argument, Any] = {}
        self._identities: dict[Block, Identity] = {}
        self._instances: dict[Block, instances.Instances] = {}
        self._expansions: dict[Block, instances.Expansion] = {}
        self._objects: dict[Block, Any] = {}
        self._variables: dict[str, Any] = {}
        self._modules: dict[str, ModuleInstances] = {}
        self._following: set[Argument] = set()  # local values instance_reference is reading
        self._resource_types = {address.split(".", 1)[0] for address in scope.resources}

    def release(self) -> None:
        """Drop what this instance and the module instances it called have evaluated. Values
        refer back to their evaluator (a resource as an object, a child to its caller): cycles
        the engine's disabled garbage collector would never free, each holding parse trees."""
        for found in self._modules.values():
            for child in found.children:
                child.release()
        for table in (self._values, self._identities, self._instances, self._expansions, self._objects,
                      self._variables, self._modules):
            table.clear()

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
        """The address ``type.name`` when ``arg`` is exactly ``type.name.<attribute>`` of a
        resource of this module that is one instance (for ``ref_to`` with its block)."""
        found = reference(arg.expr, arg.file)
        if found is None:
            return None
        root, steps = found
        if len(steps) != 2 or steps[0][0] != "attr" or steps[1] != ("attr", attribute):
            return None
        address = f"{root}.{steps[0][1]}"
        block = self.scope.resources.get(address)
        if block is None:
            return None
        expansion = self.expand(block, address)
        return address if expansion.exist and not expansion.repeated else None

    def instance_reference(self, arg: Argument, attribute: str) -> Ref | None:
        """An exact reference to the resource instance ``arg`` reads ``attribute`` of, when it
        is written ``type.name.<attribute>`` or ``type.name[key].<attribute>`` (the key known,
        ``count.index`` and ``each.key`` included): ``resource_reference`` for counted resources.
        Read through a module output (``module.m[key].out``) or a local value, it is the
        instance that output or local reads, in the module instance that declares it."""
        found = reference(arg.expr, arg.file)
        if found is None:
            return None
        root, steps = found
        if root == "local":
            local = self.scope.locals.get(steps[0][1]) if len(steps) == 1 and steps[0][0] == "attr" else None
            if local is None or local in self._following:
                return None  # not a local value, or one that refers to itself
            self._following.add(local)
            try:
                ref = self.instance_reference(local, attribute)
            finally:
                self._following.discard(local)
            return dataclasses.replace(ref, text=arg.text) if ref is not None else None
        if root == "module":
            return self._output_reference(arg, steps, attribute)
        if not steps or steps[0][0] != "attr" or steps[-1] != ("attr", attribute) or len(steps) not in (2, 3):
            return None
        address = f"{root}.{steps[0][1]}"
        block = self.scope.resources.get(address)
        if block is None:
            return None
        expansion = self.expand(block, address)
        position = self._position(expansion, steps[1:-1], arg)
        if position is None:
            return None
        member_address, member = expansion.members[position]
        return self.ref_to(member, member_address, arg.text)

    def _output_reference(self, arg: Argument, steps: list, attribute: str) -> Ref | None:
        """``module.m.out`` / ``module.m[key].out``: what output ``out`` of that instance reads."""
        if len(steps) not in (2, 3) or steps[0][0] != "attr" or steps[-1][0] != "attr":
            return None
        found = self.module(steps[0][1])
        if found is None or found.reason is not None or not found.children:
            return None
        position = self._position(found.expansion, steps[1:-1], arg)
        if position is None:
            return None
        child = found.children[position]
        output = child.scope.outputs.get(steps[-1][1])
        value = output.arguments.get("value") if output is not None else None
        ref = child.instance_reference(value, attribute) if value is not None else None
        return dataclasses.replace(ref, text=arg.text) if ref is not None else None

    def _position(self, expansion: instances.Expansion, index: list, arg: Argument) -> int | None:
        """Which of ``expansion.members`` ``[key]`` (or no index at all) names, the key converted
        as Terraform converts it (``each.key``, ``"1"`` for a count, ``2`` for a set of strings);
        None when it names no instance or is not known."""
        if not expansion.exist:
            return None
        if not index:
            return None if expansion.repeated else 0
        if len(index) != 1 or index[0][0] != "index":
            return None
        if not expansion.repeated:
            return 0 if expansion.mode == "unknown" else None  # the stand-in is every instance
        positions = expansion.value(list(range(len(expansion.members))))
        position = self._index(positions, index[0][1], arg.file, arg.text, arg.env)
        return position if isinstance(position, int) and not isinstance(position, bool) else None

    # -- instances -------------------------------------------------------------------------

    def instances(self, block: Block) -> instances.Instances:
        """How many instances a resource, data or module block declares (count or for_each)."""
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

    def expand(self, block: Block, address: str) -> instances.Expansion:
        """The instances of a block (``address`` as the module writes it), each with its
        ``count.index``/``each`` bound; the same objects however often it is asked."""
        known = self._expansions.get(block)
        if known is None:
            known = self._expansions[block] = instances.expand(block, address, self.instances(block))
        return known

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
        """An exact reference to the resource ``block`` of this module instance declares at
        ``address`` (with its instance key, if any)."""
        azure_type, names, group = self.identity(block)
        return Ref(type=azure_type, names=names, resource_group=group,
                   key=resource_key(self.key_space, self.prefix + address), text=text)

    # -- references ------------------------------------------------------------------------

    def _traversal(self, parts: list[Node], file: SourceFile, env: Env) -> Any:
        text = file.between(parts[0].start_byte, parts[-1].end_byte)
        split = root_length(parts)
        steps = steps_of(parts[split:], file)
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
        if name == "module":
            return self._module(first, steps[1:], file, text, env)
        address = f"{name}.{first}"
        block = self.scope.resources.get(address)
        if block is not None:
            return self._instance_value(block, address, steps[1:], file, text, env, data=False)
        if name in self._resource_types or name.startswith("azurerm_"):
            return Unresolved(text, f"no resource {address} in this folder")
        return Unresolved(text, f"unknown reference {name!r}")

    def _data(self, steps: list, file: SourceFile, text: str, env: Env) -> Any:
        if len(steps) < 2 or steps[0][0] != "attr" or steps[1][0] != "attr":
            return Unresolved(text, "data source, read at plan time")
        address = f"{steps[0][1]}.{steps[1][1]}"
        block = self.scope.data.get(address)
        if block is None:
            return Unresolved(text, f"no data source data.{address} in this folder")
        return self._instance_value(block, address, steps[2:], file, text, env, data=True)

    def _instance_value(self, block: Block, address: str, steps: list, file: SourceFile, text: str,
                        env: Env, *, data: bool) -> Any:
        """A resource or data source as a value: one object, a list (count) or a map (for_each)."""
        expansion = self.expand(block, address)
        what = f"data.{address}" if data else address
        if not expansion.exist:
            return Unresolved(text, f"{what} has no instances (its count is 0 or its for_each is empty)")
        if expansion.mode == "unknown":
            if not steps or steps[0][0] == "splat":
                return Unresolved(text, unknown_instances(what, expansion))
            if steps[0][0] == "index":
                steps = steps[1:]  # the stand-in is every instance
        return self._apply(self._objects_of(expansion, data), steps, file, text, env)

    def _objects_of(self, expansion: instances.Expansion, data: bool) -> Any:
        key = expansion.members[0][1]
        known = self._objects.get(key)
        if known is None:
            objects = [instances.ResourceObject(self, member, address, data) for address, member in expansion.members]
            known = self._objects[key] = expansion.value(objects)
        return known

    def resource_attribute(self, block: Block, address: str, name: str, text: str, *, data: bool) -> Any:
        """One attribute of a resource or data source instance (``ResourceObject``)."""
        if name == "id":
            if not data:
                return self.ref_to(block, address, text)
            azure_type, names, group = self.identity(block, data=True)
            if azure_type is None:
                return Unresolved(text, f"data source of type {block.resource_type} is not modelled")
            if not names:
                return Unresolved(text, "the data source's name is not known statically")
            return Ref(type=azure_type, names=names, resource_group=group, text=text)
        if name in block.arguments:
            # For a data source, what the user asked for (its name, its group): known exactly,
            # unlike what it reads from Azure.
            return self.value_of(block.arguments[name])
        if data:
            return Unresolved(text, "data source, read at plan time")
        if block.children(name) or block.dynamic(name):
            children, unknown = self.blocks(block, name)
            if unknown:
                return Unresolved(text, f'in dynamic "{name}": {unknown[0].expression}: {unknown[0].reason}')
            return [self._block_object(child) for child in children]
        return Unresolved(text, f"{name} is not set in {address}; the provider computes it at apply time")

    def _block_object(self, block: Block) -> dict[str, Any]:
        value: dict[str, Any] = {name: self.value_of(arg) for name, arg in block.arguments.items()}
        for child in block.blocks:
            value.setdefault(child.type, []).append(self._block_object(child))
        return value

def at_argument(value: Any, arg: Argument) -> Any:
    """Re-state an unresolved cause at the argument that uses it (its text and location)."""
    if isinstance(value, Lazy):
        value = Unresolved(arg.text, f"reference to the whole {value.describe()}")
    if isinstance(value, Unresolved):
        text = arg.text
        if value.expression == text:
            return Unresolved(text, value.reason, arg.location)
        reason = f"{value.expression}: {value.reason}" if value.reason else value.expression
        return Unresolved(text, reason, arg.location)
    return _locate(value, arg.location)


def _locate(value: Any, location: Location) -> Any:
    if isinstance(value, Unresolved):
        return value if value.location and type(value) is Unresolved else \
            Unresolved(value.expression, value.reason, value.location or location)
    if isinstance(value, Lazy):
        return Unresolved(value.describe(), "a whole resource or module is not a value here", location)
    if isinstance(value, list):
        return [_locate(item, location) for item in value]
    if isinstance(value, dict):
        return {key: _locate(item, location) for key, item in value.items()}
    return value
