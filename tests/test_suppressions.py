"""Suppressions with reasons: comments, Kubernetes annotations, JSON tags; BCDR003 and BCDR004;
suppressed findings in the text, JSON and SARIF reports."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from bcdr_lint import engine
from bcdr_lint.cli import main
from bcdr_lint.suppressions_comments import comments
from tests.helpers import findings_for
from tests.test_sarif import SCHEMA, multitool_problems

F3, F4 = "fixtures/BCDR003", "fixtures/BCDR004"
RULES = ["BCDR003", "BCDR004", "BCDR302", "BCDR401", "BCDR402", "BCDR502", "BCDR503", "BCDR804"]


def suppressed_for(paths, select=RULES):
    result = engine.check([str(p) for p in paths], select=select)
    return sorted((f.rule_id, f.location.path, f.location.start_line, f.suppression.kind,
                   f.suppression.location.start_line if f.suppression.location else None,
                   f.suppression.justification) for f in result.suppressed)


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


# --- BCDR004: a suppression without a reason still suppresses, and is reported -------------------


def test_reasonless_suppressions_are_reported_and_still_suppress(at_root):
    assert findings_for([f"{F4}/bad/terraform"], RULES) == [
        ("BCDR004", f"{F4}/bad/terraform/main.tf", 5),   # trailing `// bcdr-lint: ignore[BCDR401]`
        ("BCDR004", f"{F4}/bad/terraform/main.tf", 24),  # `# bcdr-lint: ignore[BCDR302]` above the line
    ]
    assert suppressed_for([f"{F4}/bad/terraform"]) == [
        ("BCDR302", f"{F4}/bad/terraform/main.tf", 25, "inSource", 24, "(no reason given)"),
        ("BCDR401", f"{F4}/bad/terraform/main.tf", 5, "inSource", 5, "(no reason given)"),
    ]
    assert findings_for([f"{F4}/bad/kubernetes"], RULES) == [
        ("BCDR004", f"{F4}/bad/kubernetes/workers.yaml", 7),   # annotation "BCDR502" without a reason
        ("BCDR004", f"{F4}/bad/kubernetes/workers.yaml", 39),  # ignore[node-local-state], by rule name
    ]
    assert [s[:3] for s in suppressed_for([f"{F4}/bad/kubernetes"])] == [
        ("BCDR502", f"{F4}/bad/kubernetes/workers.yaml", 19),
        ("BCDR503", f"{F4}/bad/kubernetes/workers.yaml", 39),
    ]
    assert findings_for([f"{F4}/bad/arm"], RULES) == [
        ("BCDR004", f"{F4}/bad/arm/azuredeploy.json", 13),  # tag "BCDR401:" with nothing after the colon
    ]
    assert [s[:3] for s in suppressed_for([f"{F4}/bad/arm"])] == [("BCDR401", f"{F4}/bad/arm/azuredeploy.json", 10)]


def test_suppressions_with_reasons_leave_nothing(at_root):
    assert findings_for([f"{F4}/good"], RULES) == []
    assert suppressed_for([f"{F4}/good"]) == [
        ("BCDR302", f"{F4}/good/terraform/main.tf", 25, "inSource", 24,
         "cluster is replaced by aks-tailspin-batch2 in Q3; no peering until then"),
        ("BCDR401", f"{F4}/good/arm/azuredeploy.json", 10, "inSource", 13,
         "batch images only, rebuilt from source after a regional outage"),
        ("BCDR401", f"{F4}/good/terraform/main.tf", 5, "inSource", 5,
         "nightly batch images only; rebuilt from source after a regional outage (PLAT-2291)"),
        ("BCDR502", f"{F4}/good/kubernetes/workers.yaml", 19, "inSource", 7,
         "work queue of nightly batch jobs; jobs are re-queued from the scheduler after a failover"),
        ("BCDR503", f"{F4}/good/kubernetes/workers.yaml", 39, "inSource", 39,
         "buffer of logs not yet shipped; losing it on node loss is accepted"),
    ]


# --- BCDR003: suppressions that match nothing --------------------------------------------------


def test_unused_unknown_and_malformed_suppressions_terraform(at_root):
    assert findings_for([f"{F3}/bad/terraform"], RULES) == [
        ("BCDR003", f"{F3}/bad/terraform/main.tf", 1),   # BCDR402: the registry replicates everywhere
        ("BCDR003", f"{F3}/bad/terraform/main.tf", 28),  # BCDR320 is no rule
        ("BCDR003", f"{F3}/bad/terraform/main.tf", 38),  # `ignore BCDR302` without brackets
    ]
    messages = [f.message for f in engine.check([f"{F3}/bad/terraform"], select=RULES).findings]
    assert messages[0].startswith("unused suppression: no BCDR402 finding on line 2")
    assert "'BCDR320', which is not a bcdr-lint rule" in messages[1]
    assert "not understood" in messages[2]


def test_misplaced_comment_and_annotation_without_finding_kubernetes(at_root):
    # The comment stands above `- name: redis`, but BCDR502 points at the image line below it.
    assert findings_for([f"{F3}/bad/kubernetes"], RULES) == [
        ("BCDR003", f"{F3}/bad/kubernetes/sessions.yaml", 7),   # annotation on a Deployment without a database
        ("BCDR003", f"{F3}/bad/kubernetes/sessions.yaml", 35),  # the misplaced comment
        ("BCDR502", f"{F3}/bad/kubernetes/sessions.yaml", 37),
        ("BCDR804", f"{F3}/bad/kubernetes/sessions.yaml", 27),
    ]


def test_unused_tag_and_jsonc_comment_arm(at_root):
    assert findings_for([f"{F3}/bad/arm"], RULES) == [
        ("BCDR003", f"{F3}/bad/arm/azuredeploy.json", 12),  # tag: the registry is Premium
        ("BCDR003", f"{F3}/bad/arm/azuredeploy.json", 24),  # `//` comment: the load balancer is standard
    ]


def test_used_suppressions_in_every_format(at_root):
    for variant in ("terraform", "kubernetes", "arm"):
        assert findings_for([f"{F3}/good/{variant}"], RULES) == [], variant
    assert [s[:5] for s in suppressed_for([f"{F3}/good"])] == [
        ("BCDR302", f"{F3}/good/arm/azuredeploy.json", 25, "inSource", 24),
        ("BCDR302", f"{F3}/good/terraform/main.tf", 28, "inSource", 28),
        ("BCDR401", f"{F3}/good/arm/azuredeploy.json", 10, "inSource", 12),
        ("BCDR402", f"{F3}/good/terraform/main.tf", 2, "inSource", 1),
        ("BCDR502", f"{F3}/good/kubernetes/sessions.yaml", 21, "inSource", 20),  # the comment: more specific
        ("BCDR804", f"{F3}/good/kubernetes/sessions.yaml", 11, "inSource", 7),
    ]


def test_unused_is_only_judged_for_rules_that_ran(at_root):
    # BCDR402 and BCDR302 are not selected: their suppressions cannot be called unused.
    assert findings_for([f"{F3}/bad/terraform"], ["BCDR003", "BCDR401"]) == [
        ("BCDR003", f"{F3}/bad/terraform/main.tf", 28),
        ("BCDR003", f"{F3}/bad/terraform/main.tf", 38),
    ]
    # BCDR003 itself off: nothing about suppressions, and the suppressions still work.
    assert findings_for([f"{F4}/bad/terraform"], ["BCDR302", "BCDR401"]) == []


def test_suppressions_in_a_file_that_does_not_parse_are_not_judged(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("broken.yaml").write_text(
        "# bcdr-lint: ignore[BCDR502] kept for the migration\nkind: Deployment\n  bad: [\n", encoding="utf-8")
    found = findings_for(["broken.yaml"], RULES)
    assert [(r, p) for r, p, _ in found] == [("BCDR001", "broken.yaml")]


# --- scope ---------------------------------------------------------------------------------------


def test_comment_scope_trailing_stacked_and_blank_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("app.yaml").write_text("""\
apiVersion: apps/v1
kind: Deployment
metadata: {name: a, namespace: n}
spec:
  template:
    spec:
      containers:
        - name: one
          # bcdr-lint: ignore[BCDR502] stacked above another comment
          # (the image is pinned by the platform team)
          image: postgres:16
        - name: two
          image: mysql:8 # bcdr-lint: ignore[BCDR502] trailing, on the line itself
        - name: three
          # bcdr-lint: ignore[BCDR502] a blank line ends the comment block's reach

          image: mongo:7
