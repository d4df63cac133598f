"""README.md as a first-time user reads it: every command it shows runs as described, every
configuration snippet validates and has the documented effect, every suppression suppresses.

Code blocks to run or use are marked in README.md with ``<!-- readme-test: KIND -->`` on the line
before them; an unmarked sh/yaml/toml/hcl/json block fails ``test_every_block_is_marked``.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import click
import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result

from bcdr_lint import __version__, config
from bcdr_lint.cli import main
from bcdr_lint.engine import all_rules
from tests.helpers import ROOT

README = ROOT / "README.md"
CONFIG_DOC = ROOT / "docs" / "configuration.md"
EXAMPLE = ROOT / "examples" / "multi-region"
# The Usage block's `--param-file` line names a Bicep stamp and its parameter file in infra/.
STAMP = ROOT / "fixtures" / "equivalence" / "two-region-gaps" / "bicep-params"
KINDS = {"cli at-root", "cli in-example", "config", "suppression", "baseline", "action-workflow", "pre-commit",
         "not-run"}
FINDING = re.compile(r"^(?P<path>\S+):(?P<line>\d+):(?P<col>\d+): (?P<rule>BCDR\d{3}) (?P<level>error|warning|note): ")


@dataclass(frozen=True)
class Block:
    lang: str
    text: str
    kind: str | None  # the readme-test marker, without a not-run reason
    line: int  # of the opening fence

    def __str__(self) -> str:
        return f"{self.lang}@{self.line}"


def code_blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, index = [], 0
    while index < len(lines):
        fence = re.match(r"^```(\w*)\s*$", lines[index])
        if not fence:
            index += 1
            continue
        end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
        before = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
        marker = re.match(r"^<!-- readme-test: ([\w -]+?)(?: \(.*\))? -->$", before)
        blocks.append(Block(fence.group(1), "\n".join(lines[index + 1:end]) + "\n", marker and marker.group(1), index + 1))
        index = end + 1
    return blocks


BLOCKS = code_blocks(README)


def of_kind(kind: str, path: Path = README) -> list[Block]:
    return [b for b in (BLOCKS if path == README else code_blocks(path)) if b.kind == kind]


def shell_commands(block: Block) -> list[list[str]]:
    """Each command of a shell block (``a && b`` is two), comments dropped."""
    commands = []
    for line in block.text.splitlines():
        words = shlex.split(line, comments=True)
        while words:
            cut = words.index("&&") if "&&" in words else len(words)
            commands.append(words[:cut])
            words = words[cut + 1:]
    return commands


def cli_commands(kind: str) -> list[tuple[Block, list[str]]]:
    return [(b, c[1:]) for b in of_kind(kind) for c in shell_commands(b) if c[0] == "bcdr-lint"]


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(main, args, env={"NO_COLOR": "1"})


def findings(result: Result) -> list[re.Match]:
    return [m for m in map(FINDING.match, result.stdout.splitlines()) if m]


def related_lines(result: Result, path: str, rule: str) -> list[str]:
    """The indented related locations below the findings of ``rule`` at ``path``."""
    out, taking = [], False
    for line in result.stdout.splitlines():
        match = FINDING.match(line)
        if match:
            taking = (match["path"], match["rule"]) == (path, rule)
        elif taking and line.startswith("    "):
            out.append(line.strip())
    return out


def test_every_block_is_marked():
    runnable = [b for b in BLOCKS if b.lang in ("sh", "bash", "yaml", "toml", "hcl", "json")]
    assert runnable, "README.md has no code blocks?"
    unmarked = [str(b) for b in runnable if b.kind not in KINDS]
    assert not unmarked, f"mark these README blocks with <!-- readme-test: KIND --> (KIND in {sorted(KINDS)})"


# -- commands ------------------------------------------------------------------------------------------


def _example_gaps(result: Result, _: Path) -> None:
    # The rules the example's own README says it breaks are all reported.
    promised = set(re.findall(r"BCDR\d{3}", (EXAMPLE / "README.md").read_text(encoding="utf-8")))
    assert promised and promised <= {m["rule"] for m in findings(result)}
    assert result.stdout.splitlines()[-1].startswith("Found ")


def _whole_example(result: Result, _: Path) -> None:
    reported = {m["rule"] for m in findings(result)}
    assert {"BCDR402", "BCDR701", "BCDR202"} <= reported  # across Terraform, ARM, Bicep, pipeline
    assert {m["path"].split("/")[0] for m in findings(result)} >= {".github", "infra", "k8s"}


def _sarif_of_two_folders(result: Result, repo: Path) -> None:
    log = json.loads((repo / "bcdr.sarif").read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0" and result.stdout == ""
    results = log["runs"][0]["results"]
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in results for loc in r["locations"]}
    assert uris and all(u.startswith(("infra/", "k8s/")) for u in uris)
    assert "BCDR701" not in {r["ruleId"] for r in results}  # the workflow is outside `infra k8s`
    assert re.match(rf"Found {len(results)} findings? ", result.stderr)  # the summary on stderr


def _registry_rules_only(result: Result, _: Path) -> None:
    reported = {m["rule"] for m in findings(result)}
    assert "BCDR402" in reported and all(r.startswith("BCDR4") for r in reported), reported


def _stamp_deployed_with_its_parameter_file(result: Result, _: Path) -> None:
    at_stamp = [m for m in findings(result) if m["path"] == "infra/stamp.bicep"]
    assert at_stamp, result.stdout
    assert any(r.startswith("infra/stamp.eastus2.bicepparam:") for r in related_lines(result, "infra/stamp.bicep",
                                                                                    at_stamp[0]["rule"]))


def _mermaid(result: Result, _: Path) -> None:
    assert result.stdout.startswith("flowchart LR\n")
    assert "AKS aks-contoso-shop-eastus2" in result.stdout and "AKS aks-contoso-shop-westus2" in result.stdout


def _every_rule(result: Result, _: Path) -> None:
    from bcdr_lint.rules import RULES

    assert [line.split()[0] for line in result.stdout.splitlines()] == sorted(r.id for r in RULES)


def _rule_doc(result: Result, _: Path) -> None:
    assert result.stdout.startswith("# BCDR402 registry-missing-replica\n")
    assert "## Use instead" in result.stdout


def _version(result: Result, _: Path) -> None:
    assert result.stdout == f"bcdr-lint {__version__}\n"


# Every bcdr-lint command README.md shows: (exit status, what its output must show).
EXPECTED: dict[str, tuple[int, Callable[[Result, Path], None]]] = {
    "check examples/multi-region": (1, _example_gaps),
    "check": (1, _whole_example),
    "check infra k8s --format sarif --output bcdr.sarif": (1, _sarif_of_two_folders),
    "check . --select BCDR4 --ignore BCDR002": (1, _registry_rules_only),
    "check infra --param-file infra/stamp.bicep=infra/stamp.eastus2.bicepparam": (1, _stamp_deployed_with_its_parameter_file),
    "topology . --format mermaid": (0, _mermaid),
    "topology examples/multi-region --format mermaid": (0, _mermaid),
    "rules": (0, _every_rule),
    "rule BCDR402": (0, _rule_doc),
    "--version": (0, _version),
}

COMMANDS = cli_commands("cli at-root") + cli_commands("cli in-example")


@pytest.mark.parametrize("block,args", COMMANDS, ids=[shlex.join(a) or "check" for _, a in COMMANDS])
def test_readme_command(block: Block, args: list[str], tmp_path, monkeypatch):
    key = shlex.join(args)
    assert key in EXPECTED, f"README.md shows `bcdr-lint {key}`: add what it must do to EXPECTED"
    if block.kind == "cli at-root":
        workdir = ROOT
    else:  # a repository laid out as the Usage block assumes: the example plus a Bicep stamp
        workdir = tmp_path / "repo"
        shutil.copytree(EXAMPLE, workdir)
        for name in ("stamp.bicep", "stamp.eastus2.bicepparam"):
            shutil.copy(STAMP / name, workdir / "infra" / name)
    monkeypatch.chdir(workdir)
    result = invoke(args)
    status, check = EXPECTED[key]
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output
    check(result, workdir)


def test_every_expectation_is_still_shown_in_the_readme():
    assert set(EXPECTED) == {shlex.join(a) for _, a in COMMANDS}


def _toml(text: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    return tomllib.loads(text)


def test_the_quick_start_installs_the_command_it_runs():
    (quick_start, *_) = of_kind("cli at-root")
    steps = shell_commands(quick_start)
    assert steps[:3] == [["python3", "-m", "venv", ".venv"], [".", ".venv/bin/activate"], ["pip", "install", "."]]
    project = _toml((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["bcdr-lint"] == f"{main.callback.__module__}:main"
    stated = re.search(r"Python (3\.\d+) or newer", README.read_text(encoding="utf-8")).group(1)
    assert project["requires-python"] == f">={stated}"


# -- the option tables against the commands ------------------------------------------------------------


def _options(command: click.Command) -> dict[str, click.Option]:
    return {name: p for p in command.params if isinstance(p, click.Option) for name in p.opts if name not in ("-h", "--help")}


def test_the_options_table_lists_exactly_the_options_of_check_with_their_choices():
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| option (`check`) | meaning |"):]
    table = table[:table.index("\n\n")]
    documented: dict[str, str] = {}
    for row in table.splitlines()[2:]:
        cell = row.split(" | ")[0]
        for name in re.findall(r"`(--?[\w-]+)", cell):
            documented[name] = cell
    options = _options(main.commands["check"])
    assert set(documented) == set(options)
    for name, option in options.items():
        if isinstance(option.type, click.Choice):
            assert "\\|".join(option.type.choices) in documented[name], name


def test_the_topology_section_names_exactly_the_options_of_topology():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Topology"):text.index("## GitHub code scanning")]
    named = set(re.findall(r"`?(--[\w-]+)", section))
    assert named == set(_options(main.commands["topology"])) - {"-o"}
    choices = re.search(r"--format ([\w|]+)\]", section).group(1).split("|")
    assert choices == list(_options(main.commands["topology"])["--format"].type.choices)


# -- configuration -------------------------------------------------------------------------------------


def _schema_errors(values: dict) -> list[str]:
    validator = jsonschema.Draft202012Validator(config.schema())
    return [error.message for error in validator.iter_errors(values)]


CONFIG_BLOCKS = of_kind("config") + of_kind("config", CONFIG_DOC)


@pytest.mark.parametrize("block", CONFIG_BLOCKS, ids=[f"{b}" for b in CONFIG_BLOCKS])
def test_configuration_snippets_validate_and_load(block: Block, tmp_path, monkeypatch):
    name = ".bcdr-lint.yaml" if block.lang == "yaml" else "pyproject.toml"
    assert block.text.startswith(f"# {name}\n"), "a configuration snippet says which file it is"
    values = yaml.safe_load(block.text) if block.lang == "yaml" else _toml(block.text)["tool"]["bcdr-lint"]
    assert _schema_errors(values) == []
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(block.text, encoding="utf-8")
    for template, params in values.get("parameter-files", {}).items():  # settings() wants them to exist
        for path in (template, *params):
            (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path).write_text("{}", encoding="utf-8")
    for path in values.get("var-files", ()):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("", encoding="utf-8")
    chosen = config.settings(["."], None, config.CommandLine())
    assert chosen.config is not None and chosen.config.path == (tmp_path / name).resolve()
    assert chosen.fail_on == values.get("fail-on", "warning")
    assert set(chosen.options.ignore) == set(values.get("ignore", ()))
    assert [c.name for c in chosen.options.topology] == [c["name"] for c in values.get("topology", ())]
    rule_ids = {name: r.id for r in all_rules() for name in (r.id, r.name)}
    assert dict(chosen.options.severity) == {rule_ids[key]: level for key, level in values.get("severity", {}).items()}


SANDBOX_CACHE = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: scratch, namespace: sandbox}
spec:
  replicas: 2
  selector: {matchLabels: {app: scratch}}
  template:
    metadata: {labels: {app: scratch}}
    spec:
      containers: [{name: scratch, image: contosoacr.azurecr.io/scratch:1, volumeMounts: [{name: tmp, mountPath: /data}]}]
      volumes: [{name: tmp, hostPath: {path: /mnt/scratch}}]
"""
SINGLE_REPLICA = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec:
      containers: [{name: checkout, image: contosoacr.azurecr.io/checkout:3}]
