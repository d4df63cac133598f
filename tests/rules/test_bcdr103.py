"""BCDR103 unknown-region."""

from tests.helpers import findings_for, run

F = "fixtures/BCDR103"


def test_typos_terraform(at_root):
    assert findings_for([f"{F}/bad/terraform"], ["BCDR103"]) == [
        ("BCDR103", f"{F}/bad/terraform/main.tf", 3),
        ("BCDR103", f"{F}/bad/terraform/main.tf", 21),
    ]
    messages = sorted(f.message for f in run([f"{F}/bad/terraform"], ["BCDR103"]))
    assert "'eastus3' is not an Azure region where AKS is offered (did you mean eastus, eastus2 or westus3?)" in messages[0]
    assert "'west-europe' is not an Azure region (did you mean westeurope?)" in messages[1]


def test_typo_from_parameter_default_arm(at_root):
    assert findings_for([f"{F}/bad/arm"], ["BCDR103"]) == [
        ("BCDR103", f"{F}/bad/arm/azuredeploy.json", 12),
        ("BCDR103", f"{F}/bad/arm/azuredeploy.json", 22),
    ]
    assert all(f.level == "error" for f in run([f"{F}/bad/arm"], ["BCDR103"]))


def test_display_names_are_normalized(at_root):
    assert findings_for([f"{F}/good/terraform"], ["BCDR103"]) == []
    assert findings_for([f"{F}/good/arm"], ["BCDR103"]) == []
