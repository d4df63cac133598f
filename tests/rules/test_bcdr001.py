"""BCDR001 parse-error: every broken file is reported at its line, the rest is still checked."""

from tests.helpers import findings_for, run

F = "fixtures/BCDR001"


def test_each_broken_file_reported_at_the_error_line(at_root):
    assert findings_for([f"{F}/bad"], ["BCDR001"]) == [
        ("BCDR001", f"{F}/bad/azuredeploy.json", 9),
        ("BCDR001", f"{F}/bad/binary/logo.yaml", 3),
        ("BCDR001", f"{F}/bad/deployment.yaml", 13),
        ("BCDR001", f"{F}/bad/latin1.yml", 4),
        ("BCDR001", f"{F}/bad/main.tf", 9),
    ]


def test_messages_say_what_is_wrong(at_root):
    messages = {f.location.path.rsplit("/", 1)[-1]: f.message for f in run([f"{F}/bad"], ["BCDR001"])}
    assert "invalid UTF-8" in messages["latin1.yml"]
    assert "binary" in messages["logo.yaml"]
    assert "delimiter" in messages["azuredeploy.json"].lower()


def test_valid_and_foreign_files_pass(at_root):
    # Kubernetes, Terraform, JSON with comments, a compose file and a Helm chart's Go templates.
    assert findings_for([f"{F}/good"], ["BCDR001"]) == []


def test_other_formats_still_checked_next_to_broken_files(at_root):
    ids = {f.rule_id for f in run([f"{F}/bad", "fixtures/BCDR402/bad/terraform"])}
    assert {"BCDR001", "BCDR402"} <= ids
