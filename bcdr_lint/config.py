"""The configuration file: ``[tool.bcdr-lint]`` in ``pyproject.toml`` or ``.bcdr-lint.yaml``.

Found by walking up from the first checked path to the repository root (a folder holding
``.git``) or the filesystem root; in one folder ``.bcdr-lint.yaml`` (or ``.yml``) comes before
``pyproject.toml``, and a ``pyproject.toml`` without the table is passed over. ``--config FILE``
names one instead. The options are validated against ``config_schema.json`` (published with the
package) and merged with the command line into ``RunOptions``. Paths and globs in the file are
relative to its folder.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Mapping, Sequence

from bcdr_lint.config_positions import Positions, toml_positions, yaml_positions
from bcdr_lint.model import Location
from bcdr_lint.options import RunOptions

YAML_NAMES = (".bcdr-lint.yaml", ".bcdr-lint.yml")
PYPROJECT = "pyproject.toml"
TABLE = ("tool", "bcdr-lint")
FAIL_ON_LEVELS = ("error", "warning", "note", "never")
DEFAULT_FAIL_ON = "warning"


class ConfigError(Exception):
    """A configuration file that cannot be used: the message names the file, line and key."""


@dataclass(frozen=True)
class DeclaredCluster:
    """An AKS cluster of the configuration's ``topology``, located at its entry."""

    name: str
    region: str
    resource_group: str | None
    location: Location
    region_location: Location


@dataclass(frozen=True)
class Config:
    path: Path  # absolute
    shown: str  # as reports show paths: relative to the current folder when below it
    values: Mapping[str, Any]
    position: Positions
    text: str

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


def schema() -> dict:
    return json.loads(resources.files("bcdr_lint").joinpath("config_schema.json").read_text(encoding="utf-8"))


def shown_path(path: Path) -> str:
    """A path as reports show it (as discovery does): relative below the current folder, else absolute."""
    absolute = path.resolve()
    try:
        return absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return absolute.as_posix()


def find(start: str) -> Path | None:
    """The configuration file for a run over ``start`` (the first checked path), if any."""
    folder = Path(start).resolve()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if folder.is_file():
        folder = folder.parent
    for current in (folder, *folder.parents):
        for name in YAML_NAMES:
            if (current / name).is_file():
                return current / name
        pyproject = current / PYPROJECT
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject
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
        raise ConfigError(f"{shown_path(path)}: invalid TOML: {exc}") from exc


def load(path: Path) -> Config:
    """Read and validate one configuration file (``ConfigError`` when it cannot be used)."""
    path = path.resolve()
    shown = shown_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read the configuration file: {getattr(exc, 'strerror', None) or exc}") from exc
    if path.suffix.lower() in (".yaml", ".yml"):
        values, position = _read_yaml(shown, text)
    else:
        values, position = _read_toml(path, shown, text)
    config = Config(path=path, shown=shown, values=values, position=position, text=text)
    _validate(config)
    return config


def _read_yaml(shown: str, text: str) -> tuple[dict, Positions]:
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        values = yaml.safe_load(text) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark is not None else shown
        raise ConfigError(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from exc
    if values is None:
        return {}, yaml_positions(node)
    if not isinstance(values, dict):
        raise ConfigError(f"{shown}:1: the configuration must be a mapping of options (see docs/configuration.md)")
    return values, yaml_positions(node)


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
            problems.append(f"{config.where(keys)}: {_shown_keys(keys) or 'the configuration'}: {error.message}")
    if problems:
        raise ConfigError("\n".join(problems))


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
    path = Path(config_file) if config_file else find(paths[0] if paths else ".")
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
        exclude=tuple(values.get("exclude", ())),
        per_file_ignores=tuple(
            (glob, rules.ids(selectors, ("per-file-ignores", glob)))
            for glob, selectors in values.get("per-file-ignores", {}).items()
        ),
        severity=tuple((rules.one(name, ("severity", name)), level) for name, level in values.get("severity", {}).items()),
        topology=_topology(config) if config else (),
    )
    fail_on = cli.fail_on or values.get("fail-on") or DEFAULT_FAIL_ON
    return Settings(options=options, fail_on=fail_on, config=config)


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


def _topology(config: Config) -> tuple[DeclaredCluster, ...]:
    clusters = []
    for index, entry in enumerate(config.values.get("topology", ())):
        line, col = _entry_position(config, index, entry["name"])
        region_line = _region_position(config, index, line) or (line, col)
        clusters.append(DeclaredCluster(
            name=entry["name"],
            region=entry["region"],
            resource_group=entry.get("resource-group"),
            location=Location(config.shown, line, col),
            region_location=Location(config.shown, region_line[0], region_line[1]),
        ))
    return tuple(clusters)


def _entry_position(config: Config, index: int, name: str) -> tuple[int, int]:
    """The line of a topology entry; in TOML, the line naming it (inline arrays of tables keep
    several entries under one key)."""
    found = config.position(("topology", index)) or (1, 1)
    if config.path.suffix.lower() in (".yaml", ".yml"):
        return found
    lines = config.text.splitlines()
    for number in range(found[0] - 1, len(lines)):
        if f'"{name}"' in lines[number] or f"'{name}'" in lines[number]:
            return number + 1, 1
    return found


def _region_position(config: Config, index: int, entry_line: int) -> tuple[int, int] | None:
    if config.path.suffix.lower() in (".yaml", ".yml"):
        return config.position(("topology", index, "region"))
    pattern = re.compile(r"(?:^|[{,\s])(?:region|\"region\"|'region')[ \t]*=")
    lines = config.text.splitlines()
    return next(((n + 1, 1) for n in range(entry_line - 1, len(lines)) if pattern.search(lines[n])), None)
