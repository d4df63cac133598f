"""One run: discover -> load -> model -> rules -> findings."""

from __future__ import annotations

import dataclasses
import gc
import sys
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from bcdr_lint.findings import Finding, Related
from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.loaders.discover import Discovered, discover
from bcdr_lint.options import RunOptions
from bcdr_lint.progress import NoProgress, Progress
from bcdr_lint.model import Location, Model, ParseError, Resource
from bcdr_lint.rules.base import UNRESOLVED_ID, Rule

PARSE_ERROR_ID = "BCDR001"
# BCDR003/BCDR004 (suppressions) are reported by the suppression step, like BCDR002 by the rules.
META_RULES = frozenset({PARSE_ERROR_ID, UNRESOLVED_ID, "BCDR003", "BCDR004"})


class UsageError(Exception):
    """A mistake in how the tool was called (exit code 2)."""


@dataclass(frozen=True)
class RunResult:
    model: Model
    findings: list[Finding]  # active: they count for the exit status
    rules: list[Rule]
    discovered: Discovered
    # Covered by a suppression in the source or by per-file-ignores (each has ``suppression`` set).
    suppressed: list[Finding] = dataclasses.field(default_factory=list)


def all_rules() -> list[Rule]:
    from bcdr_lint.rules import RULES

    return list(RULES)


def find_rule(rule_id_or_name: str) -> Rule | None:
    wanted = rule_id_or_name.strip()
    for candidate in all_rules():
        if candidate.id.lower() == wanted.lower() or candidate.name == wanted.lower():
            return candidate
    return None