""", encoding="utf-8")
    result = engine.check(["app.yaml"], select=["BCDR003", "BCDR502"])
    assert sorted((f.rule_id, f.location.start_line) for f in result.findings) == [
        ("BCDR003", 15), ("BCDR502", 17)]
    assert sorted((f.rule_id, f.location.start_line) for f in result.suppressed) == [("BCDR502", 11), ("BCDR502", 13)]


def test_annotation_covers_its_object_only_and_list_items(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("list.yaml").write_text("""\
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: ledger
      namespace: pay
      annotations:
        bcdr-lint.io/ignore: "BCDR502, BCDR804: replicated by the ledger service itself"
    spec:
      template:
        spec:
          containers:
            - {name: db, image: postgres:16}
  - apiVersion: apps/v1
    kind: StatefulSet
    metadata: {name: audit, namespace: pay}
    spec:
      template:
        spec:
          containers:
            - {name: db, image: postgres:16}
""", encoding="utf-8")
    result = engine.check(["list.yaml"], select=["BCDR003", "BCDR502"])
    assert [(f.rule_id, f.location.start_line) for f in result.findings] == [("BCDR502", 23)]
    assert [(f.rule_id, f.location.start_line, f.suppression.justification) for f in result.suppressed] == [
        ("BCDR502", 15, "replicated by the ledger service itself")]


def test_json_metadata_array_and_several_rules(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("template.json").write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "metadata": {"bcdr-lint-ignore": ["BCDR401: lab subscription, deleted nightly",
                                          "BCDR302, BCDR801: lab subscription, deleted nightly"]},
        "resources": [
            {"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "labacr",
             "location": "eastus2", "sku": {"name": "Basic"}},
            {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-02-01", "name": "aks-lab",
             "location": "eastus2", "properties": {"dnsPrefix": "lab", "agentPoolProfiles": [
                 {"name": "system", "mode": "System", "count": 1}], "networkProfile": {"loadBalancerSku": "basic"}}},
        ],
    }, indent=2), encoding="utf-8")
    result = engine.check(["template.json"], select=["BCDR003", "BCDR004", "BCDR302", "BCDR401", "BCDR801"])
    assert result.findings == []
    assert sorted(f.rule_id for f in result.suppressed) == ["BCDR302", "BCDR401", "BCDR801"]


SESSIONS = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: sessions
  namespace: shop
  annotations:
{annotation}
spec:
  serviceName: sessions
  selector: {{matchLabels: {{app: sessions}}}}
  replicas: 1
  template:
    metadata:
      labels: {{app: sessions}}
{template_annotation}
    spec:
      containers:
        - name: redis
          image: redis:7.2
"""


