"""Command line: ``bcdr-lint check``, ``topology``, ``rules``, ``rule ID``.

Heavy modules (parsers, rule set, reporters) are imported inside the commands that use them:
this runs in pre-commit hooks, where start-up time is felt on every commit.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator

import click

from bcdr_lint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_TOOL = 0, 1, 2


def _in_existing_folder(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A report or baseline whose folder is missing fails before the run, not after it."""
    if value is None:
        return value
    folder = os.path.dirname(value) or "."
    if not os.path.isdir(folder):
        raise click.BadParameter(f"the folder {folder!r} of {value!r} does not exist; create it first",
                                 ctx=ctx, param=param)
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="bcdr-lint", message="%(prog)s %(version)s")
def main() -> None:
    """Business-continuity and disaster-recovery linter for AKS infrastructure as code.

    Reads Kubernetes manifests, Terraform (azurerm, plans and states), ARM templates, Bicep,
    subscription exports and CI/CD pipelines into one resource model and checks multi-region
    practices across them. Start with `bcdr-lint check PATH`; `bcdr-lint rules` lists the rules.
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "markdown", "github"]), default="text",
              show_default=True,
              help="Report format: text, json, sarif (code scanning), markdown (pull-request comment or "
                   "$GITHUB_STEP_SUMMARY, with the topology), github (workflow annotations).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              callback=_in_existing_folder,
              help="Write the report to FILE instead of standard output (for formats other than text, a "
                   "one-line summary still goes to stderr).")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rules: ids, id prefixes (BCDR4) or names; repeatable or comma-separated.")
@click.option("--ignore", multiple=True, metavar="RULES",
              help="Skip these rules: ids, id prefixes or names; repeatable or comma-separated.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour text output (auto: on a terminal, unless NO_COLOR is set).")
@click.option("--verbose", "-v", is_flag=True,
              help="List on stderr every file read and what the model took from it.")
@click.option("--param-file", "param_files", multiple=True, metavar="TEMPLATE=PARAMS",
              help="Deploy TEMPLATE (ARM, Bicep, or a Terraform folder) with the parameter file PARAMS; "
                   "repeat for several deployments of one template.")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="A Terraform variable file applied to every root module, as `terraform plan -var-file`.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), default=None, metavar="FILE",
              help="Read options from FILE (pyproject.toml, .bcdr-lint.yaml) instead of the one found by walking up "
                   "from the first path.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "note", "never"]), default=None,
              help="Exit 1 when a finding of this level or above is reported (default: the configuration's "
                   "fail-on, else warning).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported (2 still means an error).")
@click.option("--show-suppressed", is_flag=True,
              help="Also list suppressed and baselined findings (text and JSON; SARIF always carries them).")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Report only findings not recorded in FILE (written by --write-baseline).")
@click.option("--write-baseline", type=click.Path(dir_okay=False, writable=True), default=None, metavar="FILE",
              callback=_in_existing_folder,
              help="Record today's findings in FILE; this run then reports against it. With --baseline "
                   "FILE too: drop the entries that no longer match, record nothing new.")
def check(paths: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], color: str, verbose: bool, param_files: tuple[str, ...],
          var_files: tuple[str, ...], config_file: str | None, fail_on: str | None, exit_zero: bool,
          show_suppressed: bool, baseline_file: str | None, write_baseline: str | None) -> None:
    """Check PATHS (files or folders; default: the current folder).

    Exit status: 0 no finding at or above --fail-on (default: warning; notes alone are fine),
    1 such findings, 2 usage or configuration error, or failure of the tool. Suppressed and
    baselined findings never count.
    """
    from bcdr_lint import engine
    from bcdr_lint.config import CommandLine, settings
    from bcdr_lint.reporters import Report, render

    with _reported_errors():
        chosen = settings(list(paths) or ["."], config_file, CommandLine(
            select=tuple(engine.split_selectors(select)),
            ignore=tuple(engine.split_selectors(ignore)),
            param_files=tuple(_pairs(param_files, list(paths) or ["."])),
            var_files=tuple(var_files),
            fail_on=fail_on,
        ))
        _echo_notes(chosen.notes)
        result = engine.check(list(paths) or ["."], options=chosen.options, show_progress=True)
        findings, baselined, baseline_status = _apply_baseline(result, list(paths) or ["."], baseline_file,
                                                               write_baseline)
    if verbose:
        _explain_files(result.model)
    if not result.model.files:
        # A mistyped or empty folder must not pass silently as "no findings".
        click.echo(f"bcdr-lint: warning: no file in a format bcdr-lint reads under {', '.join(paths) or '.'} "
                   "(Kubernetes/pipeline YAML, JSON, .tf/.tfvars, .bicep/.bicepparam; .gitignore'd files are skipped)",
                   err=True)
    report = Report(
        findings=findings,
        rules=sorted(result.rules, key=lambda r: r.id),
        files=result.model.files,
        resource_count=len(result.model),
        tool_version=__version__,
        topology=_topology(result) if fmt == "markdown" else None,
        suppressed=sorted((*result.suppressed, *baselined), key=lambda f: f.sort_key()),
        show_suppressed=show_suppressed,
        baseline=baseline_status,
    )
    use_color = _use_color(color, output)
    text = render(report, fmt, color=use_color)
    if output:
        _write(output, text)
        if fmt != "text":
            from bcdr_lint.reporters.text import summary

            click.echo(summary(report), err=True)
    else:
        click.echo(text, nl=False, color=use_color)  # click strips ANSI off a terminal unless told
    sys.exit(_exit_status(findings, chosen.fail_on, exit_zero))


@contextlib.contextmanager
def _reported_errors() -> Iterator[None]:
    """Configuration, baseline and usage mistakes and our own bugs end the run with exit 2 and
    a message, never a traceback (``BCDR_LINT_DEBUG=1`` shows one)."""
    from bcdr_lint import engine
    from bcdr_lint.baseline import BaselineError
    from bcdr_lint.config import ConfigError

    try:
        yield
    except (ConfigError, BaselineError) as exc:
        click.echo(f"bcdr-lint: {exc}", err=True)
        sys.exit(EXIT_TOOL)
    except engine.UsageError as exc:
        raise click.UsageError(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - a bug of ours is exit 2 with a message, not a traceback
        if os.environ.get("BCDR_LINT_DEBUG"):
            raise
        click.echo(f"bcdr-lint: internal error: {type(exc).__name__}: {exc} "
                   "(set BCDR_LINT_DEBUG=1 for a traceback, and please report it)", err=True)
        sys.exit(EXIT_TOOL)


def _write(output: str, text: str) -> None:
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        click.echo(f"bcdr-lint: cannot write {output}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_TOOL)


def _exit_status(findings, fail_on: str, exit_zero: bool) -> int:
    from bcdr_lint.findings import LEVEL_RANK

    if exit_zero or fail_on == "never":
        return EXIT_CLEAN
    failing = any(LEVEL_RANK[f.level] >= LEVEL_RANK[fail_on] for f in findings)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _apply_baseline(result, paths: list[str], baseline_file: str | None, write_baseline: str | None):
    """(active findings, baselined findings, BaselineStatus or None). ``--write-baseline`` alone
    records every finding not suppressed otherwise, and the run then reports against it; with
    ``--baseline`` too it refreshes: keeps the entries still matched (or out of this run's scope)
    and never records a new finding, which still counts."""
    from bcdr_lint import baseline

    findings = result.findings
    refresh = bool(write_baseline and baseline_file)
    if write_baseline and not refresh:
        baseline.write(write_baseline, findings, __version__)
        click.echo(f"bcdr-lint: recorded {len(findings)} finding{'s' if len(findings) != 1 else ''} "
                   f"in {write_baseline}", err=True)
        baseline_file = write_baseline
    if not baseline_file:
        return findings, [], None
    entries = baseline.read(baseline_file)
    scope = baseline.Scope(frozenset(r.id for r in result.rules), tuple(paths))
    applied = baseline.apply(findings, entries, baseline_file, scope)
    stale = len(applied.status.stale)
    if refresh:
        baseline.write_entries(write_baseline, applied.kept, __version__)
        new = len(applied.findings)
        click.echo(f"bcdr-lint: kept {len(applied.kept)} of {len(entries)} entr{'ies' if len(entries) != 1 else 'y'} "
                   f"in {write_baseline} ({stale} match{'es' if stale == 1 else ''} no finding any more); {new} new "
                   f"finding{'s are' if new != 1 else ' is'} not recorded (--write-baseline alone records every "
                   "finding)", err=True)
    elif stale:
        click.echo(f"bcdr-lint: {stale} baseline entr{'ies' if stale != 1 else 'y'} in {baseline_file} "
                   f"match{'es' if stale == 1 else ''} no finding any more (fixed, or changed); drop "
                   f"{'them' if stale != 1 else 'it'} with --baseline {baseline_file} --write-baseline "
                   f"{baseline_file}", err=True)
    return applied.findings, applied.baselined, applied.status


def _echo_notes(notes) -> None:
    for note in notes:
        click.echo(f"bcdr-lint: {note}", err=True)


def _topology(result):
    from bcdr_lint import topology

    return topology.build(result.model, result.findings)


def _pairs(values: tuple[str, ...], paths: list[str]) -> list[tuple[str, str]]:
    # engine.UsageError, not click's: raised inside the commands' guard, which turns only the
    # engine's usage errors into click's (anything else there is an internal error).
    from bcdr_lint.engine import UsageError

    pairs = []
    checked = [os.path.realpath(p) for p in paths]
    for value in values:
        template, sep, params = value.partition("=")
        if not sep or not template.strip() or not params.strip():
            raise UsageError(f"--param-file expects TEMPLATE=PARAMS, got {value!r}")
        for path in (template.strip(), params.strip()):
            if not os.path.exists(path):
                raise UsageError(f"--param-file: no such file or directory: {path}")
        real = os.path.realpath(template.strip())
        if not any(real == p or real.startswith(p.rstrip(os.sep) + os.sep) for p in checked):
            # Its deployments would be checked nowhere, and the run would pass in silence.
            raise UsageError(f"--param-file: {template.strip()} is not among the checked paths "
                             f"({', '.join(paths)}); add it, or its folder, to them")
        pairs.append((template.strip(), params.strip()))
    return pairs


def _explain_files(model) -> None:
    """What each file contributed: transparency for files that yield nothing."""
    from collections import Counter

    per_file = Counter(r.location.path for r in model.resources)
    broken = {e.location.path for e in model.parse_errors}
    for path in model.files:
        if path in broken:
            what = "not read: parse error (BCDR001)"
        elif per_file[path]:
            what = f"{per_file[path]} resource{'s' if per_file[path] != 1 else ''}"
        else:
            what = "nothing bcdr-lint models (no resource or pipeline of a kind it checks)"
        click.echo(f"{path}: {what}", err=True)


def _use_color(choice: str, output: str | None) -> bool:
    if choice != "auto":
        return choice == "always"
    if output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@main.command(name="topology", short_help="Print the regions, clusters, routers, registries and gaps found.")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "mermaid", "json"]), default="text", show_default=True,
              help="text for a terminal, mermaid for a diagram GitHub renders, json for tools.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              callback=_in_existing_folder, help="Write to FILE instead of standard output.")
@click.option("--param-file", "param_files", multiple=True, metavar="TEMPLATE=PARAMS",
              help="As for `check`: deploy TEMPLATE with the parameter file PARAMS (repeatable).")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="As for `check`: a Terraform variable file applied to every root module.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False), default=None, metavar="FILE",
              help="As for `check` (declared topology, exclusions, parameter files).")
def show_topology(paths: tuple[str, ...], fmt: str, output: str | None, param_files: tuple[str, ...],
                  var_files: tuple[str, ...], config_file: str | None) -> None:
    """Print what bcdr-lint understood of PATHS: regions with their clusters and pairs, traffic
    routers and their endpoints, registries and replicas, peerings, pipelines and their
    clusters, and the gaps the correlation rules found. Exit 0 unless the tool fails (2)."""
    from bcdr_lint import engine, topology
    from bcdr_lint.config import CommandLine, settings

    with _reported_errors():
        chosen = settings(list(paths) or ["."], config_file, CommandLine(
            param_files=tuple(_pairs(param_files, list(paths) or ["."])), var_files=tuple(var_files)))
        _echo_notes(chosen.notes)
        result = engine.check(list(paths) or ["."], options=chosen.options, show_progress=True)
    rendered = topology.render(topology.build(result.model, result.findings), fmt)
    if output:
        _write(output, rendered)
    else:
        click.echo(rendered, nl=False)


@main.command(name="rules")
def list_rules() -> None:
    """List every rule: id, name, default level and summary."""
    from bcdr_lint.engine import all_rules

    rules = sorted(all_rules(), key=lambda r: r.id)
    width = max(len(r.name) for r in rules)
    for r in rules:
        click.echo(f"{r.id}  {r.name.ljust(width)}  {r.level.ljust(7)}  {r.summary}")


@main.command(name="rule", short_help="Print a rule's documentation (id or name).")
@click.argument("rule_id")
def show_rule(rule_id: str) -> None:
    """Print the documentation of RULE_ID (an id such as BCDR402, or a rule name)."""
    from bcdr_lint.engine import find_rule
    from bcdr_lint.rules.docs import render_rule_doc

    found = find_rule(rule_id)
    if found is None:
        raise click.UsageError(f"unknown rule {rule_id!r} (see `bcdr-lint rules`)")
    click.echo(render_rule_doc(found), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
