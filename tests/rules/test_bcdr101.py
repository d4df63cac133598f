"""BCDR101 single-region-deployment."""

from tests.helpers import findings_for, run

F = "fixtures/BCDR101"


def test_single_cluster_in_one_region_terraform(at_root):
    assert findings_for([f"{F}/bad/terraform"], ["BCDR101"]) == [
        ("BCDR101", f"{F}/bad/terraform/main.tf", 18),
    ]


def test_all_clusters_in_one_region_arm_reports_each_cluster(at_root):
    assert findings_for([f"{F}/bad/arm"], ["BCDR101"]) == [
        ("BCDR101", f"{F}/bad/arm/azuredeploy.json", 24),
        ("BCDR101", f"{F}/bad/arm/azuredeploy.json", 37),
    ]


def test_message_names_region_and_pair(at_root):
    (finding,) = run([f"{F}/bad/terraform"], ["BCDR101"])
    assert "eastus2" in finding.message and "centralus" in finding.message
    assert finding.level == "warning"


def test_two_regions_pass(at_root):
    assert findings_for([f"{F}/good/terraform"], ["BCDR101"]) == []
    assert findings_for([f"{F}/good/arm"], ["BCDR101"]) == []


def test_unresolved_region_is_a_note_not_a_guess(at_root):
    assert findings_for([f"{F}/unresolved/arm"], ["BCDR101", "BCDR002"]) == [
        ("BCDR002", f"{F}/unresolved/arm/azuredeploy.json", 12),
    ]
    assert findings_for([f"{F}/unresolved/terraform"], ["BCDR101", "BCDR002"]) == [
        ("BCDR002", f"{F}/unresolved/terraform/main.tf", 8),
    ]
    (note,) = run([f"{F}/unresolved/arm"], ["BCDR101", "BCDR002"])
    assert "resourceGroup().location" in note.text
    assert note.needed_by == ("BCDR101",)
    assert note.level == "note"


def test_unresolved_note_names_every_rule_that_needed_it(at_root):
    (note,) = run([f"{F}/unresolved/terraform"], ["BCDR1", "BCDR402", "BCDR002"])
    assert "var.location" in note.text
    # BCDR402 needs cluster regions only where a Premium registry exists: none here.
    assert note.needed_by == ("BCDR101", "BCDR102")


def test_a_cluster_that_may_not_be_deployed_is_reported_not_counted(at_root):
    # The DR cluster depends on a parameter / variable without default: whether the deployment
    # is single-region is unknown, so no BCDR101/102 warning — one note at the condition.
    for path, line, expression in (
        (f"{F}/unresolved/arm-condition/azuredeploy.json", 26, "parameters('deployDr')"),
        (f"{F}/unresolved/terraform-count/main.tf", 35, "var.enable_dr ? 1 : 0"),
    ):
        folder = path.rsplit("/", 1)[0]
        assert findings_for([folder], ["BCDR1", "BCDR002"]) == [("BCDR002", path, line)]
        (note,) = run([folder], ["BCDR1", "BCDR002"])
        assert f"whether it is deployed is unresolved: `{expression}`" in note.message
        assert note.needed_by == ("BCDR101", "BCDR102")
