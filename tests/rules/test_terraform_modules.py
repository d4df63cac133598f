"""Terraform module calls and region rules: a module the model cannot read, or a child module
whose region its caller sets, holds BCDR101/BCDR102 back with a BCDR002 note instead of a
"single region" warning."""

from tests.helpers import findings_for, run

F = "fixtures/BCDR101"


def test_local_module_call_leaves_the_child_region_unresolved(at_root):
    folder = f"{F}/good/terraform-module-call"
    assert findings_for([folder], ["BCDR1", "BCDR002"]) == [
        ("BCDR002", f"{folder}/modules/aks/main.tf", 8),  # the module's cluster location
    ]
    (note,) = run([folder], ["BCDR1", "BCDR002"])
    assert f"set by the module call at {folder}/main.tf:25" in note.message
    assert note.needed_by == ("BCDR101", "BCDR102")


def test_registry_module_call_is_an_unread_deployment(at_root):
    folder = f"{F}/unresolved/terraform-registry-module"
    assert findings_for([folder], ["BCDR1", "BCDR002"]) == [
        ("BCDR002", f"{folder}/main.tf", 21),  # the module's source
    ]
    (note,) = run([folder], ["BCDR1", "BCDR002"])
    assert "`Azure/aks/azurerm` (registry and remote modules are not read offline)" in note.message


def test_the_root_folder_alone_does_not_read_its_local_module(at_root):
    folder = f"{F}/good/terraform-module-call"
    (note,) = run([f"{folder}/main.tf"], ["BCDR1", "BCDR002"])
    assert (note.rule_id, note.location.path, note.location.start_line) == ("BCDR002", f"{folder}/main.tf", 26)
    assert "the module folder is not among the checked paths" in note.message
