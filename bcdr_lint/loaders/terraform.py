"""Terraform (azurerm) loader: every .tf file of one folder is one module.

Files are parsed with tree-sitter-hcl (``terraform_hcl``), the module's variables, locals, resources and
data sources are indexed (here), values are evaluated statically (``terraform_eval``) and
azurerm blocks become normalized resources (``terraform_resources``).

Not yet: ``module`` blocks are not instantiated, ``count``/``for_each`` resources count as one
instance, and ``*.tfvars`` are not read (variables take their defaults). Module instantiation
will plug in at ``_IGNORED_BLOCKS["module"]`` below (a child scope per call, its inputs as the
child's variables); instances at ``ResourceBuilder.build``; tfvars at ``Evaluator._variable``.
"""

from __future__ import annotations

from bcdr_lint.loaders.base import LoadResult, UnreadableFile, read_text
from bcdr_lint.loaders.terraform_eval import Evaluator, ModuleScope
from bcdr_lint.loaders.terraform_hcl import Block, HclSyntaxError, parse_file
from bcdr_lint.loaders.terraform_resources import ResourceBuilder
from bcdr_lint.model import ParseError

# Top-level blocks that declare nothing the model holds yet.
_IGNORED_BLOCKS = frozenset({"module", "output", "provider", "terraform", "moved", "import", "removed", "check"})


def load_module(folder: str, files: list[str]) -> LoadResult:
    result = LoadResult()
    scope = ModuleScope(folder)
    for path in files:
        try:
            blocks = parse_file(path, read_text(path))
        except UnreadableFile as exc:
            result.errors.append(exc.error)
            continue
        except HclSyntaxError as exc:
            result.errors.append(exc.error)
            continue
        for block in blocks:
            _declare(scope, block, result.errors)
    builder = ResourceBuilder(Evaluator(scope))
    for address, block in scope.resources.items():
        result.resources.extend(builder.build(address, block))
    return result


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
    expected = {"variable": 1, "resource": 2, "data": 2}.get(block.type)
    if expected is None:
        return  # blocks Terraform itself would reject are its to report
    if len(block.labels) != expected:
        what = "a name" if expected == 1 else "a type and a name"
        errors.append(ParseError(f"{block.type} block needs {what}", block.location))
        return
    table, name, label = {
        "variable": (scope.variables, block.labels[0], f"variable {block.labels[0]!r}"),
        "resource": (scope.resources, ".".join(block.labels), f"resource {'.'.join(block.labels)}"),
        "data": (scope.data, ".".join(block.labels), f"data source data.{'.'.join(block.labels)}"),
    }[block.type]
    if name in table:
        errors.append(ParseError(f"duplicate {label}", block.location))
    else:
        table[name] = block


def _report_duplicate_arguments(block: Block, errors: list[ParseError]) -> None:
    for argument in block.duplicates:
        errors.append(ParseError(f"argument {argument.name!r} is set twice in this block", argument.location))
    for child in block.blocks:
        _report_duplicate_arguments(child, errors)
