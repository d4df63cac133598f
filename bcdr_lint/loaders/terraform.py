"""Terraform (azurerm) loader: every .tf file of one folder is one module.

Files are parsed with tree-sitter-hcl (``terraform_hcl``), the module's variables, locals, resources and
data sources are indexed (here), override files are merged into what they override
(``terraform_override``), values are evaluated statically (``terraform_eval``) and azurerm blocks
become normalized resources (``terraform_resources``).

A resource whose ``count`` is 0 or whose ``for_each`` is empty declares nothing; one with more
instances is one resource for now; one whose count/for_each is not known is one resource whose
``deployed`` attribute (and that of its inline children) is that argument, unresolved.

Not yet: ``module`` blocks are not instantiated, count/for_each instances are not expanded, and
``*.tfvars`` are not read (variables take their defaults). Module instantiation will plug in at
``_IGNORED_BLOCKS["module"]`` below (a child scope per call, its inputs as the child's
variables); instances in ``load_module`` where resources are built; tfvars at
``Evaluator._variable``.
"""

from __future__ import annotations

from bcdr_lint.loaders import terraform_override
from bcdr_lint.loaders.base import LoadResult, UnreadableFile, read_text
from bcdr_lint.loaders.terraform_eval import Evaluator, ModuleScope
from bcdr_lint.loaders.terraform_hcl import Block, HclSyntaxError, parse_file
from bcdr_lint.loaders.terraform_resources import ResourceBuilder
from bcdr_lint.model import ParseError

# Top-level blocks that declare nothing the model holds yet.
_IGNORED_BLOCKS = frozenset({"module", "provider", "terraform", "moved", "import", "removed", "check"})


def load_module(folder: str, files: list[str]) -> LoadResult:
    result = LoadResult()
    scope = ModuleScope(folder)
    normal, overrides = terraform_override.split(files)
    for path in normal:
        for block in _read(path, result.errors):
            _declare(scope, block, result.errors)
    for path in overrides:
        for block in _read(path, result.errors):
            _override(scope, block, result.errors)
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
    expected = {"variable": 1, "output": 1, "resource": 2, "data": 2}.get(block.type)
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
    }[block.type]


def _report_duplicate_arguments(block: Block, errors: list[ParseError]) -> None:
    for argument in block.duplicates:
        errors.append(ParseError(f"argument {argument.name!r} is set twice in this block", argument.location))
    for child in block.blocks:
        _report_duplicate_arguments(child, errors)
