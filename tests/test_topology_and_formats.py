"""`bcdr-lint topology`, `--format markdown`, `--format github` and the progress line, through the CLI."""

from __future__ import annotations

import io
import json

from click.testing import CliRunner

from bcdr_lint.cli import main
from bcdr_lint.progress import Progress

EXAMPLE = "examples/multi-region"


def _invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def test_topology_text_shows_regions_pairs_registries_peerings_and_gaps(at_root):
    result = _invoke("topology", EXAMPLE)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "eastus2 [pair centralus (no clusters)]" in out
    assert "cluster aks-contoso-shop-westus2  examples/multi-region/infra/arm/secondary-stamp.json:24" in out
    assert "contososhopacr (premium) in eastus2, replicas: centralus; no replica in westus2" in out
    assert "peer-primary-to-secondary: vnet-contoso-shop-eastus2 (eastus2) -> vnet-contoso-shop-westus2 (westus2)" in out
    assert "BCDR402 examples/multi-region/infra/terraform/main.tf:13:" in out


def test_topology_json_is_versioned_and_lists_what_text_shows(at_root):
    result = _invoke("topology", EXAMPLE, "--format", "json")
    data = json.loads(result.output)
    assert data["schema_version"] == 1
    assert sorted(r["name"] for r in data["regions"]) == ["eastus2", "westus2"]
    registry = data["registries"][0]
    assert (registry["name"], registry["replicas"], registry["missing"]) == ("contososhopacr", ["centralus"], ["westus2"])
    assert any(g.startswith("BCDR301 ") for g in data["gaps"])


def test_topology_mermaid_draws_regions_and_the_missing_replica(at_root):
    result = _invoke("topology", EXAMPLE, "--format", "mermaid")
    lines = result.output.splitlines()
    assert lines[0] == "flowchart LR"
    assert '  subgraph region1["westus2"]' in lines
    assert "  acr0 -. no replica .-> region1" in lines
    assert "  acr0 --- region0" in lines


def test_topology_of_a_missing_path_is_a_usage_error(at_root):
    result = _invoke("topology", "no/such/path")
    assert result.exit_code == 2
    assert "no such file or directory: no/such/path" in result.output


def test_markdown_counts_by_rule_links_lines_and_embeds_the_topology(at_root):
    env = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "org/repo", "GITHUB_SHA": "0123abc"}
    result = _invoke("check", EXAMPLE, "--format", "markdown", env=env)
    assert result.exit_code == 1
    out = result.output
    assert out.startswith("## bcdr-lint\n")
    assert "| BCDR402 `registry-missing-replica` | 🟠 warning | 1 |" in out
    assert ("[examples/multi-region/infra/terraform/main.tf:13]"
            "(https://github.com/org/repo/blob/0123abc/examples/multi-region/infra/terraform/main.tf#L13)") in out
    assert "```mermaid\nflowchart LR\n" in out


def test_markdown_links_are_relative_outside_github_actions(at_root):
    env = {"GITHUB_SERVER_URL": "", "GITHUB_REPOSITORY": "", "GITHUB_SHA": ""}
    out = _invoke("check", EXAMPLE, "--format", "markdown", env=env).output
    assert "(examples/multi-region/infra/terraform/main.tf#L13)" in out


def test_markdown_escapes_table_cells():
    from bcdr_lint.reporters.markdown import _cell

    assert _cell("a|b\nc <script>") == "a\\|b c \\<script\\>"


def test_markdown_shows_messages_and_paths_as_written_never_as_markup():
    """Resource names come from the checked files: a name must not become a link, emphasis, a
    code span, an HTML tag or an entity in a pull-request comment, nor end the table row."""
    from bcdr_lint.findings import Finding
    from bcdr_lint.model.location import Location
    from bcdr_lint.reporters import Report
    from bcdr_lint.reporters.markdown import render

    message = "registry 'a|b' [x](https://evil.example) *all* _of_ `it` <b>&amp; ~~gone~~ \\ end\r\nnext"
    finding = Finding("BCDR402", "warning", message, Location("k8s/we[i]rd `dir`/a|b.yaml", 3, 1))
    out = render(Report([finding], [], ["a"], 1, "0.1.0"), env={})
    row = next(line for line in out.splitlines() if line.startswith("| [k8s"))
    assert row == (
        "| [k8s/we\\[i\\]rd \\`dir\\`/a\\|b.yaml:3](k8s/we%5Bi%5Drd%20%60dir%60/a%7Cb.yaml#L3) | BCDR402 | "
        "registry 'a\\|b' \\[x\\](https://evil.example) \\*all\\* \\_of\\_ \\`it\\` \\<b\\>\\&amp; \\~\\~gone\\~\\~ "
        "\\\\ end next |")
    # A rule the report does not describe: no empty code span after its id.
    assert "| BCDR402 | 🟠 warning | 1 |" in out