def sessions(tmp_path, monkeypatch, annotation: str, template_annotation: str = "") -> str:
    monkeypatch.chdir(tmp_path)
    Path("sessions.yaml").write_text(SESSIONS.format(annotation=annotation, template_annotation=template_annotation),
                                     encoding="utf-8")
    return "sessions.yaml"


def test_annotation_entries_one_per_line_also_when_folded_and_continued(tmp_path, monkeypatch):
    # `>` folds the lines into one: the entries must still be read one per line, and a line
    # that starts with no rule list continues the reason above it.
    path = sessions(tmp_path, monkeypatch, """\
    bcdr-lint.io/ignore: >
      BCDR804: one replica by design; the storefront
        falls back to signed cookies
      BCDR502, BCDR404: session cache only, mirrored by hand""")
    result = engine.check([path], select=["BCDR003", "BCDR004", "BCDR404", "BCDR502", "BCDR804"])
    assert result.findings == []
    assert sorted((f.rule_id, f.location.start_line, f.suppression.justification) for f in result.suppressed) == [
        ("BCDR404", 22, "session cache only, mirrored by hand"),
        ("BCDR502", 22, "session cache only, mirrored by hand"),
        ("BCDR804", 14, "one replica by design; the storefront falls back to signed cookies"),
    ]
    # A second entry with a mistake in its rule list is reported, not taken for more reason.
    sessions(tmp_path, monkeypatch, """\
    bcdr-lint.io/ignore: |
      BCDR804: one replica by design
      BCDR502 BCDR404: no comma between the rules""")
    result = engine.check([path], select=["BCDR003", "BCDR404", "BCDR502", "BCDR804"])
    assert [(f.rule_id, f.location.start_line) for f in result.findings] == [
        ("BCDR003", 7), ("BCDR404", 21), ("BCDR502", 21)]
    assert "names 'BCDR502 BCDR404', which is not a bcdr-lint rule" in result.findings[0].message
    assert [(f.rule_id, f.suppression.justification) for f in result.suppressed] == [
        ("BCDR804", "one replica by design")]


