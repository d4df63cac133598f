"""Terraform module calls and region rules: a child module takes its region from its caller; a
module the model cannot read holds BCDR101/BCDR102 back with a BCDR002 note instead of a
"single region" warning."""

from bcdr_lint import engine
from bcdr_lint.model import Kind
from tests.helpers import findings_for, run

F = "fixtures/BCDR101"


def test_a_local_module_call_deploys_the_child_in_the_callers_region(at_root):
    folder = f"{F}/good/terraform-module-call"
    assert findings_for([folder], ["BCDR1", "BCDR002"]) == []
    clusters = engine.check([folder]).model.of_kind(Kind.AKS_CLUSTER)
    assert sorted((c.key, c.region, c.location.path, c.location.start_line) for c in clusters) == [
        (f"tf:{folder}:azurerm_kubernetes_cluster.primary", "eastus2", f"{folder}/main.tf", 8),
        (f"tf:{folder}:module.dr.azurerm_kubernetes_cluster.stamp", "centralus", f"{folder}/modules/aks/main.tf", 6),
    ]


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
