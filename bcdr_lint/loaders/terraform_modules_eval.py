"""Module instances in the evaluator: variables (a root's values, or the module call's,
converted to the variable's type with its ``optional()`` defaults: ``terraform_vartypes``),
the module calls a module makes (each instance a child evaluator with its own context, at most
``MAX_DEPTH`` levels deep) and the outputs callers read. A mixin of ``terraform_eval.Evaluator``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Protocol

from bcdr_lint.loaders import terraform_instances as instances
from bcdr_lint.loaders import terraform_vartypes as vartypes
from bcdr_lint.loaders.terraform_dynamic import MISSING
from bcdr_lint.loaders.terraform_expressions import Env
from bcdr_lint.loaders.terraform_hcl import Argument, Block, SourceFile
from bcdr_lint.loaders.terraform_literals import EvalError
from bcdr_lint.model import ParseError, Ref, Unresolved

if TYPE_CHECKING:
    from bcdr_lint.loaders.terraform_eval import Evaluator


# How deep module calls are followed (a root calling a module is one level).
MAX_DEPTH = 32


@dataclass
class ModuleScope:
    """Everything one folder declares, by name. ``resources``/``data`` keyed ``type.name``."""

    folder: str
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Argument] = field(default_factory=dict)
    resources: dict[str, Block] = field(default_factory=dict)
    data: dict[str, Block] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    modules: dict[str, Block] = field(default_factory=dict)  # module calls, by name
    types: dict[str, Any] = field(default_factory=dict)  # variable name -> its parsed type constraint


class ChildModules(Protocol):
    """Where the scope of a module call's folder comes from (``terraform_modules.ModuleTree``)."""

    def child(self, folder: str, name: str) -> ModuleScope | str:
        """The called folder's scope, or why it is not read."""


@dataclass(frozen=True)
class ModuleContext:
    """One instance of a module. ``key_space`` is the root folder resources are keyed under
    (with ``@<tfvars>`` for one deployment of it); ``prefix`` the instance's address
    (``module.aks["east"].``), empty for a root."""

    key_space: str
    prefix: str = ""
    variables: Mapping[str, Any] = field(default_factory=dict)  # a root's values (tfvars files)
    caller: "Evaluator | None" = None  # a child's: the caller and its (bound) module block
    call: Block | None = None
    tree: ChildModules | None = None
    ancestry: tuple[str, ...] = ()  # folders of the enclosing instances, to stop a module calling itself


@dataclass
class ModuleInstances:
    """The instances of one module call: each a child evaluator, or why none is read."""

    expansion: instances.Expansion
    children: list["Evaluator"]
    reason: str | None = None  # not read: a registry module, a folder not checked, a cycle
    error: ParseError | None = None