"""


def test_the_readme_configuration_has_the_documented_effect(tmp_path, monkeypatch):
    (block,) = of_kind("config")
    monkeypatch.chdir(tmp_path)
    for path, text in {"k8s/checkout.yaml": SINGLE_REPLICA, "sandbox/scratch.yaml": SANDBOX_CACHE,
                       "examples/scratch.yaml": SANDBOX_CACHE}.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")

    without = json.loads(invoke(["check", ".", "--format", "json"]).stdout)
    assert any(f["rule_id"] == "BCDR503" and f["location"]["path"] == "examples/scratch.yaml" for f in without["findings"])
    assert {f["rule_id"] for f in without["findings"] if f["location"]["path"] == "k8s/checkout.yaml"} >= {"BCDR804"}

    (tmp_path / ".bcdr-lint.yaml").write_text(block.text, encoding="utf-8")
    result = invoke(["check", ".", "--format", "json", "--show-suppressed"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    got = {(f["rule_id"], f["location"]["path"], f["level"]) for f in report["findings"]}
    assert ("BCDR804", "k8s/checkout.yaml", "warning") in got  # severity: BCDR804 is a note by default
    assert ("BCDR201", ".bcdr-lint.yaml", "warning") in got  # topology: two declared clusters, no router
    assert not any(path.startswith("examples/") for _, path, _ in got)  # exclude
    assert not any(rule == "BCDR002" for rule, _, _ in got)  # ignore
    assert not any(path.startswith("sandbox/") and rule.startswith("BCDR5") for rule, path, _ in got)
    sandbox = [f for f in report["suppressed"] if f["location"]["path"] == "sandbox/scratch.yaml"]
    assert {f["rule_id"] for f in sandbox} == {"BCDR503"} and sandbox[0]["suppression"]["kind"] == "external"

    # The `ignore: [BCDR002]` line is what keeps the declared clusters' unknown SKU tier quiet.
    (tmp_path / ".bcdr-lint.yaml").write_text(block.text.replace("ignore: [BCDR002]\n", ""), encoding="utf-8")
    unignored = json.loads(invoke(["check", ".", "--format", "json"]).stdout)
    assert any(f["rule_id"] == "BCDR002" and f["location"]["path"] == ".bcdr-lint.yaml" for f in unignored["findings"])


# -- suppressions --------------------------------------------------------------------------------------

CLUSTER_TF = """\
resource "azurerm_kubernetes_cluster" "batch" {
  name     = "aks-batch-eastus2"
  location = "eastus2"
}