def test_annotation_on_the_pod_template_covers_the_template(tmp_path, monkeypatch):
    path = sessions(tmp_path, monkeypatch, "    team: shop",
                    '      annotations:\n        bcdr-lint.io/ignore: "BCDR502, BCDR804: session cache only"')
    result = engine.check([path], select=["BCDR003", "BCDR502", "BCDR804"])
    # BCDR804 points at `replicas`, outside the template: not covered, so that entry is unused.
    assert sorted((f.rule_id, f.location.start_line) for f in result.findings) == [("BCDR003", 16), ("BCDR804", 11)]
    unused = next(f for f in result.findings if f.rule_id == "BCDR003")
    assert unused.message == ("unused suppression: no BCDR804 finding in the object it annotates (lines 13-20); "
                              "remove it")
    assert [(f.rule_id, f.location.start_line) for f in result.suppressed] == [("BCDR502", 20)]


def test_suppression_values_that_are_not_text_are_reported(tmp_path, monkeypatch):
    path = sessions(tmp_path, monkeypatch, "    bcdr-lint.io/ignore: [BCDR502]")
    result = engine.check([path], select=["BCDR003", "BCDR502"])
    assert [(f.rule_id, f.location.start_line) for f in result.findings] == [("BCDR003", 7), ("BCDR502", 19)]
    assert "not understood: the value must be text" in result.findings[0].message
    Path("t.json").write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "resources": [{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01", "name": "acr",
                       "location": "eastus2", "sku": {"name": "Basic"}, "tags": {"bcdr-lint-ignore": 401}}],
    }, indent=2), encoding="utf-8")
    found = engine.check(["t.json"], select=["BCDR003"]).findings
    assert [(f.rule_id, f.location.start_line) for f in found] == [("BCDR003", 13)]
    assert "not understood: the value must be text" in found[0].message


def test_comments_that_look_like_a_suppression_but_are_not_one_are_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text("""\
# Checked by bcdr-lint: see docs/bcdr.md. The bcdr-lint ignore list lives in pyproject.toml.
resource "azurerm_container_registry" "batch" {
  name                = "tailspinbatchacr" # bcdr-lint: ignroe[BCDR401] typo in the verb
  resource_group_name = "rg-batch" # bcdr-lint ignore[BCDR401] no colon
  location            = "eastus2" # bcdr-lint-ignore[BCDR401] JSON tag spelling in a comment
  sku                 = "Standard" # bcdr-lint: ignore[BCDR401, BCDR003] cannot hide its own problems
}
""", encoding="utf-8")
    found = engine.check(["main.tf"], select=["BCDR003", "BCDR502"]).findings  # BCDR401 not judged
    assert [(f.rule_id, f.location.start_line) for f in found] == [
        ("BCDR003", 3), ("BCDR003", 4), ("BCDR003", 5), ("BCDR003", 6)]
    assert all("not understood: expected `bcdr-lint: ignore[RULE, ...] reason`" in f.message for f in found[:3])
    assert found[3].message == ("BCDR003 cannot be suppressed in the source (a suppression would hide its own "
                                "problems): use `ignore` or `per-file-ignores` in the configuration")


