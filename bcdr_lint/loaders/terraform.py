"""Terraform (azurerm) loader: every .tf file of one folder is one module.

Files are parsed with tree-sitter-hcl (``terraform_hcl``), the module's variables, locals, resources and
data sources are indexed (here), override files are merged into what they override
(``terraform_override``), values are evaluated statically (``terraform_eval``) and azurerm blocks
become normalized resources (``terraform_resources``).

All folders of a run are parsed before any is evaluated: a folder that another one calls as a
module is a child module, whose variables the call sets (``terraform_modules``); any other folder
is a root module, whose auto-loaded tfvars files set its variables (``terraform_tfvars``).

A resource whose ``count`` is 0 or whose ``for_each`` is empty declares nothing; one with more
instances is one resource for now; one whose count/for_each is not known is one resource whose
``deployed`` attribute (and that of its inline children) is that argument, unresolved.

Not yet: module calls are not instantiated with the caller's values (``caller_inputs`` is where
they will come from), count/for_each instances are not expanded (``_evaluate``, where resources
are built), and ``-var``/``--var-file`` values are not read (``Evaluator._variable``).
"""

from __future__ import annotations

import os
from typing import Callable, TypeVar

from bcdr_lint.loaders import terraform_modules, terraform_override, terraform_tfvars
from bcdr_lint.loaders.base import LoadResult, UnreadableFile, read_text
from bcdr_lint.loaders.terraform_eval import Evaluator, ModuleScope
from bcdr_lint.loaders.terraform_hcl import Block, HclSyntaxError, parse_file
from bcdr_lint.loaders.terraform_modules import ModuleCall
from bcdr_lint.loaders.terraform_resources import ResourceBuilder
from bcdr_lint.model import Location, ParseError
from bcdr_lint.options import RunOptions

# Top-level blocks that declare nothing the model holds yet.
_IGNORED_BLOCKS = frozenset({"provider", "terraform", "moved", "import", "removed", "check"})

T = TypeVar("T")


def load_module(folder: str, files: list[str]) -> LoadResult:
    """One folder on its own (a root module)."""
    return load_modules({folder: files})


def load_modules(modules: dict[str, list[str]], options: RunOptions | None = None) -> LoadResult:
    """Every folder (key: its path as discovery shows it -> its .tf files). A folder that fails
    is reported at its first file and does not stop the others."""
    result = LoadResult()
    real_paths = {os.path.realpath(folder): folder for folder in modules}
    # First pass: the module calls, which decide how each folder's variables are read. Only
    # folders whose text mentions `module` are parsed for it, and their trees are not kept:
    # holding every tree of a monorepo at once tripled the peak memory.
    calls: dict[str, list[ModuleCall]] = {}
    for folder, files in sorted(modules.items()):
        if not any(_mentions_module(path) for path in files):
            continue
        scope = _isolated(_first(folder, files), result, _parse, folder, files, [])
        if scope is not None:
            found = _isolated(_first(folder, files), result,
                              terraform_modules.calls_of, scope, real_paths, result.errors)
            calls[folder] = found or []
    callers: dict[str, list[ModuleCall]] = {}
    for found in calls.values():
        for call in found:
            if call.target is not None:
                callers.setdefault(call.target, []).append(call)
    # Second pass: each folder parsed (its errors reported here, once) and evaluated in turn.
    for folder, files in sorted(modules.items()):
        scope = _isolated(_first(folder, files), result, _parse, folder, files, result.errors)
        if scope is None:
            continue
        loaded = _isolated(_first(folder, files), result,
                           _evaluate, scope, calls.get(folder, []), callers.get(folder, []))
        if loaded is not None:
            result.extend(loaded)
    return result


