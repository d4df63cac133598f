"""Benchmark ``bcdr-lint check`` on the generated monorepo.

    python bench/run.py [--files 5000] [--seed 1] [--repeat 3] [--profile]

Generates bench/out (unless it already holds the same --files/--seed from the same generator),
then runs ``bcdr-lint check bench/out --format json --output <tmp>`` --repeat times, each in a
fresh wrapper process so that the child's peak RSS (``RUSAGE_CHILDREN``) is that run's alone.
``--profile`` also runs the check in-process: a phase breakdown (discover, load per format,
model, rules, report) from the ``bcdr_lint.engine`` functions, then cProfile's top functions.
Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402 - bench/generate.py, next to this script

REPO_ROOT = generate.BENCH_DIR.parent
OUT = generate.DEFAULT_OUT
TARGET = "bench/out"  # as a user would type it, from the repository root

# Runs the command, then reads the peak RSS of that one child: a fresh process per run, so an
# earlier, bigger run cannot leak into the number (ru_maxrss is a high-water mark).
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_kib": usage.ru_maxrss,
                  "rc": proc.returncode, "stderr": proc.stderr.decode("utf-8", "replace")[-4000:]}))
"""

T = TypeVar("T")


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    rss_mib: float
    summary: dict


def ensure_tree(files: int, seed: int) -> None:
    wanted = generate.params_for(files, seed)
    marker = OUT / generate.PARAMS_FILE
    if marker.is_file():
        try:
            if json.loads(marker.read_text()) == wanted:
                print(f"using existing {TARGET} ({files} files, seed {seed})")
                return
        except ValueError:
            pass  # a damaged marker: regenerate
    print(f"generating {TARGET} ({files} files, seed {seed}) ...", flush=True)
    start = time.perf_counter()
    generate.write(OUT, files, seed)
    print(f"generated in {time.perf_counter() - start:.1f} s")


def lint_command(report: str) -> list[str]:
    """The installed console script next to this interpreter, as users run it."""
    script = Path(sys.executable).with_name("bcdr-lint")
    base = [str(script)] if script.is_file() else [shutil.which("bcdr-lint") or "bcdr-lint"]
    return [*base, "check", TARGET, "--format", "json", "--output", report]


def run_once() -> Run:
    with tempfile.TemporaryDirectory(prefix="bcdr-bench-") as tmp:
        report = os.path.join(tmp, "report.json")
        completed = subprocess.run([sys.executable, "-c", WRAPPER, *lint_command(report)], cwd=REPO_ROOT,
                                   capture_output=True, text=True, check=True)
        measured = json.loads(completed.stdout)
        # Exit code 1 means findings, but an uncaught exception exits with 1 too: the report
        # file tells them apart.
        if measured["rc"] not in (0, 1) or not os.path.isfile(report):
            raise SystemExit(f"bcdr-lint failed with exit code {measured['rc']}:\n{measured['stderr']}")
        with open(report, encoding="utf-8") as handle:
            document = json.load(handle)
    summary = dict(document["summary"])
    summary["by_rule"] = _count_by_rule(document["findings"])
    return Run(measured["wall"], measured["cpu"], measured["rss_kib"] / 1024, summary)


def _count_by_rule(findings: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding["rule_id"]] = counts.get(finding["rule_id"], 0) + 1
    return dict(sorted(counts.items()))