"""


def _workload_with(metadata_snippet: str) -> str:
    metadata = {"name": "sessions", "namespace": "shop", **(yaml.safe_load(metadata_snippet) or {}).get("metadata", {})}
    return yaml.safe_dump({
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata,
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "sessions"}},
                 "template": {"metadata": {"labels": {"app": "sessions"}},
                              "spec": {"containers": [{"name": "redis", "image": "redis:7.2"}]}}},
    }, sort_keys=False)


SUPPRESSIONS = of_kind("suppression")


@pytest.mark.parametrize("block", SUPPRESSIONS, ids=[b.lang for b in SUPPRESSIONS])
def test_the_suppression_snippets_suppress_with_their_reason(block: Block, tmp_path, monkeypatch):
    (rule, reason), = re.findall(r"(BCDR\d{3})\]?:? ([^\"\n]+)", block.text)
    monkeypatch.chdir(tmp_path)
    if block.lang == "hcl":
        name, text = "main.tf", CLUSTER_TF + block.text
        bare = CLUSTER_TF + re.sub(r" # bcdr-lint: .*", "", block.text)
    else:
        name, text, bare = "sessions.yaml", _workload_with(block.text), _workload_with("")
    args = ["check", ".", "--select", f"{rule},BCDR003,BCDR004", "--format", "json", "--show-suppressed"]

    (tmp_path / name).write_text(bare, encoding="utf-8")
    unsuppressed = invoke(args)
    assert unsuppressed.exit_code == 1
    (finding,) = json.loads(unsuppressed.stdout)["findings"]
    assert (finding["rule_id"], finding["location"]["path"]) == (rule, name)

    (tmp_path / name).write_text(text, encoding="utf-8")
    suppressed = invoke(args)
    assert suppressed.exit_code == 0, suppressed.output
    report = json.loads(suppressed.stdout)
    assert report["findings"] == []  # no BCDR003/BCDR004 either: it is used, and has a reason
    (hidden,) = report["suppressed"]
    assert (hidden["rule_id"], hidden["fingerprint"]) == (rule, finding["fingerprint"])
    assert hidden["suppression"]["kind"] == "inSource"
    assert hidden["suppression"]["justification"] == reason.strip()


# -- baselines -----------------------------------------------------------------------------------------

EXTRA_HOSTPATH = SANDBOX_CACHE.replace("scratch", "uploads")


def test_the_baseline_commands_adopt_then_fail_only_on_new_findings(tmp_path, monkeypatch):
    (block,) = of_kind("baseline")
    (write, use) = [c[1:] for c in shell_commands(block)]
    assert "--write-baseline" in write and "--baseline" in use
    baseline = Path(write[write.index("--write-baseline") + 1])
    shutil.copytree(EXAMPLE, tmp_path / "repo")
    monkeypatch.chdir(tmp_path / "repo")
    before = json.loads(invoke(["check", ".", "--format", "json"]).stdout)["findings"]
    assert before

    first = invoke(write)
    assert first.exit_code == 0, first.output
    recorded = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    assert sorted(e["fingerprint"] for e in recorded) == sorted(f["fingerprint"] for f in before)

    assert invoke(use).exit_code == 0
    (Path("k8s") / "uploads.yaml").write_text(EXTRA_HOSTPATH, encoding="utf-8")
    ci = invoke(use)
    assert ci.exit_code == 1
    new = {(m["path"], m["rule"]) for m in findings(ci)}
    assert ("k8s/uploads.yaml", "BCDR503") in new and {path for path, _ in new} == {"k8s/uploads.yaml"}


# -- GitHub Action and pre-commit ----------------------------------------------------------------------


def test_the_action_workflow_is_the_example_file_and_uses_real_inputs():
    (block,) = of_kind("action-workflow")
    shown = yaml.safe_load(block.text)
    assert shown == yaml.safe_load((ROOT / "docs/examples/github-workflow.yml").read_text(encoding="utf-8"))
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    (step,) = [s for s in shown["jobs"]["bcdr-lint"]["steps"] if s["uses"].startswith("bcdr-lint/")]
    assert step["uses"] == f"bcdr-lint/bcdr-lint@v{__version__}"
    assert set(step["with"]) <= set(action["inputs"])
    assert all(str(step["with"][k]) == action["inputs"][k]["default"] for k in ("paths", "fail-on", "category"))


def test_the_action_input_table_and_outputs_match_action_yml():
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| input | default | meaning |"):]
    table = table[:table.index("\n\n")]
    rows = {}
    for row in table.splitlines()[2:]:
        name, default = (cell.strip() for cell in row.strip("|").split("|")[:2])
        rows[name.strip("`")] = default.strip("`")
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert rows == {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    outputs = re.search(r"^Outputs: (.*)\. ", text, re.MULTILINE).group(1)
    assert re.findall(r"`([\w-]+)`", outputs) == list(action["outputs"])


def test_the_pre_commit_snippet_names_the_hook_and_its_commented_args_work(tmp_path, monkeypatch):
    (block,) = of_kind("pre-commit")
    shown = yaml.safe_load(block.text)
    (repo,) = shown["repos"]
    project = _toml((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert repo["repo"] == project["urls"]["Homepage"] and repo["rev"] == f"v{__version__}"
    (hook_spec,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in repo["hooks"]] == [hook_spec["id"]]
    assert hook_spec["pass_filenames"] is False

    text = README.read_text(encoding="utf-8")
    staged = re.search(r"a format bcdr-lint reads \(([^)]*)\)", text.replace("\n", " ")).group(1)
    for extension in re.findall(r"`(\.\w+)`", staged):
        assert re.search(hook_spec["files"], f"infra/main{extension}"), extension
    assert not re.search(hook_spec["files"], "README.md")

    # The commented `args` line, uncommented, runs: the hook's entry with them, after a baseline.
    args = yaml.safe_load(re.search(r"#\s*args: (\[.*\])", block.text).group(1))
    entry = shlex.split(hook_spec["entry"])
    assert entry[0] == "bcdr-lint"
    shutil.copytree(EXAMPLE, tmp_path / "repo")
    monkeypatch.chdir(tmp_path / "repo")
    assert invoke(entry[1:] + args).exit_code == 2  # no baseline yet: a clear usage error
    invoke(["check", ".", "--write-baseline", args[args.index("--baseline") + 1]])
    assert invoke(entry[1:] + args).exit_code == 0


# -- blocks that are not run here ----------------------------------------------------------------------


def test_the_commands_not_run_here_exist():
    commands = [c for b in of_kind("not-run") for c in shell_commands(b)]
    assert ["bash", "scripts/test.sh"] in commands
    for command in commands:
        if command[0] == "bash":
            assert subprocess.run(["bash", "-n", str(ROOT / command[1])]).returncode == 0
        elif command[:2] == ["python", "-m"]:
            module = command[2].replace(".", "/")
            assert (ROOT / f"{module}.py").is_file() and 'if __name__ == "__main__"' in (ROOT / f"{module}.py").read_text()
        elif command[0] == "python":
            helped = subprocess.run([sys.executable, str(ROOT / command[1]), "--help"], capture_output=True, text=True)
            assert helped.returncode == 0
            for option in (w for w in command[2:] if w.startswith("--")):
                assert option in helped.stdout, option
        else:
            pytest.fail(f"README shows `{shlex.join(command)}`, which this test does not know")