def test_a_tag_suppression_outside_json_is_reported_not_silently_ignored(tmp_path, monkeypatch):
    # Tags are read in JSON (ARM templates, exports) only: in Terraform or Bicep the author must
    # learn that the tag suppresses nothing.
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text("""\
# Tags such as "bcdr-lint-ignore" = "..." are not read here: use comments.
resource "azurerm_container_registry" "batch" {
  sku  = "Standard"
  tags = { "bcdr-lint-ignore" = "BCDR401: build cache only" }
}
""", encoding="utf-8")
    Path("main.bicep").write_text("""\
resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'batchacr'
  location: 'eastus2'
  sku: { name: 'Standard' }
  tags: {
    'bcdr-lint-ignore': 'BCDR401: build cache only'
  }
}
""", encoding="utf-8")
    found = engine.check(["main.tf", "main.bicep"], select=["BCDR003", "BCDR502"]).findings
    assert [(f.rule_id, f.location.path, f.location.start_line, f.location.start_col) for f in found] == [
        ("BCDR003", "main.bicep", 6, 5), ("BCDR003", "main.tf", 4, 12)]
    assert found[1].message == (
        "bcdr-lint suppression not understood: a `bcdr-lint-ignore` tag suppresses only in JSON (ARM templates, "
        "exports); here write a `# bcdr-lint: ignore[RULES] reason` comment on the line of the finding")
    assert "write a `// bcdr-lint: ignore[RULES] reason` comment" in found[0].message