class ModuleValues:
    """Needs of the evaluator it is mixed into: its scope, context and caches, ``value_of``,
    ``raw``, ``expand`` and ``_apply``."""

    scope: ModuleScope
    context: ModuleContext
    key_space: str
    prefix: str
    _variables: dict[str, Any]
    _modules: dict[str, ModuleInstances]

    def _variable(self, name: str) -> Any:
        known = self._variables.get(name, MISSING)
        if known is MISSING:
            known = self._variables[name] = self._variable_value(name)
        return known

    def _variable_value(self, name: str) -> Any:
        block = self.scope.variables.get(name)
        if block is None:
            return Unresolved(f"var.{name}", "variable is not declared in this folder")
        return vartypes.conform(self._given(name, block), self._type(name, block), f"var.{name}")

    def _given(self, name: str, block: Block) -> Any:
        """The value before conversion: the module call's, a root's variables files', else the
        default. A null where ``nullable = false`` means the default."""
        context = self.context
        default = block.arguments.get("default")
        if context.call is not None and context.caller is not None:
            arg = context.call.arguments.get(name)
            if arg is not None:
                value = _from_caller(name, context.caller.value_of(arg), arg)
                if value is not None or default is None or not _not_nullable(self, block):
                    return value
            elif default is None:
                where = f"{context.call.location.path}:{context.call.location.start_line}"
                return Unresolved(f"var.{name}", f"the module call at {where} does not set it and it has no default")
        elif name in context.variables:
            value = context.variables[name]
            if value is not None or default is None or not _not_nullable(self, block):
                return value
        if default is None:
            return Unresolved(f"var.{name}", "variable has no default")
        return self.value_of(default)

    def _type(self, name: str, block: Block) -> vartypes.VarType | None:
        """The variable's type constraint, read once per folder (every instance shares it)."""
        types = self.scope.types
        if name not in types:
            arg = block.arguments.get("type")
            evaluate = self.eval  # type: ignore[attr-defined]  # Expressions, later in the MRO
            types[name] = vartypes.parse_type(arg.expr, arg.file, evaluate) if arg is not None else None
        return types[name]

    def module(self, name: str) -> ModuleInstances | None:
        """The instances of the module call ``name`` (None when there is no such call)."""
        known = self._modules.get(name)
        if known is not None:
            return known
        block = self.scope.modules.get(name)
        if block is None:
            return None
        expansion = self.expand(block, f"module.{name}")
        tree = self.context.tree
        child = tree.child(self.scope.folder, name) if tree is not None else "modules are read only across folders"
        found = ModuleInstances(expansion, [])
        if isinstance(child, str):
            found.reason = child
        elif child.folder in self.context.ancestry or child.folder == self.scope.folder:
            found.reason = "the module calls itself"
            found.error = ParseError(f"module {name!r} calls the module it is in ({child.folder})", block.location)
        elif len(self.context.ancestry) >= MAX_DEPTH:
            # Each level costs Python stack frames; real repositories nest a handful of levels.
            found.reason = f"modules nested more than {MAX_DEPTH} levels deep are not read"
        else:
            ancestry = (*self.context.ancestry, self.scope.folder)
            for address, member in expansion.members:
                context = ModuleContext(self.key_space, f"{self.prefix}{address}.", caller=self, call=member,
                                        tree=tree, ancestry=ancestry)
                found.children.append(type(self)(child, context))
        self._modules[name] = found
        return found

    def _module(self, name: str, steps: list, file: SourceFile, text: str, env: Env) -> Any:
        found = self.module(name)
        if found is None:
            return Unresolved(text, f"no module call {name!r} in this folder")
        if found.reason is not None:
            return Unresolved(text, f"module.{name} is not read: {found.reason}")
        expansion = found.expansion
        if not expansion.exist:
            return Unresolved(text, f"module.{name} has no instances (its count is 0 or its for_each is empty)")
        if expansion.mode == "unknown":
            if not steps or steps[0][0] == "splat":
                return Unresolved(text, unknown_instances(f"module.{name}", expansion))
            if steps[0][0] == "index":
                steps = steps[1:]
        objects = [instances.ModuleObject(child, address)
                   for child, (address, _member) in zip(found.children, expansion.members)]
        return self._apply(expansion.value(objects), steps, file, text, env)

    def output(self, name: str, text: str, address: str) -> Any:
        """The value of this module instance's output ``name`` (``ModuleObject``)."""
        block = self.scope.outputs.get(name)
        arg = block.arguments.get("value") if block is not None else None
        if arg is None:
            return EvalError(text, f"{address} has no output {name!r}")
        value = self.value_of(arg)
        # A reference is named as the caller writes it: the output's own expression means
        # nothing at the caller's line (``azurerm_kubernetes_cluster.this.id`` in the root).
        return dataclasses.replace(value, text=text) if isinstance(value, Ref) else value


def unknown_instances(what: str, expansion: instances.Expansion) -> str:
    unknown = expansion.instances.unknown
    cause = f": {unknown.expression}: {unknown.reason}" if unknown is not None else ""
    return f"the instances of {what} are not known statically{cause}"


def _from_caller(name: str, value: Any, arg: Argument) -> Any:
    """A module input as the child sees it: an unknown one says which call set it, to what."""
    if not isinstance(value, Unresolved):
        return value
    where = f"{arg.location.path}:{arg.location.start_line}"
    cause = value.reason if value.expression == arg.text else f"{value.expression}: {value.reason}"
    return type(value)(f"var.{name}", f"set by the module call at {where} to {arg.text}; {cause}")


def _not_nullable(evaluator: "ModuleValues", block: Block) -> bool:
    """``nullable = false``: a null from the caller means the default."""
    return evaluator.raw(block, "nullable") is False