def _mentions_module(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return b"module" in handle.read()
    except OSError:
        return False  # reported when the file is read for real


def _first(folder: str, files: list[str]) -> str:
    return files[0] if files else folder


def _isolated(path: str, result: LoadResult, step: Callable[..., T], *args: object) -> T | None:
    """A loader bug in one folder must not stop the others: it becomes BCDR001 at its first file."""
    try:
        return step(*args)
    except Exception as exc:  # noqa: BLE001 - reported, never a traceback
        message = f"bcdr-lint could not read this file (internal error {type(exc).__name__}: {exc}); please report it"
        result.errors.append(ParseError(message, Location(path, 1, 1)))
        return None


def _parse(folder: str, files: list[str], errors: list[ParseError]) -> ModuleScope:
    scope = ModuleScope(folder)
    normal, overrides = terraform_override.split(files)
    for path in normal:
        for block in _read(path, errors):
            _declare(scope, block, errors)
    for path in overrides:
        for block in _read(path, errors):
            _override(scope, block, errors)
    return scope


def _evaluate(scope: ModuleScope, calls: list[ModuleCall], callers: list[ModuleCall]) -> LoadResult:
    result = LoadResult()
    # Read in every folder, so a broken file is reported even where Terraform would not load it.
    tfvars = terraform_tfvars.read_values(terraform_tfvars.auto_files(scope.folder), result.errors)
    # A child module never reads tfvars files: its caller sets its variables.
    scope.variable_values.update(terraform_modules.caller_inputs(callers) if callers else tfvars)
    evaluator = Evaluator(scope)
    builder = ResourceBuilder(evaluator)
    for address, block in scope.resources.items():
        instances = evaluator.instances(block)
        if instances.error is not None:
            result.errors.append(instances.error)
        if not instances.exist:
            continue  # statically absent, like an ARM resource with condition: false
        # Instance expansion plugs in here: one resource per count index / for_each key
        # (``address[0]``, ``address["key"]``) when ``instances.count`` is known.
        result.resources.extend(builder.build(address, block, instances.unknown))
    for call in calls:
        result.resources.extend(terraform_modules.unread_deployment(call, evaluator, result.errors))
    return result


def _read(path: str, errors: list[ParseError]) -> list[Block]:
    try:
        return parse_file(path, read_text(path))
    except (UnreadableFile, HclSyntaxError) as exc:
        errors.append(exc.error)
        return []


def _declare(scope: ModuleScope, block: Block, errors: list[ParseError]) -> None:
    """Index one top-level block; Terraform's own declaration errors become parse errors."""
    if block.type in _IGNORED_BLOCKS:
        return
    _report_duplicate_arguments(block, errors)
    if block.type == "locals":
        for name, argument in block.arguments.items():
            if name in scope.locals:
                errors.append(ParseError(f"duplicate local value {name!r}", argument.location))
            else:
                scope.locals[name] = argument
        return
    slot = _slot(scope, block, errors)
    if slot is None:
        return
    table, name, label = slot
    if name in table:
        errors.append(ParseError(f"duplicate {label}", block.location))
    else:
        table[name] = block


def _override(scope: ModuleScope, block: Block, errors: list[ParseError]) -> None:
    """Merge one top-level block of an override file into the block it overrides."""
    if block.type in _IGNORED_BLOCKS:
        return
    _report_duplicate_arguments(block, errors)
    if block.type == "locals":
        for name, argument in block.arguments.items():
            if name in scope.locals:
                scope.locals[name] = argument
            else:
                errors.append(ParseError(f"override for undeclared local value {name!r}", argument.location))
        return
    slot = _slot(scope, block, errors)
    if slot is None:
        return
    table, name, label = slot
    original = table.get(name)
    if original is None:
        errors.append(ParseError(f"override for undeclared {label}", block.location))
    else:
        table[name] = terraform_override.merge(original, block)


def _slot(scope: ModuleScope, block: Block, errors: list[ParseError]) -> tuple[dict[str, Block], str, str] | None:
    """The table a named top-level block goes into, its key there and how messages name it."""
    expected = {"variable": 1, "output": 1, "module": 1, "resource": 2, "data": 2}.get(block.type)
    if expected is None:
        return None  # blocks Terraform itself would reject are its to report
    if len(block.labels) != expected:
        what = "a name" if expected == 1 else "a type and a name"
        errors.append(ParseError(f"{block.type} block needs {what}", block.location))
        return None
    address = ".".join(block.labels)
    return {
        "variable": (scope.variables, address, f"variable {address!r}"),
        "output": (scope.outputs, address, f"output {address!r}"),
        "resource": (scope.resources, address, f"resource {address}"),
        "data": (scope.data, address, f"data source data.{address}"),
        "module": (scope.modules, address, f"module {address!r}"),
    }[block.type]


def _report_duplicate_arguments(block: Block, errors: list[ParseError]) -> None:
    for argument in block.duplicates:
        errors.append(ParseError(f"argument {argument.name!r} is set twice in this block", argument.location))
    for child in block.blocks:
        _report_duplicate_arguments(child, errors)
