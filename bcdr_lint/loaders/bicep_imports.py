"""``import { x, f } from './shared.bicep'`` and ``import * as shared from ...``: exported
variables and functions of another local Bicep file, evaluated in that file.

The exporting file is instantiated once per run, without parameters (an exported variable
cannot read one), and its values are shared by every file that imports from it. Registry
imports (``br:``, ``br/public:``) are not read offline; a local file that does not exist is a
problem (BCDR001) at the import, as a missing module is at the module call.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from bcdr_lint.loaders import bicep_ast as ast
from bcdr_lint.loaders.bicep_modules import is_remote
from bcdr_lint.loaders.bicep_template import Template
from bcdr_lint.loaders.bicep_values import ImportedNamespace
from bcdr_lint.model import Unresolved

if TYPE_CHECKING:
    from bcdr_lint.loaders.bicep_instance import Instance

REGISTRY = "imported from a registry, which is not read offline"


def imported_value(importer: Instance, node: ast.Var, local: str) -> Any:
    """The value of the name ``local`` that ``importer``'s file imports."""
    imp, exported = importer.template.imports[local]
    source = exporter(importer, imp)
    if isinstance(source, Unresolved):
        return importer.unresolved(node, source.reason)
    if exported is None:
        return ImportedNamespace(
            imp.path,
            lambda name, text: _variable(source, imp, name, text),
            lambda name, args, text: _call(source, imp, name, args, text),
        )
    return _located(importer, node, _variable(source, imp, exported, importer.template.text_of(node)))


def imported_call(importer: Instance, node: ast.Call, local: str, args: list[Any]) -> Any:
    """``local(args)``, where ``local`` is a function ``importer``'s file imports."""
    imp, exported = importer.template.imports[local]
    if exported is None:
        return importer.unresolved(node, f"'{local}' is a namespace of imports, not a function")
    source = exporter(importer, imp)
    if isinstance(source, Unresolved):
        return importer.unresolved(node, source.reason)
    return _located(importer, node, _call(source, imp, exported, args, importer.template.text_of(node)))


def imported_nullable(importer: Instance, type_name: str | None) -> bool:
    """Whether ``type_name`` is a type ``importer``'s file imports that its file declares nullable."""
    found = importer.template.imports.get(type_name) if type_name is not None else None
    if found is None or found[1] is None:
        return False
    source = exporter(importer, found[0])
    return not isinstance(source, Unresolved) and found[1] in source.template.nullable_types


def exporter(importer: Instance, imp: ast.Import) -> Instance | Unresolved:
    """The instance of the file ``imp`` reads, or why it cannot be read."""
    from bcdr_lint.loaders.bicep_instance import Context, Instance

    template = importer.template
    at = template.locate(imp.path_start, imp.path_end)
    if is_remote(imp.path):
        return Unresolved(imp.path, REGISTRY, at)
    host = importer.host
    target = host.files.beside(template.path, imp.path)
    if not os.path.isfile(target):
        host.problem(f"imported file {imp.path} not found (looked for {target})", at)
        return Unresolved(imp.path, f"cannot read {imp.path}: not found", at)
    if target.lower().endswith(".json"):
        return Unresolved(imp.path, "imports from ARM JSON templates are not read", at)
    real = os.path.realpath(target)
    found = host.exporters.get(real)
    if found is None:
        loaded = host.files.get(target)
        if not isinstance(loaded, Template):  # its own parse error is reported at that file
            return Unresolved(imp.path, f"{imp.path} does not parse", at)
        found = Instance(loaded, {}, Context(prefix=f"bicep-import:{loaded.path}:"), host)
        host.exporters[real] = found
    return found


def _variable(source: Instance, imp: ast.Import, name: str, text: str) -> Any:
    template = source.template
    declared = template.variables.get(name)
    if declared is not None and declared.exported:
        return source.variable(name)
    function = template.functions.get(name)
    if function is not None and function.exported:
        return Unresolved(text, f"'{name}' is a function: a value needs a call")
    if template.other.get(name) == "type":
        return Unresolved(text, f"'{name}' is a type, not a value")
    return Unresolved(text, f"'{name}' is not exported by {imp.path}")


def _call(source: Instance, imp: ast.Import, name: str, args: list[Any], text: str) -> Any:
    function = source.template.functions.get(name)
    if function is None or not function.exported:
        return Unresolved(text, f"'{name}' is not a function exported by {imp.path}")
    if len(args) != len(function.params):
        return Unresolved(text, f"'{name}' takes {len(function.params)} arguments, not {len(args)}")
    return source.value(function.body, dict(zip(function.params, args)))


def _located(importer: Instance, node: Any, value: Any) -> Any:
    if isinstance(value, Unresolved) and value.location is None:
        return importer.unresolved(node, value.reason)
    return value
