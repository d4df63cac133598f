"""Terraform (azurerm) loader: every .tf file of one folder is one module.

Files are parsed with tree-sitter-hcl (``terraform_hcl``), the module's variables, locals, resources and
data sources are indexed (here), override files are merged into what they override
(``terraform_override``), values are evaluated statically (``terraform_eval``) and azurerm blocks
become normalized resources (``terraform_resources``).

All folders of a run are read for their module calls before any is evaluated: a folder that
another one calls is a child module, instantiated once per call and per ``count``/``for_each``
instance with the caller's values (``terraform_modules``), never on its own; every other folder
is a root module. A root's variables come from its defaults, then the variable files Terraform
loads by itself, then ``--var-file`` files in order (``terraform_tfvars``), each converted to
the variable's type as Terraform converts it (``optional()`` defaults included). A root named with
``--param-file FOLDER=FILE.tfvars`` is deployed once per such file (after the other files), as
``terraform plan -var-file`` would: its resources carry that ``deployment`` and ``@FILE`` in
their keys.

A resource whose ``count`` is 0 or whose ``for_each`` is empty declares nothing; a known count or
for_each declares one resource per instance (``address[0]``, ``address["key"]``); one whose
count/for_each is not known is one resource whose ``deployed`` attribute (and that of its inline
children, and of everything in a module instance that is as uncertain) is that argument,
unresolved. ``-var`` values are not read.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Callable, TypeVar

from bcdr_lint.loaders import terraform_modules, terraform_override, terraform_tfvars
from bcdr_lint.loaders.base import LoadResult, UnreadableFile, read_text
from bcdr_lint.loaders.terraform_eval import Evaluator, ModuleContext, ModuleScope
from bcdr_lint.loaders.terraform_hcl import Block, HclSyntaxError, parse_file
from bcdr_lint.loaders.terraform_modules import ModuleCall, ModuleTree
from bcdr_lint.loaders.terraform_resources import ResourceBuilder
from bcdr_lint.model import Location, ParseError, Unresolved
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
    options = options or RunOptions()
    result = LoadResult()
    real_paths = {os.path.realpath(folder): folder for folder in modules}
    # First pass: the module calls, which decide which folders are roots. Only folders whose
    # text mentions `module` are parsed for it, and their trees are not kept: holding every
    # tree of a monorepo at once tripled the peak memory.
    calls: dict[str, list[ModuleCall]] = {}
    for folder, files in sorted(modules.items()):
        if not any(_mentions_module(path) for path in files):
            continue
        scope = _isolated(_first(folder, files), result, _parse, folder, files, [])
        if scope is not None:
            found = _isolated(_first(folder, files), result,
                              terraform_modules.calls_of, scope, real_paths, result.errors)
            calls[folder] = found or []

    def parse(folder: str) -> ModuleScope | None:
        return _isolated(_first(folder, modules[folder]), result, _parse, folder, modules[folder], result.errors)

    # Child scopes are parsed once, when first instantiated, and kept for the other instances.
    tree = ModuleTree(calls, parse)
    deployments = _deployments(options.param_files, real_paths)
    called = tree.called()
    roots = _roots(sorted(modules), tree, set(deployments))
    shared = terraform_tfvars.read_values([_shown(path) for path in options.var_files], result.errors)
    # Second pass: each root parsed (its errors reported here, once) and evaluated in turn.
    for folder, files in sorted(modules.items()):
        # Read in every folder, so a broken file is reported even where Terraform would not load it.
        tfvars = terraform_tfvars.read_values(terraform_tfvars.auto_files(folder), result.errors)
        if folder not in roots:
            continue
        scope = tree.scope(folder) if folder in called else parse(folder)
        if scope is None:
            continue
        for deployment in deployments.get(folder, [None]):
            values = {**tfvars, **shared}
            key_space = folder
            if deployment is not None:
                values.update(_deployment_values(deployment, scope, result.errors))
                key_space = f"{folder}@{deployment}"
            loaded = _isolated(_first(folder, files), result, _evaluate_root, scope, key_space, values, tree)
            if loaded is None:
                continue
            if deployment is not None:
                where = Location(deployment, 1, 1)
                loaded.resources = [dataclasses.replace(r, deployment=where) for r in loaded.resources]
            result.extend(loaded)
    # Child folders no call instantiated (count = 0): their syntax errors are still reported.
    for folder in sorted(modules):
        if folder not in roots and folder not in tree.parsed():
            parse(folder)
    result.errors = list(dict.fromkeys(result.errors))  # one child's error, once for all its instances
    return result


def _roots(folders: list[str], tree: ModuleTree, named: set[str]) -> set[str]:
    """Folders no other folder calls, and those named with --param-file; then, for modules
    that only call each other (which Terraform rejects), the first of each such group."""
    called = tree.called()
    roots = {folder for folder in folders if folder not in called or folder in named}
    reached: set[str] = set()

    def reach(start: str) -> None:
        pending = [start]
        while pending:
            current = pending.pop()
            if current not in reached:
                reached.add(current)
                pending.extend(tree.callees(current))

    for root in sorted(roots):
        reach(root)
    for folder in folders:
        if folder not in reached:
            roots.add(folder)
            reach(folder)
    return roots


def _deployments(pairs: tuple[tuple[str, str], ...], real_paths: dict[str, str]) -> dict[str, list[str]]:
    """Root folder -> the tfvars files it is deployed with (``--param-file FOLDER=FILE``)."""
    found: dict[str, list[str]] = {}
    for template, parameters in pairs:
        real = os.path.realpath(template)
        if real.endswith(".tf") and os.path.isfile(real):
            real = os.path.dirname(real)
        folder = real_paths.get(real)
        if folder is not None and parameters.endswith((".tfvars", ".tfvars.json")):
            shown = _shown(parameters)
            if shown not in found.setdefault(folder, []):
                found[folder].append(shown)
    return found


def _deployment_values(path: str, scope: ModuleScope, errors: list[ParseError]) -> dict:
    """The values one deployment's tfvars file sets. A file that cannot be read is still a
    deployment (as an unreadable ARM parameter file is): any variable may be set in it."""
    found: list[ParseError] = []
    values = terraform_tfvars.read_values([path], found)
    if not found:
        return values
    errors.extend(found)
    reason = f"its variables file {path} could not be read: {found[0].message}"
    return {name: Unresolved(f"var.{name}", reason) for name in scope.variables}


def _shown(path: str) -> str:
    """A path as discovery shows paths: relative to the working directory when below it, POSIX."""
    real = os.path.realpath(path)
    relative = os.path.relpath(real)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return real.replace(os.sep, "/")
    return relative.replace(os.sep, "/")


def _evaluate_root(scope: ModuleScope, key_space: str, values: dict, tree: ModuleTree) -> LoadResult:
    result = LoadResult()
    evaluator = Evaluator(scope, ModuleContext(key_space, variables=values, tree=tree))
    try:
        _instantiate(evaluator, None, tree, result)
    finally:
        evaluator.release()
    return result


def _instantiate(evaluator: Evaluator, inherited: Unresolved | None, tree: ModuleTree, result: LoadResult) -> None:
    """The resources of one module instance and of the module instances it calls. ``inherited``:
    the enclosing module call's unknown count/for_each, which its resources share."""
    builder = ResourceBuilder(evaluator)
    prefix = evaluator.prefix
    for address, block in evaluator.scope.resources.items():
        expansion = evaluator.expand(block, address)
        if expansion.instances.error is not None:
            result.errors.append(expansion.instances.error)
        if not expansion.exist:
            continue  # statically absent, like an ARM resource with condition: false
        deployed = expansion.instances.unknown or inherited
        for instance_address, member in expansion.members:
            result.resources.extend(builder.build(prefix + instance_address, member, deployed))
    for name in evaluator.scope.modules:
        found = evaluator.module(name)
        if found is None:
            continue
        for error in (found.expansion.instances.error, found.error):
            if error is not None:
                result.errors.append(error)
        if not found.expansion.exist:
            continue
        deployed = found.expansion.instances.unknown or inherited
        if found.reason is not None:
            call = tree.call(evaluator.scope.folder, name)
            if call is not None and found.error is None:
                key = terraform_modules.unread_key(evaluator.key_space, prefix, name)
                result.resources.append(terraform_modules.unread_deployment(call, key, deployed, found.reason))
            continue
        for child in found.children:
            _instantiate(child, deployed, tree, result)


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
