"""BCDR301 peered-cluster-basic-load-balancer and BCDR302 basic-load-balancer."""

from tests.helpers import findings_for, run


def test_peered_basic_cluster_terraform(at_root):
    F = "fixtures/BCDR301"
    assert findings_for([f"{F}/bad/terraform"], ["BCDR301"]) == [
        ("BCDR301", f"{F}/bad/terraform/clusters.tf", 35),
    ]
    (finding,) = run([f"{F}/bad/terraform"], ["BCDR301"])
    assert finding.level == "error"
    # The peering is on the other side (eastus2 -> centralus): it still counts.
    assert [(r.location.path, r.location.start_line) for r in finding.related] == [
        (f"{F}/bad/terraform/network.tf", 30),
    ]


def test_peering_to_a_network_outside_the_model_arm(at_root):
    F = "fixtures/BCDR301"
    assert findings_for([f"{F}/bad/arm"], ["BCDR301"]) == [
        ("BCDR301", f"{F}/bad/arm/azuredeploy.json", 55),
    ]


def test_standard_or_default_sku_in_peered_network_passes(at_root):
    assert findings_for(["fixtures/BCDR301/good/terraform"], ["BCDR301"]) == []
    assert findings_for(["fixtures/BCDR301/good/arm"], ["BCDR301"]) == []


def test_basic_without_peering_is_only_bcdr302(at_root):
    assert findings_for(["fixtures/BCDR302/bad/terraform"], ["BCDR301"]) == []


def test_basic_load_balancer(at_root):
    F = "fixtures/BCDR302"
    assert findings_for([f"{F}/bad/terraform"], ["BCDR302"]) == [
        ("BCDR302", f"{F}/bad/terraform/main.tf", 15),
    ]
    assert findings_for([f"{F}/bad/arm"], ["BCDR302"]) == [
        ("BCDR302", f"{F}/bad/arm/azuredeploy.json", 13),
    ]


def test_standard_and_unset_are_fine(at_root):
    assert findings_for(["fixtures/BCDR302/good/terraform"], ["BCDR302"]) == []
    assert findings_for(["fixtures/BCDR302/good/arm"], ["BCDR302"]) == []


def test_a_same_named_network_elsewhere_is_not_this_clusters_network(at_root):
    # Two templates declare 'vnet-spoke'; only the payments one is peered. The search cluster's
    # subnet reference resolves to the network in its own template, not by name alone.
    assert findings_for(["fixtures/BCDR301/good/same-name-networks"], ["BCDR301", "BCDR002"]) == []


def test_unresolved_peering_side_is_reported_not_guessed(at_root):
    F = "fixtures/BCDR301/unresolved/terraform"
    assert findings_for([F], ["BCDR301", "BCDR002"]) == [
        ("BCDR002", f"{F}/main.tf", 27),
        ("BCDR002", f"{F}/main.tf", 28),
    ]
    assert all(f.needed_by == ("BCDR301",) for f in run([F], ["BCDR301", "BCDR002"]))


def test_pool_of_an_unresolved_cluster_in_a_peered_network_is_reported(at_root):
    F = "fixtures/BCDR301/unresolved/arm"
    assert findings_for([F], ["BCDR301", "BCDR002"]) == [("BCDR002", f"{F}/azuredeploy.json", 41)]
    (note,) = run([F], ["BCDR301", "BCDR002"])
    assert "parameter 'clusterName' has no default value" in note.message
