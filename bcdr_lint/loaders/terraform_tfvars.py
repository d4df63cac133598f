"""Variable values from the files Terraform loads by itself in a root module's folder:
``terraform.tfvars``, ``terraform.tfvars.json``, then ``*.auto.tfvars`` and
``*.auto.tfvars.json`` in lexical order of their names; a later file's value wins
(https://developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence).

The same reader serves ``--var-file`` files and the tfvars files of ``--param-file`` deployments
(``terraform``). A tfvars file holds values, not expressions: a reference or a function call
is an error at its line, as Terraform reports it, and the value stays unresolved; so is a
name set twice. ``-var`` values are not read. Values are converted to the variable's type
where it is read (``terraform_vartypes``).
"""

from __future__ import annotations

import json
import os
from typing import Any

from tree_sitter import Node

from bcdr_lint.loaders.base import UnreadableFile, read_text
from bcdr_lint.loaders.terraform_expressions import Env, Expressions
from bcdr_lint.loaders.terraform_hcl import Block, HclSyntaxError, SourceFile, parse_body, root_length, steps_of
from bcdr_lint.model import Location, ParseError, Unresolved


_NO_REFERENCES = "variables may not be used in a variables file"
_NO_CALLS = "functions may not be called in a variables file"


class Literals(Expressions):
    """Evaluates expressions that need no scope (``for`` over literals included). A reference
    or a function call is unresolved, and what is wrong with it is noted in ``problems``:
    Terraform rejects both in a variables file."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def _traversal(self, parts: list[Node], file: SourceFile, env: Env) -> Any:
        text = file.between(parts[0].start_byte, parts[-1].end_byte)
        split = root_length(parts)
        steps = steps_of(parts[split:], file)
        if parts[0].type != "variable_expr":
            return self._apply(self._terms(parts[:split], file, env), steps, file, text, env)
        name = file.source(parts[0])
        if env and name in env:  # bound by a for expression
            return self._apply(env[name], steps, file, text, env)
        self.problems.append(_NO_REFERENCES)
        return Unresolved(text, _NO_REFERENCES)

    def _call(self, node: Node, file: SourceFile, env: Env) -> Any:
        self.problems.append(_NO_CALLS)
        return Unresolved(file.source(node), _NO_CALLS)


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
            values.update(_json_values(path, text) if path.endswith(".json") else _hcl_values(path, text, errors))
        except (UnreadableFile, HclSyntaxError) as exc:
            errors.append(exc.error)
    return values


def _hcl_values(path: str, text: str, errors: list[ParseError]) -> dict[str, Any]:
    """The file's values; what Terraform rejects in one (a name set twice, a reference, a
    function call) is an error at its line, and such a value stays unresolved."""
    literals = Literals()
    values: dict[str, Any] = {}
    for item in parse_body(path, text):
        if isinstance(item, Block):
            raise HclSyntaxError(ParseError("a variables file holds only `name = value` lines, not blocks",
                                            item.location))
        if item.name in values:
            errors.append(ParseError(f"argument {item.name!r} is set twice in this file", item.location))
            continue
        value = literals.eval(item.expr, item.file)
        if literals.problems:
            errors.append(ParseError(literals.problems[0], item.location))
            literals.problems.clear()
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