def test_mermaid_of_nothing_says_so_and_labels_cannot_end_the_diagram():
    from bcdr_lint.topology import Place, Region, Topology, mermaid

    assert mermaid(Topology()).splitlines() == [
        "flowchart LR", '  empty["no AKS clusters, traffic routers or registries found"]']
    # A backtick fence inside a name would end the ```mermaid block of the Markdown report.
    region = Region("eastus2", "centralus", False, (Place('aks ```"x"``` <br> #1;', "eastus2", "a.tf:1"),))
    assert '    region0c0["AKS aks \'\'\'#quot;x#quot;\'\'\' #lt;br#gt; #35;1;"]' in mermaid(
        Topology(regions=(region,))).splitlines()


def test_topology_of_an_empty_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _invoke("topology").output == "Regions:\n  (no AKS clusters found)\nGaps: none found\n"
    assert "empty[" in _invoke("topology", "--format", "mermaid").output
    data = json.loads(_invoke("topology", "--format", "json").output)
    assert data == {"schema_version": 1, "regions": [], "routers": [], "registries": [], "peerings": [],
                    "pipelines": [], "gaps": []}
    markdown = _invoke("check", "--format", "markdown")
    assert markdown.exit_code == 0 and "No findings (0 files, 0 resources checked)." in markdown.output


def test_github_annotations_one_per_finding_with_escaping(at_root):
    result = _invoke("check", EXAMPLE, "--format", "github")
    lines = result.output.splitlines()
    findings = json.loads(_invoke("check", EXAMPLE, "--format", "json").output)["findings"]
    assert len(lines) == len(findings) > 0
    unpaired = next(line for line in lines if ",title=BCDR102::" in line and "secondary-stamp.json" in line)
    assert unpaired.startswith("::warning file=examples/multi-region/infra/arm/secondary-stamp.json,line=28,col=7,")
    assert "%0ARelated: " in unpaired  # related locations on a new line, escaped
    assert any(line.startswith("::notice ") for line in lines)  # notes map to GitHub notices
    assert any(line.startswith("::error ") and "title=BCDR301" in line for line in lines)


def test_github_escapes_property_and_message_text():
    from bcdr_lint.reporters.github import _data, _property

    assert _property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert _data("50%\r\n::error::x") == "50%25%0D%0A::error::x"


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_waits_a_moment_then_draws_and_erases():
    stream, clock = io.StringIO(), _Clock()
    progress = Progress(10, stream, clock=clock, force=True)
    progress.advance(1, "a.yaml")
    assert stream.getvalue() == ""  # a quick run shows nothing
    clock.now = 1.0
    progress.advance(4, "b.yaml")
    assert "[###############---------------] 5/10 files  b.yaml" in stream.getvalue()
    progress.close()
    assert stream.getvalue().endswith("\r")


def test_progress_fits_the_terminal_width_so_it_never_wraps():
    # A line wider than the terminal wraps, and `\r` then returns to the wrapped part only: the
    # bar would be drawn again below itself on every update.
    path = "k8s/platform/observability/prometheus/very-long-file-name.yaml"
    for columns, shown in ((80, "  …" + path[-21:]), (60, "")):
        stream, clock = io.StringIO(), _Clock()
        progress = Progress(5000, stream, clock=clock, force=True, columns=columns)
        for done in range(1, 4):
            clock.now = float(done)
            progress.advance(1, path)
        progress.close()
        drawn = stream.getvalue().split("\r")[1:]
        assert drawn[0] == f"bcdr-lint [------------------------------] 1/5000 files{shown}".ljust(columns - 1)
        assert all(len(line) == columns - 1 for line in drawn[:-1])
        assert drawn[-2:] == [" " * (columns - 1), ""]  # erased, cursor back at the start of the line


def test_progress_is_silent_when_stderr_is_not_a_terminal():
    stream, clock = io.StringIO(), _Clock()
    progress = Progress(10, stream, clock=clock)
    clock.now = 5.0
    progress.advance(5)
    progress.close()
    assert stream.getvalue() == ""


def test_topology_shows_clusters_declared_in_the_configuration(tmp_path, monkeypatch):
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s/app.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n")
    (tmp_path / ".bcdr-lint.yaml").write_text(
        "topology:\n"
        "  - name: aks-shop-weu\n    region: westeurope\n"
        "  - name: aks-shop-neu\n    region: northeurope\n"
    )
    monkeypatch.chdir(tmp_path)
    result = _invoke("topology", "k8s")
    assert result.exit_code == 0, result.output
    assert "westeurope [pair northeurope (has clusters)]" in result.output
    assert "cluster aks-shop-weu  .bcdr-lint.yaml:2" in result.output


def test_topology_claims_no_pipeline_miss_that_bcdr701_does_not_report(at_root):
    # deploy-dev.yml deploys only the dev cluster; BCDR701 scopes it to its environment.
    result = _invoke("topology", "tests/inputs/e2e/infra", "tests/inputs/e2e/.github")
    assert "deploy-dev.yml: deploys to aks-shop-dev\n" in result.output
    assert "misses" not in result.output
