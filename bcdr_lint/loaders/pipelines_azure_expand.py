"""Azure Pipelines compile time: template expressions, ``${{ each }}``/``${{ if }}`` directives,
``${{ insert }}``, and templates with their parameters.

Azure DevOps expands a pipeline before it runs: ``${{ }}`` expressions are replaced by values
(an object where the expression is the whole value), directives repeat or drop parts of the
tree, and ``- template: x.yml`` items are replaced by the template's content, expanded with the
parameters the include passes over the template's defaults. This module does the same on the
positioned tree, so every value keeps the file and line it came from. A condition that cannot be
evaluated keeps its branch (a step that may run may deploy); a loop over an unknown collection
is walked once with its variable unresolved. Unknown pieces left in text are marks that keep
their reason (see ``Placeholders``).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bcdr_lint.loaders.pipelines_expr import Contexts, evaluate, to_text, truthy
from bcdr_lint.loaders.pipelines_text import Placeholders
from bcdr_lint.loaders.pipelines_yaml import YamlFiles, YList, YMap, YStr
from bcdr_lint.model import ParseError, Unresolved

MAX_DEPTH = 20  # Azure Pipelines nests templates at most 20 levels deep
_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
_EACH = re.compile(r"^\s*each\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\s+(.+?)\s*$", re.S)
_DIRECTIVE = re.compile(r"^\s*\$\{\{\s*(.*?)\s*\}\}\s*$", re.S)

_REASONS = {
    "parameters": "not a parameter of this template",
    "variables": "not defined in the pipeline's YAML (set in its settings, a variable group or at queue time)",
    "pipeline": "a property of the run, known only when it runs",
    "resources": "a property of the pipeline's resources, known only when it runs",
}


def _missing(path: str) -> str | None:
    return _REASONS.get(path.split(".", 1)[0].split("[", 1)[0].lower())


@dataclass
class Expander:
    """Expands the files of one pipeline; ``errors`` collects templates that cannot be read."""

    files: YamlFiles
    root: str  # where template paths starting with `/` start
    placeholders: Placeholders = field(default_factory=Placeholders)
    errors: list[ParseError] = field(default_factory=list)

    def document(self, doc: YMap, passed: YMap | None) -> tuple[YMap, dict]:
        """A pipeline or template file expanded with its parameters: ``(tree, parameters)``."""
        parameters = self.parameters(doc.get("parameters"), passed, doc.loc.path)
        context = {"parameters": parameters, "variables": {}}
        body = YMap(doc.loc, {k: v for k, v in doc.items() if k != "parameters"}, doc.key_locs)
        return self.expand(body, context), parameters

    def parameters(self, declared: Any, passed: YMap | None, path: str) -> dict:
        values: dict[str, Any] = {}
        if isinstance(declared, YList):  # - name: x / type / default
            for spec in declared:
                if not isinstance(spec, YMap) or not isinstance(spec.get("name"), str):
                    continue
                name = str(spec["name"])
                if "default" in spec:
                    values[name] = spec["default"]
                else:
                    values[name] = Unresolved(f"parameters.{name}",
                                              "a parameter without a default, given when the pipeline runs")
        elif isinstance(declared, YMap):  # the older form: name: default
            values.update({str(k): v for k, v in declared.items()})
        for name, value in (passed or {}).items():
            values[str(name)] = value
        return values

    def include(self, item: YMap, chain: tuple[str, ...]) -> tuple[YMap | None, tuple[str, ...]]:
        """The expanded content of a ``template:`` item, or None (reported) when it cannot be read."""
        written = item.get("template")
        where = item.at("template")
        if not isinstance(written, str) or "\x01" in written:
            self.errors.append(ParseError(f"template path `{self.placeholders.restore(str(written))}` cannot be "
                                          "resolved statically", where))
            return None, chain
        if "@" in written:
            return None, chain  # another repository's template: reported by the walker
        base = self.root if written.startswith("/") else posixpath.dirname(item.loc.path)
        path = posixpath.normpath(posixpath.join(base, written.lstrip("/")))
        if path in chain or len(chain) >= MAX_DEPTH:
            self.errors.append(ParseError(f"template {written} includes itself, or templates nest more than "
                                          f"{MAX_DEPTH} levels deep", where))
            return None, chain
        if not Path(path).is_file():
            self.errors.append(ParseError(f"template {written} not found (looked for {path})", where))
            return None, chain
        doc, error = self.files.read(path)
        if error is not None:
            self.errors.append(ParseError(f"template {written} cannot be read: {error.message} "
                                          f"(at {error.location.path}:{error.location.start_line})", where))
            return None, chain
        if not isinstance(doc, YMap):
            self.errors.append(ParseError(f"template {written} is not a mapping", where))
            return None, chain
        passed = item.get("parameters")
        expanded, _ = self.document(doc, passed if isinstance(passed, YMap) else None)
        return expanded, (*chain, path)

    # -- expansion -------------------------------------------------------------------------

    def expand(self, value: Any, context: dict) -> Any:
        if isinstance(value, YStr):
            return self.text(value, context)
        if isinstance(value, YList):
            return self._list(value, context)
        if isinstance(value, YMap):
            return self._map(value, context)
        return value

    def evaluate(self, expression: str, context: dict) -> Any:
        return evaluate(expression, Contexts(context, _missing))

    def text(self, value: YStr, context: dict) -> Any:
        """A string with its expressions filled in; an object where the expression is the whole value."""
        if "${{" not in value:
            return value
        whole = _DIRECTIVE.match(value)
        if whole is not None and "${{" not in whole.group(1):
            result = self.evaluate(whole.group(1), context)
            if isinstance(result, Unresolved):
                return YStr(self.placeholders.mark(_written(result, value)), value.loc)
            if isinstance(result, (dict, list)):
                return result
            return YStr(str(to_text(result)), value.loc)

        def fill(match: re.Match) -> str:
            result = self.evaluate(match.group(1), context)
            as_text = to_text(result)
            if isinstance(as_text, Unresolved):
                return self.placeholders.mark(_written(as_text, match.group(0)))
            return as_text

        return YStr(_EXPR.sub(fill, value), value.loc)

    def _list(self, items: YList, context: dict) -> YList:
        out = YList(items.loc)
        chain: str | None = None  # "taken", "open" or "unknown": the state of an if/elseif/else chain
        for item in items:
            directive = _directive_of(item)
            if directive is None:
                chain = None
                if isinstance(item, YStr) and "${{" in item:
                    value = self.text(item, context)
                    if isinstance(value, list):
                        out.extend(value)  # `- ${{ parameters.steps }}`: a list spliced in
                        continue
                    out.append(value)
                    continue
                out.append(self.expand(item, context))
                continue
            text, body = directive
            for scope in self._bodies(text, body, context, chain):
                expanded = self.expand(body, scope)
                if isinstance(expanded, list):
                    out.extend(expanded)
                elif expanded is not None:
                    out.append(expanded)
            chain = self._chain(text, context, chain)
        return out

    def _map(self, mapping: YMap, context: dict) -> YMap:
        out = YMap(mapping.loc)
        if "variables" in mapping:
            # `${{ variables.x }}` below a stage or job sees that stage's or job's variables.
            found = self.expand(mapping["variables"], context)
            context = {**context, "variables": {**context.get("variables", {}), **compile_time_variables(found)}}
        chain: str | None = None
        for key, value in mapping.items():
            if isinstance(key, str) and key.lstrip().startswith("${{"):
                text = _DIRECTIVE.match(key)
                if text is None:
                    continue
                inner = text.group(1)
                if inner.strip().lower() == "insert":
                    inserted = self.expand(value, context)
                    if isinstance(inserted, dict):
                        out.update(inserted)
                    continue
                if _is_conditional(inner) or _EACH.match(inner):
                    for scope in self._bodies(inner, value, context, chain):
                        expanded = self.expand(value, scope)
                        if isinstance(expanded, dict):
                            out.update(expanded)
                            out.key_locs.update(getattr(expanded, "key_locs", {}))
                    chain = self._chain(inner, context, chain)
                    continue
                new_key: Any = self.text(YStr(key, mapping.at(key)), context)
                key = str(new_key) if not isinstance(new_key, (dict, list)) else key
            else:
                chain = None
            out[key] = self.expand(value, context)
            out.key_locs[key] = mapping.key_locs.get(key) or mapping.loc
        return out

    def _bodies(self, directive: str, body: Any, context: dict, chain: str | None) -> list[dict]:
        """The contexts in which a directive's body is kept: none, once, or once per loop item."""
        each = _EACH.match(directive)
        if each is not None:
            name, source = each.group(1), each.group(2)
            collection = self.evaluate(source, context)
            if isinstance(collection, Unresolved):
                unknown = Unresolved(name, f"an item of `{source.strip()}`, which is unknown: {collection.reason}")
                return [{**context, name: unknown}]
            if isinstance(collection, dict):
                return [{**context, name: {"key": k, "value": v}} for k, v in collection.items()]
            if isinstance(collection, list):
                return [{**context, name: element} for element in collection]
            return []
        keyword, condition = _split_directive(directive)
        if keyword not in ("if", "elseif", "else") or (keyword != "if" and chain == "taken"):
            return []
        if keyword == "else":
            return [context]
        result = self.evaluate(condition, context)
        return [context] if isinstance(result, Unresolved) or truthy(result) else []

    def _chain(self, directive: str, context: dict, previous: str | None) -> str | None:
        """The state of an if/elseif/else chain after ``directive``: "taken" (a branch certainly
        ran), "open" (none ran), "unknown" (one may have run), None (no chain)."""
        keyword, condition = _split_directive(directive)
        if keyword not in ("if", "elseif"):
            return None
        if keyword == "elseif" and previous == "taken":
            return "taken"
        result = self.evaluate(condition, context)
        if isinstance(result, Unresolved):
            return "unknown"
        if truthy(result):
            return "taken"
        return previous if keyword == "elseif" and previous == "unknown" else "open"


def _split_directive(directive: str) -> tuple[str, str]:
    keyword, _, condition = directive.strip().partition(" ")
    return keyword.lower(), condition


def compile_time_variables(variables: Any) -> dict:
    """Variables written directly in a ``variables`` block (map or list form), by name."""
    if isinstance(variables, dict):
        return {str(k): v for k, v in variables.items() if not isinstance(v, (dict, list))}
    found: dict = {}
    for item in variables if isinstance(variables, list) else ():
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            found[str(item["name"])] = item.get("value")
    return found


def _written(value: Unresolved, text: str) -> Unresolved:
    return Unresolved(text, value.reason if value.expression in text else f"{value.expression}: {value.reason}")


def _directive_of(item: Any) -> tuple[str, Any] | None:
    if isinstance(item, YMap) and len(item) == 1:
        (key, body), = item.items()
        if isinstance(key, str):
            match = _DIRECTIVE.match(key)
            if match is not None:
                return match.group(1), body
    return None


def _is_conditional(inner: str) -> bool:
    return inner.strip().split(" ", 1)[0].lower() in ("if", "elseif", "else")
