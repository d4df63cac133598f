"""One instantiation of a Bicep template: a deployment (with a parameter file's or the default
values) or a module call (with the caller's ``params``).

Parameters, variables and outputs are evaluated on demand, each once, with self-references
reported instead of followed forever; a nullable parameter nobody sets is null. Resources and
modules are the business of ``bicep_resources`` and ``bicep_modules``, imported names of
``bicep_imports``. ``emit()`` yields the instance's resources in the order the file declares
them; a declaration that cannot be evaluated (nested too deeply) is one BCDR001 at it, and the
others are still emitted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping

from bcdr_lint.loaders import bicep_ast as ast
from bcdr_lint.loaders.bicep_eval import Evaluator
from bcdr_lint.loaders.bicep_imports import imported_call, imported_nullable, imported_value
from bcdr_lint.loaders.bicep_nodes import BicepScope
from bcdr_lint.loaders.bicep_template import Files, Template
from bcdr_lint.model import Location, ParseError, Resource, Unresolved

_DECLARED_AS = {
    "import": "a provider namespace, not a value",
    "type": "a type, not a value",
    "extension": "an extension namespace",
}


@dataclass(frozen=True)
class Context:
    """Where an instance sits: the key prefix of its resources, its resource group, the
    unknown condition of the module call or deployment it belongs to, the parameter file of its
    deployment, and the templates being instantiated around it (to stop module cycles)."""

    prefix: str
    resource_group: str | Unresolved | None = None
    group_location: Any = None  # the location of that group, when a caller declares it
    deployed: Unresolved | None = None
    deployment: Location | None = None
    stack: tuple[str, ...] = ()
    # Completes "parameter 'x' has no default value and ..." for a parameter nobody sets.
    unset: str = "no parameter file sets it"
    # Names the file reads that it does not declare: `base` in a parameter file that extends another.
    given: Mapping[str, Any] | None = None


@dataclass
class Host:
    """What all instances of one run share: the files, the problems found, one scope per file."""

    files: Files
    problems: list[ParseError] = field(default_factory=list)
    _seen: set[tuple[str, Location]] = field(default_factory=set)
    _scopes: dict[str, BicepScope] = field(default_factory=dict)
    exporters: dict[str, "Instance"] = field(default_factory=dict)  # by real path: files others import from
    bicepparams: dict[str, Any] = field(default_factory=dict)  # by real path: parameter files read

    def problem(self, message: str, location: Location) -> None:
        # A template instantiated many times reports a problem of its text once.
        if (message, location) not in self._seen:
            self._seen.add((message, location))
            self.problems.append(ParseError(message, location))

    def scope(self, template: Template) -> BicepScope:
        scope = self._scopes.get(template.path)
        if scope is None:
            scope = BicepScope(template.path, template.locate)
            self._scopes[template.path] = scope
        return scope

    def errors(self) -> list[ParseError]:
        found = list(self.problems)
        for scope in self._scopes.values():
            for error in scope.errors:
                if (error.message, error.location) not in self._seen:
                    self._seen.add((error.message, error.location))
                    found.append(error)
        return found


class Unknowable(dict):
    """Supplied parameter values when the whole set is unknown (``params: someUnknownObject``)."""

    def __init__(self, why: Unresolved) -> None:
        super().__init__()
        self.why = why

    def get(self, key: Any, default: Any = None) -> Any:
        return self.why


_MISSING = object()


class Instance(Evaluator):
    def __init__(self, template: Template, supplied: Mapping[str, Any], context: Context, host: Host) -> None:
        super().__init__(template)
        from bcdr_lint.loaders.bicep_modules import ModuleTable
        from bcdr_lint.loaders.bicep_resources import ResourceTable

        self.supplied = supplied  # lower-case parameter name -> value
        self.context = context
        self.host = host
        self.resources = ResourceTable(self)
        self.modules = ModuleTable(self)
        self._values: dict[tuple[str, str], Any] = {}
        self._busy: set[tuple[str, str]] = set()

    # -- names ------------------------------------------------------------------------------

    def symbol(self, node: ast.Var) -> Any:
        name = node.name
        template = self.template
        if name in template.params:
            return self.parameter(name)
        if name in template.variables:
            return self.variable(name, node)
        if name in template.resources:
            return self.resources.symbol(name, node)
        if name in template.modules:
            return self.modules.symbol(name, node)
        if name in template.imports:
            return imported_value(self, node, name)
        if name in template.functions:
            return self.unresolved(node, f"'{name}' is a user-defined function: a value needs a call")
        if name in template.other:
            return self.unresolved(node, f"'{name}' is {_DECLARED_AS.get(template.other[name], 'not a value')}")
        if self.context.given is not None and name in self.context.given:
            return self.context.given[name]
        return self.unresolved(node, f"'{name}' is not declared")

    def parameter(self, name: str) -> Any:
        """The value of the parameter ``name`` (declared by the template)."""
        return self.memo(("param", name), self.template.params[name], lambda: self._param(name))

    def _param(self, name: str) -> Any:
        supplied = self.supplied.get(name.lower(), _MISSING)
        if supplied is not _MISSING:
            return supplied
        decl = self.template.params[name]
        if decl.value is not None:
            return self.value(decl.value)
        if self.template.is_nullable(decl) or imported_nullable(self, decl.type_name):
            return None  # `param zones string[]?`: optional, null unless set
        return Unresolved(name, f"parameter '{name}' has no default value and {self.context.unset}",
                          self.template.locate(decl.start, decl.end))

    def variable(self, name: str, node: Any = None) -> Any:
        """The value of the variable ``name`` (declared by the template)."""
        decl = self.template.variables[name]
        return self.memo(("var", name), node or decl, lambda: self.value(decl.value))

    def memo(self, key: tuple[str, str], node: Any, compute: Callable[[], Any]) -> Any:
        if key in self._values:
            return self._values[key]
        if key in self._busy:
            return self.unresolved(node, f"'{key[1]}' refers to itself")
        self._busy.add(key)
        try:
            value = compute()
        finally:
            self._busy.discard(key)
        self._values[key] = value
        return value

    def about(self, decl: Any, reason: str) -> Unresolved:
        """An unknown value of a declaration, named by its symbol (not its whole text)."""
        name = getattr(decl, "symbol", None) or decl.name
        return Unresolved(name, reason, self.template.locate(decl.start, decl.end))

    def child(self, parent: Any, node: ast.ChildAccess) -> Any:
        return self.resources.child(parent, node)

    def resource_group(self) -> tuple[str | Unresolved | None, Any]:
        return self.context.resource_group, self.context.group_location

    def group_location(self, name: str) -> Any:
        return self.resources.group_location(name)

    def declaration(self, name: str) -> Any:
        param = self.template.params.get(name)
        if param is not None:  # its default, unless a parameter file or module call sets it
            return param.value if self.supplied.get(name.lower(), _MISSING) is _MISSING else None
        return super().declaration(name)

    def imported_call(self, node: ast.Call, local: str, args: list[Any]) -> Any:
        return imported_call(self, node, local, args)

    # -- results ------------------------------------------------------------------------------

    def outputs(self) -> dict[str, Any]:
        return {
            name: self.memo(("output", name), output,
                            lambda output=output: self.deployed_read(output.value, {}, self.value(output.value)))
            for name, output in self.template.outputs.items()
        }

    def emit(self) -> Iterator[Resource]:
        for statement in self.template.program.statements:
            if not isinstance(statement, (ast.ResourceDecl, ast.ModuleDecl)):
                continue
            table = self.resources if isinstance(statement, ast.ResourceDecl) else self.modules
            try:
                # Whole, or not at all: a declaration that cannot be evaluated yields nothing.
                made = list(table.emit(statement))  # type: ignore[attr-defined]
            except RecursionError:
                # Only this declaration is lost; the file's other resources are still checked.
                self.host.problem("bcdr-lint could not evaluate this declaration: expressions nested too deeply",
                                  self.template.locate(statement.start, statement.start))
                continue
            yield from made