def split_selectors(values: Iterable[str]) -> list[str]:
    """``--select A,B --select C`` -> ``["A", "B", "C"]``."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _matches(rule: Rule, selectors: Sequence[str]) -> bool:
    return any(rule.id.upper().startswith(s.upper()) or rule.name == s.lower() for s in selectors)


def choose_rules(rules: list[Rule], select: Sequence[str], ignore: Sequence[str]) -> list[Rule]:
    """The rules a run uses. A file that does not parse was not checked at all, so BCDR001 stays
    on whatever is selected, unless it is ignored by name."""
    for selector in (*select, *ignore):
        if not any(_matches(r, [selector]) for r in rules):
            raise UsageError(f"unknown rule id, prefix or name: {selector!r} (see `bcdr-lint rules`)")
    return [
        r for r in rules
        if (not select or _matches(r, select) or r.id == PARSE_ERROR_ID) and not _matches(r, ignore)
    ]


def load(discovered: Discovered, options: RunOptions | None = None, progress=None) -> Model:
    options = options or RunOptions()
    progress = progress or NoProgress()
    result = LoadResult()
    if discovered.yaml:
        from bcdr_lint.loaders import kubernetes

        for path in discovered.yaml:
            result.extend(_guarded(path, kubernetes.load_file, path))
            progress.advance(1, path)
    params = [p for p in discovered.bicep if p.lower().endswith(".bicepparam")]
    if discovered.json or params:
        from bcdr_lint.loaders.pairing import find_links

        # A parameter file may deploy a template in another folder, or one outside the checked
        # paths: its template's loader must know before any template is loaded.
        options = dataclasses.replace(options, parameter_links=find_links([*discovered.json, *params], options))
    if discovered.json:
        from bcdr_lint.loaders import arm

        for path in discovered.json:
            result.extend(_guarded(path, arm.load_file, path, options))
            progress.advance(1, path)
    if discovered.terraform:
        from bcdr_lint.loaders import terraform

        # One call: a folder's variables depend on the module calls of the others.
        first_file = min(files[0] for files in discovered.terraform.values())
        result.extend(_guarded(first_file, terraform.load_modules, discovered.terraform, options))
        progress.advance(sum(len(files) for files in discovered.terraform.values()))
    if discovered.bicep:
        from bcdr_lint.loaders import bicep

        # One call: modules and .bicepparam files refer to other files.
        result.extend(_guarded(discovered.bicep[0], bicep.load_files, discovered.bicep, options))
        progress.advance(len(discovered.bicep))
    if discovered.pipelines:
        from bcdr_lint.loaders import pipelines

        for path in discovered.pipelines:
            result.extend(_guarded(path, pipelines.load_file, path, options))
            progress.advance(1, path)
    if discovered.json and discovered.terraform:
        # `terraform show -json` output beside its .tf sources: one resource each, the plan's
        # values at the source lines.
        from bcdr_lint.loaders.terraform_plan_reconcile import reconcile

        result.resources[:] = reconcile(result.resources)
    if options.topology:
        from bcdr_lint.config_apply import topology_resources

        result.resources.extend(topology_resources(options.topology))
    # A parameter file that does not parse is reported by its own load and by each template it deploys: once.
    return Model(_unique_keys(result.resources), list(dict.fromkeys(result.errors)), discovered.all_files(),
                 options=options)


def _guarded(path: str, loader: Callable[..., LoadResult], *args) -> LoadResult:
    """A loader bug must not stop the other files: it becomes BCDR001 at that file."""
    try:
        return loader(*args)
    except Exception as exc:  # noqa: BLE001 - reported, never a traceback
        message = f"bcdr-lint could not read this file (internal error {type(exc).__name__}: {exc}); please report it"
        return LoadResult(errors=[ParseError(message, Location(path, 1, 1))])


def _unique_keys(resources: list[Resource]) -> list[Resource]:
    seen: dict[str, int] = {}
    unique = []
    for resource in resources:
        count = seen.get(resource.key, 0)
        seen[resource.key] = count + 1
        unique.append(resource if count == 0 else dataclasses.replace(resource, key=f"{resource.key}#{count + 1}"))
    return unique


def run_rules(model: Model, rules: list[Rule]) -> list[Finding]:
    enabled_ids = {r.id for r in rules}
    to_run = [r for r in rules if r.id != UNRESOLVED_ID]
    if UNRESOLVED_ID in enabled_ids and all(r.id in META_RULES for r in to_run):
        # `--select BCDR002` (or BCDR0): every rule runs, and only what it could not resolve is kept.
        to_run = [r for r in all_rules() if r.id != UNRESOLVED_ID]
    findings: list[Finding] = []
    for candidate in to_run:
        try:
            findings.extend(candidate.check(model))
        except Exception as exc:  # noqa: BLE001 - a rule bug is a finding, not a crash
            findings.append(_rule_crash(candidate, model, exc))
    kept = [f for f in findings if f.rule_id in enabled_ids]
    merged = _merge_deployments(_merge_unresolved(kept))
    return _distinct_identities(sorted(merged, key=Finding.sort_key))


def _merge_deployments(findings: list[Finding]) -> list[Finding]:
    """One finding per template line and rule, however many parameter files deploy the template:
    code scanning must not raise N alerts that are closed one at a time. Each deployment's
    parameter file becomes a related location, with its own message when the messages differ."""
    groups: dict[tuple, list[Finding]] = {}
    out: list[Finding] = []
    for finding in findings:
        if finding.deployment is None:
            out.append(finding)
            continue
        groups.setdefault((finding.rule_id, finding.location, finding.identity), []).append(finding)
    for group in groups.values():
        first = group[0]
        messages = {f.message for f in group}
        same = len(messages) == 1
        # The other deployments' resources at one template line say the same thing: once each.
        related = list(dict.fromkeys(first.related))
        seen = {r.location for r in related}
        for f in sorted(group, key=lambda f: (f.deployment.path, f.deployment.start_line)):
            label = f"deployed with {f.deployment.path}" + ("" if same else f": {f.message}")
            related.append(Related(f.deployment, label))
            for r in f.related:
                if r.location not in seen:
                    seen.add(r.location)
                    related.append(r)
        message = first.message
        if not same:
            message = f"{first.message} (in {len(group)} deployments of this template; see each parameter file)"
        needed = tuple(sorted({n for f in group for n in f.needed_by}))
        out.append(dataclasses.replace(first, message=message, related=tuple(related), needed_by=needed,
                                       deployment=None))
    return out


def _distinct_identities(findings: list[Finding]) -> list[Finding]:
    """Two findings must never share a fingerprint (code scanning would merge their alerts):
    a repeated identity in one file — the same parse error twice — gets its occurrence number."""
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for finding in findings:
        key = (finding.rule_id, finding.location.path, finding.identity)
        count = seen.get(key, 0) + 1
        seen[key] = count
        out.append(finding if count == 1 else dataclasses.replace(finding, identity=f"{finding.identity}#{count}"))
    return out


def _rule_crash(rule: Rule, model: Model, exc: Exception) -> Finding:
    path = model.files[0] if model.files else "."
    print(f"bcdr-lint: rule {rule.id} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
    return Finding(
        rule_id=rule.id,
        level="error",
        message=f"rule {rule.id} could not run (internal error {type(exc).__name__}: {exc}); please report it",
        location=Location(path, 1, 1),
        identity="rule-crash",
    )


def _merge_unresolved(findings: list[Finding]) -> list[Finding]:
    """One BCDR002 per unresolved value, naming every rule that needed it."""
    merged: dict[tuple, Finding] = {}
    out: list[Finding] = []
    for finding in findings:
        if finding.rule_id != UNRESOLVED_ID:
            out.append(finding)
            continue
        key = (finding.identity, finding.deployment)
        previous = merged.get(key)
        if previous is None:
            merged[key] = finding
        elif not set(finding.needed_by) <= set(previous.needed_by):
            needed = tuple(sorted(set(previous.needed_by) | set(finding.needed_by)))
            merged[key] = dataclasses.replace(previous, needed_by=needed)
    return out + list(merged.values())


def check(paths: Sequence[str], select: Sequence[str] = (), ignore: Sequence[str] = (),
          options: RunOptions | None = None, show_progress: bool = False) -> RunResult:
    options = options or RunOptions(select=tuple(select), ignore=tuple(ignore))
    rules = choose_rules(all_rules(), select or options.select, ignore or options.ignore)
    judged = _judged_rules(rules, ignore or options.ignore)
    discovered = discover(list(paths))
    if discovered.missing:
        raise UsageError("no such file or directory: " + ", ".join(discovered.missing))
    if options.exclude:
        from bcdr_lint.config_apply import exclude

        discovered = exclude(discovered, options)
    # Loading allocates millions of small objects and frees few: the cyclic garbage collector
    # would walk them again and again for nothing (measured: a quarter of the load time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        progress = Progress(discovered.count) if show_progress else NoProgress()
        try:
            model = load(discovered, options, progress)
        finally:
            progress.close()
        findings = run_rules(model, judged)
    finally:
        if collecting:
            gc.enable()
    reported = {r.id for r in rules}
    judged, findings = _with_levels(judged, findings, dict(options.severity))
    outcome = _suppress(findings, model, judged, options)
    rules = [r for r in judged if r.id in reported]
    if len(rules) != len(judged):  # `--select BCDR003`: the other rules ran only to judge suppressions
        outcome = dataclasses.replace(outcome, findings=[f for f in outcome.findings if f.rule_id in reported],
                                      suppressed=[f for f in outcome.suppressed if f.rule_id in reported])
    return RunResult(model=model, findings=outcome.findings, rules=rules, discovered=discovered,
                     suppressed=outcome.suppressed)


def _judged_rules(rules: list[Rule], ignore: Sequence[str]) -> list[Rule]:
    """The rules to run. `--select BCDR003` alone (with other meta rules at most) runs every rule
    not ignored, so that every suppression is judged, as `--select BCDR002` shows every unresolved
    value; only the selected rules are reported."""
    if "BCDR003" in {r.id for r in rules} and all(r.id in META_RULES for r in rules):
        return choose_rules(all_rules(), (), ignore)
    return rules


def _with_levels(rules: list[Rule], findings: list[Finding], levels: dict[str, str]) -> tuple[list[Rule], list[Finding]]:
    """The configuration's ``severity``: the rule's findings and its description (SARIF's
    default configuration) take the configured level."""
    if not levels:
        return rules, findings
    rules = [dataclasses.replace(r, level=levels[r.id]) if r.id in levels else r for r in rules]
    findings = [dataclasses.replace(f, level=levels[f.rule_id]) if f.rule_id in levels else f for f in findings]
    return rules, findings


def _suppress(findings: list[Finding], model: Model, rules: list[Rule], options: RunOptions):
    """Suppressions in the source and per-file-ignores; BCDR003/BCDR004 about the suppressions."""
    from bcdr_lint import suppressions

    names = suppressions.RuleNames((r.id, r.name) for r in all_rules())
    outcome = suppressions.apply(findings, model, {r.id for r in rules}, names, options)
    return suppressions.Outcome(sorted(outcome.findings, key=Finding.sort_key),
                                sorted(outcome.suppressed, key=Finding.sort_key))
