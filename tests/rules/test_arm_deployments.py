"""ARM deployments the model cannot see whole: linked templates (``templateLink``) and templates
deployed with a parameter file. Rules about all clusters hold back instead of guessing from
what is written in the one file."""

import json

from click.testing import CliRunner

from bcdr_lint.cli import main
from tests.helpers import findings_for, run

F = "fixtures/BCDR101/unresolved"
LINKED = f"{F}/arm-linked-template"
PARAMS = f"{F}/arm-parameter-file"


def _cli(*args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["check", *args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output  # notes only
    return json.loads(result.output)["findings"]


def _where(findings: list[dict]) -> list[tuple[str, str, int]]:
    return sorted((f["rule_id"], f["location"]["path"], f["location"]["start_line"]) for f in findings)


# -- a linked template ---------------------------------------------------------------------


def test_linked_template_holds_back_single_region_through_the_cli(at_root):
    # One cluster in eastus2, but the linked stamp may deploy more: no BCDR101 warning.
    findings = _cli(LINKED, "--select", "BCDR1", "--select", "BCDR002")
    assert _where(findings) == [("BCDR002", f"{LINKED}/main.json", 26)]
    (note,) = findings
    assert note["location"]["start_column"] == 9  # the templateLink property
    assert "deployment 'dr-stamp'" in note["message"]
    assert "`stamps/aks.json`" in note["message"]
    assert f"it names {LINKED}/stamps/aks.json, which does not exist" in note["message"]
    assert "needed by BCDR101, BCDR102" in note["message"]


def test_linked_template_alone_gives_no_other_finding(at_root):
    assert findings_for([LINKED]) == [("BCDR002", f"{LINKED}/main.json", 26)]


# -- a parameter file beside the template --------------------------------------------------


def test_parameter_file_location_is_not_the_default_through_the_cli(at_root):
    # The default says eastus2 only; the parameter file deploys westeurope: no guess, a note.
    findings = _cli(PARAMS, "--select", "BCDR1", "--select", "BCDR002")
    assert _where(findings) == [("BCDR002", f"{PARAMS}/azuredeploy.json", 14)]
    (note,) = findings
    assert "`parameters('location')`" in note["message"]
    assert f"set per deployment by {PARAMS}/azuredeploy.parameters.json" in note["message"]


def test_parameter_file_load_balancer_sku_is_not_the_default(at_root):
    # The default is standard, the file sets basic: BCDR302 must not pass it on the default.
    assert findings_for([PARAMS], ["BCDR302", "BCDR002"]) == [("BCDR002", f"{PARAMS}/azuredeploy.json", 21)]
    (note,) = run([PARAMS], ["BCDR302", "BCDR002"])
    assert "`parameters('lbSku')`" in note.message
    assert note.needed_by == ("BCDR302",)


def test_parameter_file_fixture_all_rules(at_root):
    assert findings_for([PARAMS]) == [
        ("BCDR002", f"{PARAMS}/azuredeploy.json", 14),
        ("BCDR002", f"{PARAMS}/azuredeploy.json", 21),
    ]


def test_only_the_template_named_still_uses_its_parameter_file(at_root):
    assert findings_for([f"{PARAMS}/azuredeploy.json"], ["BCDR1", "BCDR002"]) == [
        ("BCDR002", f"{PARAMS}/azuredeploy.json", 14),
    ]