def table(header: tuple[str, ...], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def checked_by_format() -> str:
    """What discovery hands each loader, JSON split by content (``json_kinds``)."""
    from bcdr_lint import engine

    found = engine.discover([TARGET])
    kinds = json_kinds(found.json)
    tf_files = sum(len(files) for files in found.terraform.values())
    return (f"{len(found.yaml)} Kubernetes YAML, {len(kinds['arm'])} ARM, {tf_files} `.tf` in {len(found.terraform)} "
            f"modules, {len(found.bicep)} Bicep, {len(kinds['exports'])} exports, {len(kinds['plans'])} plans, "
            f"{len(found.pipelines)} pipelines, {len(kinds['other'])} other JSON")


def timing_report(runs: list[Run], generated: int) -> str:
    walls = [run.wall for run in runs]
    summary = runs[0].summary
    best = min(walls)
    rows = [
        ("files generated / checked", f"{generated} / {summary['files']}"),
        ("checked, by loader", checked_by_format()),
        ("resources", summary["resources"]),
        ("findings", f"{summary['findings']} ({', '.join(f'{k} {v}' for k, v in summary['by_level'].items())})"),
        ("findings by rule", ", ".join(f"{k} {v}" for k, v in summary["by_rule"].items()) or "-"),
        (f"wall time, min / median of {len(runs)}", f"{best:.2f} s / {statistics.median(walls):.2f} s"),
        ("CPU time (user+sys), min", f"{min(run.cpu for run in runs):.2f} s"),
        ("files checked per second (min wall)", f"{summary['files'] / best:.0f}"),
        ("peak RSS, max over runs", f"{max(run.rss_mib for run in runs):.0f} MiB"),
    ]
    return table(("metric", "value"), rows)


def _timed(label: str, phases: list[tuple[str, float, bool, int]], action: Callable[[], T], *, in_check: bool = True,
           files: int = 0) -> T:
    """``in_check``: the phase is part of what ``bcdr-lint check`` does (it counts in the share);
    ``files``: how many files it reads (for ms per file)."""
    start = time.perf_counter()
    result = action()
    phases.append((label, time.perf_counter() - start, in_check, files))
    return result


def json_kinds(paths: list[str]) -> dict[str, list[str]]:
    """The checked JSON files by what bcdr-lint reads them as, decided by content as its JSON
    loader decides (``arm.load_file``): ARM templates and their parameter files, Terraform plans,
    subscription exports, and other JSON (package.json, broken files)."""
    from bcdr_lint.loaders import arm, arm_parameter_files, exports, terraform_plan
    from bcdr_lint.loaders.base import UnreadableFile, read_text
    from bcdr_lint.loaders.jsonpos import parse_jsonc

    kinds: dict[str, list[str]] = {"arm": [], "plans": [], "exports": [], "other": []}
    for path in paths:
        try:
            parsed = parse_jsonc(path, read_text(path))
        except UnreadableFile:
            parsed = None
        data = parsed[0] if isinstance(parsed, tuple) else None
        if arm.is_template(data) or arm_parameter_files.is_parameter_file(data):
            kinds["arm"].append(path)
        elif terraform_plan.is_plan(data):
            kinds["plans"].append(path)
        elif exports.is_export(data):
            kinds["exports"].append(path)
        else:
            kinds["other"].append(path)
    return kinds


def phase_breakdown() -> str:
    """Each phase on its own, through the engine's functions. The per-format loads are for
    comparison only (each builds its own smaller model; a Terraform plan alone is not merged
    with its sources); 'load all + build model' is the one the check runs."""
    # As in `bcdr-lint check`: the engine turns the cyclic garbage collector off while loading
    # and checking. Left on here, it would add a third to the loads and up to ten times to a rule.
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _phases()
    finally:
        if collecting:
            gc.enable()


def _phases() -> str:
    from bcdr_lint import __version__, engine
    from bcdr_lint.loaders.discover import Discovered
    from bcdr_lint.reporters import Report, render

    phases: list[tuple[str, float, bool, int]] = []  # label, seconds, part of the check, files
    _timed("import loaders", phases, _import_loaders)
    found = _timed("discover", phases, lambda: engine.discover([TARGET]))
    kinds = json_kinds(found.json)
    tf_files = sum(len(files) for files in found.terraform.values())
    parts = [
        (f"kubernetes ({len(found.yaml)} files)", Discovered(yaml=found.yaml), len(found.yaml)),
        (f"arm templates + parameter files ({len(kinds['arm'])} files)", Discovered(json=kinds["arm"]), len(kinds["arm"])),
        (f"terraform ({tf_files} files, {len(found.terraform)} modules)", Discovered(terraform=found.terraform), tf_files),
        (f"bicep ({len(found.bicep)} files)", Discovered(bicep=found.bicep), len(found.bicep)),
        (f"exports ({len(kinds['exports'])} files)", Discovered(json=kinds["exports"]), len(kinds["exports"])),
        (f"terraform plans ({len(kinds['plans'])} files)", Discovered(json=kinds["plans"]), len(kinds["plans"])),
        (f"pipelines ({len(found.pipelines)} files)", Discovered(pipelines=found.pipelines), len(found.pipelines)),
        (f"other json ({len(kinds['other'])} files)", Discovered(json=kinds["other"]), len(kinds["other"])),
    ]
    for label, part, files in parts:
        _timed(f"  load {label}", phases, lambda part=part: engine.load(part), in_check=False, files=files)
    model = _timed("load all + build model", phases, lambda: engine.load(found), files=found.count)
    rules = engine.all_rules()
    findings = _timed("run_rules (all rules)", phases, lambda: engine.run_rules(model, rules))
    report = Report(findings=findings, rules=sorted(rules, key=lambda r: r.id), files=model.files,
                    resource_count=len(model), tool_version=__version__)
    _timed("report json", phases, lambda: render(report, "json"))
    _timed("  report sarif (instead of json)", phases, lambda: render(report, "sarif"), in_check=False)
    total = sum(seconds for _, seconds, counts, _files in phases if counts)
    rows = [(label, f"{seconds:.3f}", f"{1000 * seconds / files:.2f}" if files else "-",
             f"{100 * seconds / total:.0f}%" if counts else "-")
            for label, seconds, counts, files in phases]
    rows.append(("total of the check's phases", f"{total:.3f}", "-", "100%"))
    rule_rows = []
    for rule in sorted(rules, key=lambda r: r.id):
        start = time.perf_counter()
        produced = len(list(rule.check(model)))
        rule_rows.append((rule.id, rule.name, produced, 1000 * (time.perf_counter() - start)))
    rules_total = sum(row[3] for row in rule_rows)
    shown = [(rid, name, produced, f"{ms:.1f}", f"{100 * ms / rules_total:.0f}%") for rid, name, produced, ms in rule_rows]
    slowest = sorted(rule_rows, key=lambda row: -row[3])[:5]
    run_rules = next(seconds for label, seconds, _counts, _files in phases if label.startswith("run_rules"))
    raw = sum(row[2] for row in rule_rows)
    return (table(("phase", "seconds", "ms/file", "share of check"), rows)
            + f"\n\nModel: {len(model)} resources; " + ", ".join(f"{kind} {count}" for kind, count in _kinds(model))
            + "\n\nRules, one by one (before merging and filtering):\n\n"
            + table(("rule", "name", "raw findings", "ms", "share of rules"), shown)
            + f"\n\nAll rules one by one: {rules_total:.0f} ms. Slowest: "
            + ", ".join(f"{rid} {ms:.0f} ms" for rid, _name, _produced, ms in slowest)
            + f". run_rules beyond the rules' own time (merging {raw} raw findings into {len(findings)}, "
            f"sorting): {1000 * run_rules - rules_total:.0f} ms.")


def _kinds(model) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for resource in model.resources:
        counts[str(resource.kind)] = counts.get(str(resource.kind), 0) + 1
    return sorted(counts.items(), key=lambda item: -item[1])


def _import_loaders() -> None:
    # Timing the imports themselves (lark and the Bicep grammar, tree-sitter, PyYAML).
    from bcdr_lint.loaders import arm, bicep, exports, kubernetes, pipelines, terraform, terraform_plan  # noqa: F401
    from bcdr_lint.loaders.bicep_syntax import _parser

    _parser()  # the LALR tables are built on first use


def profile(top: int = 25) -> str:
    from bcdr_lint import __version__, engine
    from bcdr_lint.reporters import Report, render

    def whole_check() -> None:
        result = engine.check([TARGET])
        render(Report(findings=result.findings, rules=result.rules, files=result.model.files,
                      resource_count=len(result.model), tool_version=__version__), "json")

    profiler = cProfile.Profile()
    profiler.runcall(whole_check)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    out.write(f"\nTop {top} by own time (tottime):\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu)
    except OSError:
        pass
    return (f"{time.strftime('%Y-%m-%d')}, {platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=5000, help="files to generate (default 5000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (default 3)")
    parser.add_argument("--profile", action="store_true", help="also profile in-process and break down the phases")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    os.chdir(REPO_ROOT)
    ensure_tree(args.files, args.seed)
    generated = sum(1 for path in OUT.rglob("*") if path.is_file() and ".git" not in path.relative_to(OUT).parts[:1]) - 1
    print(f"\n{machine()}\n")
    runs = []
    for index in range(args.repeat):
        runs.append(run_once())
        print(f"run {index + 1}/{args.repeat}: {runs[-1].wall:.2f} s, {runs[-1].rss_mib:.0f} MiB", flush=True)
    print("\n" + timing_report(runs, generated) + "\n")
    if args.profile:
        print("Phases (in-process, one pass each):\n\n" + phase_breakdown() + "\n")
        print("cProfile of one whole check (in-process; profiling roughly doubles the time):\n")
        print(profile())
    return 0


if __name__ == "__main__":
    sys.exit(main())
