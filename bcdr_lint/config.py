"""The configuration file: ``[tool.bcdr-lint]`` in ``pyproject.toml`` or ``.bcdr-lint.yaml``.

Found by walking up from the first checked path to the repository root (a folder holding
``.git``) or the filesystem root; in one folder ``.bcdr-lint.yaml`` comes before ``.yml``, then
``pyproject.toml`` (the others found there are named, as not read), and a ``pyproject.toml``
without the table is passed over. ``--config FILE`` names one instead. The options are validated
against ``config_schema.json`` (published with the package) and merged with the command line
into ``RunOptions``. Paths and globs in the file are relative to its folder.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Sequence

from bcdr_lint.config_positions import Positions, ScalarText, toml_positions, yaml_positions, yaml_scalar_text
from bcdr_lint.config_topology import DeclaredCluster, declared_clusters
from bcdr_lint.options import RunOptions

__all__ = ["CommandLine", "Config", "ConfigError", "DeclaredCluster", "Settings", "load", "settings"]

YAML_NAMES = (".bcdr-lint.yaml", ".bcdr-lint.yml")
PYPROJECT = "pyproject.toml"
TABLE = ("tool", "bcdr-lint")
FAIL_ON_LEVELS = ("error", "warning", "note", "never")
DEFAULT_FAIL_ON = "warning"


class ConfigError(Exception):
    """A configuration file that cannot be used: the message names the file, line and key."""


@dataclass(frozen=True)
class Config:
    path: Path  # absolute
    shown: str  # as reports show paths: relative to the current folder when below it
    values: Mapping[str, Any]
    position: Positions
    text: str
    # YAML only: the source text of a scalar value (``no`` for what YAML reads as false).
    scalar_text: ScalarText = field(default=lambda keys: None)

    @property
    def root(self) -> Path:
        return self.path.parent

    def where(self, keys: tuple = ()) -> str:
        found = self.position(keys)
        return f"{self.shown}:{found[0]}" if found else self.shown


@dataclass(frozen=True)
class CommandLine:
    """What the command line gave; empty means "not given" (the configuration's value applies)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    param_files: tuple[tuple[str, str], ...] = ()
    var_files: tuple[str, ...] = ()
    fail_on: str | None = None


@dataclass(frozen=True)
class Settings:
    options: RunOptions
    fail_on: str
    config: Config | None
    # For stderr: configuration files found beside the one used, and not read.
    notes: tuple[str, ...] = ()


def schema() -> dict:
    return json.loads(resources.files("bcdr_lint").joinpath("config_schema.json").read_text(encoding="utf-8"))


def shown_path(path: Path) -> str:
    """A path as reports show it (as discovery does): relative below the current folder, else absolute."""
    absolute = path.resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return absolute.as_posix()


def find_with_others(start: str) -> tuple[Path, tuple[Path, ...]] | None:
    """The configuration file for a run over ``start``, and the other configuration files in its
    folder, which are not read (a user who edits one of those must learn that it has no effect)."""
    folder = Path(start).resolve()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if folder.is_file():
        folder = folder.parent
    for current in (folder, *folder.parents):
        candidates = [current / name for name in YAML_NAMES if (current / name).is_file()]
        pyproject = current / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            candidates.append(pyproject)
        if candidates:
            return candidates[0], tuple(candidates[1:])
        if (current / ".git").exists():
            return None
    return None


def _has_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "bcdr-lint" not in text:  # most projects: no TOML parsing at all
        return False
    data = _parse_toml(pyproject, text)
    return isinstance(data.get("tool"), dict) and "bcdr-lint" in data["tool"]


def _parse_toml(path: Path, text: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts the position at the end of its message; ours go first, as `file:line:`.
        message = str(exc)
        at = re.search(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$", message)
        line = (int(at.group(1)) if at.group(1) else text.count("\n") + 1) if at else None
        message = message[:at.start()] if at else message
        where = f"{shown_path(path)}:{line}" if line else shown_path(path)
        raise ConfigError(f"{where}: invalid TOML: {message}") from exc


def load(path: Path) -> Config:
    """Read and validate one configuration file (``ConfigError`` when it cannot be used)."""
    path = path.resolve()
    shown = shown_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read the configuration file: {getattr(exc, 'strerror', None) or exc}") from exc
    scalar_text: ScalarText = lambda keys: None
    if path.suffix.lower() in (".yaml", ".yml"):
        values, position, scalar_text = _read_yaml(shown, text)
    else:
        values, position = _read_toml(path, shown, text)
    config = Config(path=path, shown=shown, values=values, position=position, text=text, scalar_text=scalar_text)
    _validate(config)
    return config


def _read_yaml(shown: str, text: str) -> tuple[dict, Positions, ScalarText]:
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        values = yaml.safe_load(text) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark is not None else shown
        raise ConfigError(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from exc
    if values is None:
        return {}, yaml_positions(node), yaml_scalar_text(node)
    if not isinstance(values, dict):
        raise ConfigError(f"{shown}:1: the configuration must be a mapping of options (see docs/configuration.md)")
    _no_repeated_keys(shown, node)
    return values, yaml_positions(node), yaml_scalar_text(node)


def _no_repeated_keys(shown: str, root) -> None:
    """YAML parsers keep the last of two equal keys without a word; a configuration whose
    ``select`` is written twice must not silently lose the first. Keys must be text."""
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    pending: list[tuple[object, tuple]] = [(root, ())]
    seen: set[int] = set()  # an alias may point back at its own anchor
    while pending:
        node, keys = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            pending.extend((item, (*keys, index)) for index, item in enumerate(node.value))
        if not isinstance(node, MappingNode):
            continue
        first_line: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                continue
            line = key.start_mark.line + 1
            if key.tag == "tag:yaml.org,2002:merge":  # `<<: *defaults` merges a mapping in
                pending.append((value, keys))
                continue
            if key.tag != "tag:yaml.org,2002:str":  # 123, null, true: not a glob, rule or option
                raise ConfigError(f"{shown}:{line}: {_shown_keys((*keys, key.value))}: a key must be text: quote it")
            if key.value in first_line:
                raise ConfigError(f"{shown}:{line}: {_shown_keys((*keys, key.value))} is given twice "
                                  f"(first on line {first_line[key.value]})")
            first_line[key.value] = line
            pending.append((value, (*keys, key.value)))


def _read_toml(path: Path, shown: str, text: str) -> tuple[dict, Positions]:
    data = _parse_toml(path, text)
    tool = data.get("tool")
    if isinstance(tool, dict) and "bcdr-lint" in tool:
        values = tool["bcdr-lint"]
        if not isinstance(values, dict):
            raise ConfigError(f"{shown}: [tool.bcdr-lint] must be a table of options")
        return values, toml_positions(text, TABLE)
    if path.name == PYPROJECT:
        raise ConfigError(f"{shown}: no [tool.bcdr-lint] table")
    return data, toml_positions(text, ())  # a bcdr-lint.toml of its own: options at the top level


def _validate(config: Config) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    problems = []
    for error in sorted(validator.iter_errors(dict(config.values)), key=lambda e: [str(p) for p in e.absolute_path]):
        keys = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = sorted(error.schema.get("properties", {}))
            for extra in sorted(k for k in error.instance if k not in known):
                close = difflib.get_close_matches(str(extra), known, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(known)})"
                problems.append(f"{config.where((*keys, extra))}: unknown key {_shown_keys((*keys, extra))}{hint}")
        else:
            problems.append(f"{config.where(keys)}: {_shown_keys(keys) or 'the configuration'}: {error.message}"
                            f"{_boolean_hint(config, keys, error.instance)}")
    if problems:
        raise ConfigError("\n".join(problems))


def _boolean_hint(config: Config, keys: tuple, instance: Any) -> str:
    """YAML 1.1 reads unquoted yes/no/on/off as booleans: ``fail-on: no`` is not "never"."""
    written = config.scalar_text(keys) if isinstance(instance, bool) else None
    if written is None or written.lower() in ("true", "false"):
        return ""
    advice = "write 'never', or quote the value" if keys == ("fail-on",) and instance is False else "quote the value"
    return f" (YAML reads an unquoted {written} as {str(instance).lower()}: {advice})"


def _shown_keys(keys: Sequence) -> str:
    out = ""
    for key in keys:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return f"'{out}'" if out else ""


# --- merging with the command line ----------------------------------------------------------------


def settings(paths: Sequence[str], config_file: str | None, cli: CommandLine) -> Settings:
    """Options for a run: the configuration file's (found from the first path, or ``config_file``),
    overridden by the command line. ``--select`` replaces ``select``; ``--ignore`` adds to
    ``ignore``; ``--param-file`` and ``--var-file`` replace their tables; ``--fail-on`` wins."""
    notes: tuple[str, ...] = ()
    if config_file:
        path: Path | None = Path(config_file)
    else:
        found = find_with_others(paths[0] if paths else ".")
        path = found[0] if found else None
        if found and found[1]:
            others = ", ".join(p.name + (" ([tool.bcdr-lint])" if p.name == PYPROJECT else "") for p in found[1])
            notes = (f"using {shown_path(found[0])}; also found, and not read: {others}",)
    config = load(path) if path is not None else None
    values = config.values if config else {}
    rules = _RuleCheck(config)
    select = cli.select or rules.selectors(values.get("select", ()), ("select",))
    ignore = tuple(dict.fromkeys((*rules.selectors(values.get("ignore", ()), ("ignore",)), *cli.ignore)))
    options = RunOptions(
        select=tuple(select),
        ignore=ignore,
        param_files=cli.param_files or _parameter_files(config),
        var_files=cli.var_files or (tuple(_config_path(config, p, ("var-files",)) for p in values.get("var-files", ()))
                                    if config else ()),
        extra_database_images=tuple(values.get("database-images", ())),
        replicated_storage_classes=tuple(values.get("replicated-storage-classes", ())),
        config_file=config.shown if config else None,
        config_root=str(config.root) if config else None,
        exclude=tuple(_anchored(glob) for glob in values.get("exclude", ())),
        per_file_ignores=tuple(
            (_anchored(glob), rules.ids(selectors, ("per-file-ignores", glob)))
            for glob, selectors in values.get("per-file-ignores", {}).items()
        ),
        severity=_severity(config, rules),
        topology=declared_clusters(config) if config else (),
    )
    fail_on = cli.fail_on or values.get("fail-on") or DEFAULT_FAIL_ON
    return Settings(options=options, fail_on=fail_on, config=config, notes=notes)


def _anchored(glob: str) -> str:
    """``./sandbox/**`` as gitignore syntax spells "beside the configuration file": ``/sandbox/**``
    (gitignore has no ``./``, so the pattern would match nothing, silently)."""
    negated = glob.startswith("!")
    body = glob[1:] if negated else glob
    if body.startswith("./"):
        body = "/" + body[2:].lstrip("/")
    return ("!" if negated else "") + body


def _severity(config: Config | None, rules: "_RuleCheck") -> tuple[tuple[str, str], ...]:
    """(rule id, level) pairs; one rule given a level twice (by id and by name) is a mistake:
    which one was meant cannot be told."""
    given: dict[str, str] = {}
    levels = []
    for name, level in (config.values.get("severity", {}) if config else {}).items():
        keys = ("severity", name)
        rule_id = rules.one(name, keys)
        if rule_id in given:
            raise ConfigError(f"{config.where(keys)}: {_shown_keys(keys)}: {rule_id} is already given a level as "
                              f"'{given[rule_id]}'")
        given[rule_id] = name
        levels.append((rule_id, level))
    return tuple(levels)


class _RuleCheck:
    """Rule ids, prefixes and names in the configuration must name rules: a typo is an error
    that names the key, not a rule silently left on."""

    def __init__(self, config: Config | None) -> None:
        from bcdr_lint.engine import all_rules

        self._config = config
        self._rules = all_rules()

    def _matching(self, selector: str) -> list[str]:
        wanted = selector.strip()
        return [r.id for r in self._rules if r.id.upper().startswith(wanted.upper()) or r.name == wanted.lower()]

    def _fail(self, selector: str, keys: tuple) -> None:
        where = self._config.where(keys) if self._config else "configuration"
        raise ConfigError(f"{where}: {_shown_keys(keys)}: unknown rule id, prefix or name {selector!r} "
                          "(see `bcdr-lint rules`)")

    def selectors(self, values: Sequence[str], keys: tuple) -> tuple[str, ...]:
        for selector in values:
            if not selector.strip() or not self._matching(selector):
                self._fail(selector, keys)
        return tuple(s.strip() for s in values)

    def ids(self, values: Sequence[str], keys: tuple) -> tuple[str, ...]:
        self.selectors(values, keys)
        return tuple(dict.fromkeys(rule_id for s in values for rule_id in self._matching(s)))

    def one(self, name: str, keys: tuple) -> str:
        exact = [r.id for r in self._rules if r.id.lower() == name.strip().lower() or r.name == name.strip().lower()]
        if not exact:
            where = self._config.where(keys) if self._config else "configuration"
            raise ConfigError(f"{where}: {_shown_keys(keys)}: unknown rule {name!r}: severity takes a rule id or name")
        return exact[0]


def _config_path(config: Config, value: str, keys: tuple) -> str:
    """A path of the configuration (relative to its folder) as the run uses paths: from here."""
    target = config.root / value
    if not target.exists():
        raise ConfigError(f"{config.where(keys)}: {_shown_keys(keys)}: no such file or directory: {value} "
                          f"(paths are relative to {config.shown}'s folder)")
    return shown_path(target)


def _parameter_files(config: Config | None) -> tuple[tuple[str, str], ...]:
    if config is None:
        return ()
    pairs = []
    for template, params in config.values.get("parameter-files", {}).items():
        keys = ("parameter-files", template)
        pairs.extend((_config_path(config, template, keys), _config_path(config, p, keys)) for p in params)
    return tuple(pairs)
