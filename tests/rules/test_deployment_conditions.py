"""Resources whose existence is decided at deployment (ARM ``condition``/``copy``, Terraform
``count``): the model marks them with ``deployed``; those that statically do not exist are gone."""

from bcdr_lint.engine import load
from bcdr_lint.loaders.discover import discover
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from tests.helpers import findings_for, run

F = "fixtures/BCDR101"


def _model(folder: str) -> Model:
    return load(discover([folder]))


def _clusters(model: Model) -> dict[str, Resource]:
    return {str(r.name): r for r in model.of_kind(Kind.AKS_CLUSTER)}


def test_arm_condition_without_a_default_leaves_the_dr_cluster_uncertain(at_root):
    path = f"{F}/unresolved/arm-condition/azuredeploy.json"
    model = _model(f"{F}/unresolved/arm-condition")
    clusters = _clusters(model)
    assert sorted(clusters) == ["aks-shop-centralus", "aks-shop-eastus2"]
    assert clusters["aks-shop-eastus2"].get("deployed") is None
    dr = clusters["aks-shop-centralus"]
    deployed = dr.get("deployed")
    assert isinstance(deployed, Unresolved)
    assert (deployed.expression, deployed.reason) == ("parameters('deployDr')", "parameter 'deployDr' has no default value")
    assert (deployed.location.path, deployed.location.start_line) == (path, 26)
    assert dr.loc("deployed") == deployed.location
    # Its inline system pool exists only if the cluster does.
    pools = {str(p.name): p for p in model.of_kind(Kind.NODE_POOL)}
    assert pools["aks-shop-centralus/system"].get("deployed") == deployed
    assert pools["aks-shop-eastus2/system"].get("deployed") is None


def test_terraform_count_without_a_default_leaves_the_dr_cluster_uncertain(at_root):
    path = f"{F}/unresolved/terraform-count/main.tf"
    model = _model(f"{F}/unresolved/terraform-count")
    clusters = _clusters(model)
    assert sorted(clusters) == ["aks-shop-centralus", "aks-shop-eastus2"]
    assert clusters["aks-shop-eastus2"].get("deployed") is None
    dr = clusters["aks-shop-centralus"]
    deployed = dr.get("deployed")
    assert isinstance(deployed, Unresolved)
    assert (deployed.expression, deployed.reason) == ("var.enable_dr ? 1 : 0", "var.enable_dr: variable has no default")
    assert (deployed.location.path, deployed.location.start_line) == (path, 35)
    assert dr.loc("deployed") == deployed.location
    pools = {p.key.rsplit(".", 1)[-1]: p for p in model.of_kind(Kind.NODE_POOL)}
    assert pools["dr/default_node_pool"].get("deployed") == deployed
    assert pools["primary/default_node_pool"].get("deployed") is None
    groups = {str(g.name): g for g in model.of_kind(Kind.RESOURCE_GROUP)}
    assert groups["rg-shop-centralus"].get("deployed").location.start_line == 12
    assert groups["rg-shop-eastus2"].get("deployed") is None


def test_arm_copy_of_an_empty_array_deploys_no_dr_cluster(at_root):
    folder = f"{F}/bad/arm-copy-zero"
    assert list(_clusters(_model(folder))) == ["aks-shop-eastus2"]
    assert findings_for([folder], ["BCDR001", "BCDR002", "BCDR101"]) == [
        ("BCDR101", f"{folder}/azuredeploy.json", 16),  # the location of the only cluster deployed
    ]
    (finding,) = run([folder], ["BCDR101"])
    assert "eastus2" in finding.message
