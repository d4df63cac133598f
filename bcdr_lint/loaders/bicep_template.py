"""One parsed Bicep file and what it declares, by name; and the cache of files read in one run.

A file is read and parsed once per run, however many deployments, parameter files and module
calls use it; a file that does not parse is one ``ParseError``, reported once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bcdr_lint.loaders import bicep_ast as ast
from bcdr_lint.loaders.base import LineIndex, UnreadableFile, read_text
from bcdr_lint.loaders.bicep_syntax import BicepSyntaxError, error_location, parse
from bcdr_lint.model import Location, ParseError


@dataclass(frozen=True, eq=False)
class Template:
    path: str  # as shown in reports
    text: str
    program: ast.Program
    lines: LineIndex
    params: dict[str, ast.Param]
    variables: dict[str, ast.VarDecl]
    resources: dict[str, ast.ResourceDecl]  # top level only; nested ones live in their parent's body
    modules: dict[str, ast.ModuleDecl]
    outputs: dict[str, ast.Output]
    other: dict[str, str]  # names of types, extensions ... -> what declares them
    using: ast.Using | None
    functions: dict[str, ast.Func] = field(default_factory=dict)
    # Imported names: local name -> (the import, the exported name; None for `* as local`).
    imports: dict[str, tuple[ast.Import, str | None]] = field(default_factory=dict)
    extends: ast.Extends | None = None
    nullable_types: frozenset[str] = frozenset()  # types declared here that admit null

    def locate(self, start: int, end: int) -> Location:
        return self.lines.location(self.path, start, end)

    def text_of(self, node: object) -> str:
        return self.text[node.start:node.end]  # type: ignore[attr-defined]

    @classmethod
    def of(cls, path: str, text: str, program: ast.Program) -> "Template":
        params: dict[str, ast.Param] = {}
        variables: dict[str, ast.VarDecl] = {}
        resources: dict[str, ast.ResourceDecl] = {}
        modules: dict[str, ast.ModuleDecl] = {}
        outputs: dict[str, ast.Output] = {}
        other: dict[str, str] = {}
        functions: dict[str, ast.Func] = {}
        imports: dict[str, tuple[ast.Import, str | None]] = {}
        nullable_types: set[str] = set()
        using = None
        extends = None
        for statement in program.statements:
            if isinstance(statement, ast.Param):
                params[statement.name] = statement
            elif isinstance(statement, ast.VarDecl):
                variables[statement.name] = statement
            elif isinstance(statement, ast.ResourceDecl):
                resources[statement.symbol] = statement
            elif isinstance(statement, ast.ModuleDecl):
                modules[statement.symbol] = statement
            elif isinstance(statement, ast.Output):
                outputs[statement.name] = statement
            elif isinstance(statement, ast.Using):
                using = statement
            elif isinstance(statement, ast.Func):
                functions[statement.name] = statement
            elif isinstance(statement, ast.Import):
                if statement.namespace is not None:
                    imports[statement.namespace] = (statement, None)
                for exported, local in statement.items:
                    imports[local] = (statement, exported)
            elif isinstance(statement, ast.Extends):
                extends = statement
            elif isinstance(statement, ast.Declared) and statement.kind not in ("metadata", "assert"):
                for name in statement.names:
                    other[name] = statement.kind
                if statement.nullable:
                    nullable_types.update(statement.names)
        return cls(path, text, program, LineIndex(text), params, variables, resources, modules, outputs, other, using,
                   functions, imports, extends, frozenset(nullable_types))

    def is_nullable(self, param: ast.Param) -> bool:
        """Whether the parameter admits null (``string?``, or a nullable type declared here)."""
        return param.nullable or (param.type_name is not None and param.type_name in self.nullable_types)


def read_template(path: str) -> Template | ParseError:
    """The parsed file, or the reason it cannot be read (file, line, column, what was expected)."""
    try:
        text = read_text(path)
    except UnreadableFile as exc:
        return exc.error
    try:
        program = parse(text)
    except BicepSyntaxError as exc:
        line, col = error_location(text, exc)
        return ParseError(f"invalid Bicep: {exc}", Location(path, line, col))
    except RecursionError:
        return ParseError("invalid Bicep: nested too deeply", Location(path, 1, 1))
    except Exception as exc:  # noqa: BLE001 - a parser bug is this file's error, not the run's
        return ParseError(f"bcdr-lint could not read this file (internal error {type(exc).__name__}: {exc}); "
                          "please report it", Location(path, 1, 1))
    return Template.of(path, text, program)


@dataclass
class Files:
    """The Bicep files of one run, each read once, by real path; errors kept once per file."""

    _cwd: str = field(default_factory=lambda: str(Path.cwd().resolve()))
    _read: dict[str, Template | ParseError] = field(default_factory=dict)

    def get(self, path: str) -> Template | ParseError:
        real = os.path.realpath(path)
        found = self._read.get(real)
        if found is None:
            found = read_template(self.show(path))
            self._read[real] = found
        return found

    def errors(self) -> list[ParseError]:
        return [found for found in self._read.values() if isinstance(found, ParseError)]

    def show(self, path: str) -> str:
        """A path as reports show it: relative below the current folder, else absolute (as
        discovery shows files), so a module reached by `../` is the same file as when found."""
        absolute = os.path.realpath(path)
        prefix = self._cwd.rstrip(os.sep) + os.sep
        if absolute.startswith(prefix):
            return Path(absolute[len(prefix):]).as_posix()
        return Path(absolute).as_posix()

    def beside(self, path: str, relative: str) -> str:
        """``relative`` (as written in ``path``: module, using) as a shown path."""
        return self.show(os.path.join(os.path.dirname(path), relative.replace("\\", "/")))