def test_a_rule_id_typo_names_the_rule_meant(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text('resource "azurerm_container_registry" "batch" {\n'
                               '  sku = "Standard" # bcdr-lint: ignore[BCDR4O1, BCDR40I, registry-not-premiun] reason\n'
                               '}\n', encoding="utf-8")
    messages = [f.message for f in engine.check(["main.tf"], select=["BCDR003"]).findings]
    assert messages == [
        "suppression names 'BCDR40I', which is not a bcdr-lint rule (did you mean BCDR401?)",
        "suppression names 'BCDR4O1', which is not a bcdr-lint rule (did you mean BCDR401?)",
        "suppression names 'registry-not-premiun', which is not a bcdr-lint rule (did you mean registry-not-premium?)",
    ]


def test_select_bcdr003_alone_judges_every_suppression(at_root):
    # As `--select BCDR002` shows every unresolved value: every rule runs, only BCDR003 is reported.
    assert findings_for([f"{F3}/bad"], ["BCDR003"]) == [
        ("BCDR003", f"{F3}/bad/arm/azuredeploy.json", 12),
        ("BCDR003", f"{F3}/bad/arm/azuredeploy.json", 24),
        ("BCDR003", f"{F3}/bad/kubernetes/sessions.yaml", 7),
        ("BCDR003", f"{F3}/bad/kubernetes/sessions.yaml", 35),
        ("BCDR003", f"{F3}/bad/terraform/main.tf", 1),
        ("BCDR003", f"{F3}/bad/terraform/main.tf", 28),
        ("BCDR003", f"{F3}/bad/terraform/main.tf", 38),
    ]
    result = invoke("check", f"{F3}/good", "--select", "BCDR003", "--format", "sarif")
    assert result.exit_code == 0
    log = json.loads(result.output)
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == ["BCDR001", "BCDR003"]
    assert log["runs"][0]["results"] == []  # the suppressed findings of rules not reported are not listed


def test_a_suppression_beside_a_related_location_says_where_the_finding_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("registry.tf").write_text("""\
resource "azurerm_container_registry" "shared" {
  name                = "contosoacr"
  resource_group_name = "rg-shared"
  location            = "eastus2"
  sku                 = "Premium"
}
""", encoding="utf-8")
    cluster = """\
resource "azurerm_kubernetes_cluster" "{key}" {{
  name                = "aks-{region}"
  {comment}location            = "{region}"
  resource_group_name = "rg-{region}"
  dns_prefix          = "{key}"
  default_node_pool {{
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }}
}}
"""
    Path("clusters.tf").write_text(
        cluster.format(key="east", region="eastus2", comment="")
        + cluster.format(key="central", region="centralus",
                         comment="# bcdr-lint: ignore[BCDR402] pulled from eastus2 during the pilot\n  "),
        encoding="utf-8")
    found = engine.check(["."], select=["BCDR003", "BCDR402"]).findings
    assert [(f.rule_id, f.location.path, f.location.start_line) for f in found] == [
        ("BCDR003", "clusters.tf", 14), ("BCDR402", "registry.tf", 1)]
    assert found[0].message == ("unused suppression: no BCDR402 finding on line 15; the BCDR402 finding this line "
                                "relates to is at registry.tf:1: suppress it there")


# --- comment scanners: no comment inside a string ------------------------------------------------


def bodies(path: str, text: str) -> list[str]:
    return [c.body.strip() for c in comments(path, text)]


def test_hcl_comments_outside_strings_interpolations_and_heredocs():
    text = '''resource "x" "y" { # one
  url = "http://example.com/#anchor" // two
  s   = "${var.a == "#" ? "//" : "x"}" /* three
  lines */
  t   = <<-EOT
    # not a comment
    EOT
  lit = "$${x} # still text"
  # four
}
'''
    assert bodies("main.tf", text) == ["one", "two", "three\n  lines", "four"]


def test_bicep_comments_outside_strings():
    text = """param u string = 'http://x#y' // one
var s = '${concat('http://', u)}' // two
var m = '''
// not a comment
'''
/* three */
"""
    assert bodies("main.bicep", text) == ["one", "two", "three"]


def test_yaml_comments_outside_quoted_and_block_scalars():
    text = """a: 'x # y'
b: |
  # inside a block scalar
c: d # one
# two
e: "multi
  # still the string"
f: g#not-a-comment
"""
    assert bodies("a.yaml", text) == ["one", "two"]


def test_json_and_toml_comments():
    assert bodies("t.json", '{"a": "http://x//y", // one\n "b": 1 /* two */}') == ["one", "two"]
    assert bodies("pyproject.toml", 'a = "b#c" # one\nb = \'x#\' # two\nc = """\n# no\n"""\n') == ["one", "two"]


# --- reports -------------------------------------------------------------------------------------


def test_text_and_json_list_suppressed_findings_only_when_asked(at_root):
    plain = invoke("check", f"{F4}/good/terraform", "--select", ",".join(RULES))
    assert plain.exit_code == 0
    assert "Suppressed" not in plain.output
    assert plain.output.strip().endswith("; 2 suppressed).")
    shown = invoke("check", f"{F4}/good/terraform", "--select", ",".join(RULES), "--show-suppressed")
    assert "Suppressed (2):" in shown.output
    assert (f"  {F4}/good/terraform/main.tf:25:5: BCDR302 warning:" in shown.output)
    assert (f"      suppressed in source ({F4}/good/terraform/main.tf:24:5): cluster is replaced by "
            "aks-tailspin-batch2 in Q3; no peering until then") in shown.output
    document = json.loads(invoke("check", f"{F4}/good/terraform", "--select", ",".join(RULES), "--format", "json",
                                 "--show-suppressed").output)
    assert document["summary"]["suppressed"] == 2 and document["findings"] == []
    entry = next(s for s in document["suppressed"] if s["rule_id"] == "BCDR401")
    assert entry["suppression"] == {
        "kind": "inSource",
        "justification": "nightly batch images only; rebuilt from source after a regional outage (PLAT-2291)",
        "location": {"path": f"{F4}/good/terraform/main.tf", "start_line": 5, "start_column": 36,
                     "end_line": 5, "end_column": 148},
    }
    hidden = json.loads(invoke("check", f"{F4}/good/terraform", "--select", ",".join(RULES),
                               "--format", "json").output)
    assert "suppressed" not in hidden and hidden["summary"]["suppressed"] == 2


def test_suppressed_findings_do_not_count_for_the_exit_status(at_root):
    assert invoke("check", f"{F4}/good", "--select", ",".join(RULES)).exit_code == 0
    assert invoke("check", f"{F4}/bad", "--select", ",".join(RULES)).exit_code == 1  # the BCDR004 warnings


def test_sarif_carries_suppressed_results_valid_for_schema_and_multitool(at_root, tmp_path):
    out = tmp_path / "log.sarif"
    result = invoke("check", f"{F4}/good", f"{F4}/bad/kubernetes", "--select", ",".join(RULES),
                    "--format", "sarif", "--output", str(out))
    assert result.exit_code == 1  # the BCDR004 warnings of bad/kubernetes
    log = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    suppressed = [r for r in results if r.get("suppressions")]
    assert len(suppressed) == 7 and len(results) == 9
    by_rule = {(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]): r for r in suppressed}
    (suppression,) = by_rule[("BCDR302", 25)]["suppressions"]
    assert suppression["kind"] == "inSource" and suppression["status"] == "accepted"
    assert suppression["justification"] == "cluster is replaced by aks-tailspin-batch2 in Q3; no peering until then"
    assert suppression["location"]["physicalLocation"]["region"]["startLine"] == 24
    assert multitool_problems(out, tmp_path) == []
