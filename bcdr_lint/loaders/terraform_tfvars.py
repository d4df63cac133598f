"""Variable values from the files Terraform loads by itself in a root module's folder:
``terraform.tfvars``, ``terraform.tfvars.json``, then ``*.auto.tfvars`` and
``*.auto.tfvars.json`` in lexical order of their names; a later file's value wins
(https://developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence).

The same reader serves ``--var-file`` files and the tfvars files of ``--param-file`` deployments
(``terraform``). A tfvars file holds values, not expressions: anything but a literal (a
reference, a function call) is unresolved. ``-var`` values are not read.
"""

from __future__ import annotations

import json
import os
from typing import Any

from tree_sitter import Node

from bcdr_lint.loaders.base import UnreadableFile, read_text
from bcdr_lint.loaders.terraform_expressions import Env, Expressions
from bcdr_lint.loaders.terraform_hcl import Block, HclSyntaxError, SourceFile, parse_body
from bcdr_lint.model import Location, ParseError, Unresolved


class Literals(Expressions):
    """Evaluates expressions that need no scope; any reference is unresolved."""

    def _traversal(self, parts: list[Node], file: SourceFile, env: Env) -> Any:
        text = file.between(parts[0].start_byte, parts[-1].end_byte)
        return Unresolved(text, "not a literal value")

    def _call(self, node: Node, file: SourceFile, env: Env) -> Any:
        return Unresolved(file.source(node), "functions may not be called in a variables file")


def auto_files(folder: str) -> list[str]:
    """The auto-loaded variable files of ``folder``, in the order Terraform applies them."""
    try:
        names = set(os.listdir(folder))
    except OSError:
        return []
    first = [name for name in ("terraform.tfvars", "terraform.tfvars.json") if name in names]
    auto = sorted(name for name in names if name.endswith((".auto.tfvars", ".auto.tfvars.json")))
    return [_join(folder, name) for name in first + auto if os.path.isfile(os.path.join(folder, name))]


def read_values(paths: list[str], errors: list[ParseError]) -> dict[str, Any]:
    """Variable name -> value, later files overriding earlier ones; unreadable files are errors."""
    values: dict[str, Any] = {}
    for path in paths:
        try:
            text = read_text(path)
            values.update(_json_values(path, text) if path.endswith(".json") else _hcl_values(path, text))
        except (UnreadableFile, HclSyntaxError) as exc:
            errors.append(exc.error)
    return values


def _hcl_values(path: str, text: str) -> dict[str, Any]:
    literals = Literals()
    values: dict[str, Any] = {}
    for item in parse_body(path, text):
        if isinstance(item, Block):
            raise HclSyntaxError(ParseError("a variables file holds only `name = value` lines, not blocks",
                                            item.location))
        value = literals.eval(item.expr, item.file)
        if isinstance(value, Unresolved):
            # Not located here: a finding points at the resource argument that uses the variable.
            value = Unresolved(item.text, f"set in {path}:{item.location.start_line}: {value.reason}")
        values[item.name] = value
    return values


def _json_values(path: str, text: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HclSyntaxError(ParseError(f"invalid JSON: {exc.msg}", Location(path, exc.lineno, exc.colno))) from exc
    if not isinstance(document, dict):
        raise HclSyntaxError(ParseError("a variables file must hold one JSON object", Location(path, 1, 1)))
    return document


def _join(folder: str, name: str) -> str:
    # The same spelling as discovery's paths: relative to the working directory, POSIX.
    return name if folder == "." else f"{folder.rstrip('/')}/{name}"
