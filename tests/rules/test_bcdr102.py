"""BCDR102 unpaired-regions."""

from tests.helpers import findings_for, run

F = "fixtures/BCDR102"


def test_no_cluster_in_any_pair_terraform(at_root):
    assert findings_for([f"{F}/bad/terraform"], ["BCDR102"]) == [
        ("BCDR102", f"{F}/bad/terraform/clusters.tf", 12),
        ("BCDR102", f"{F}/bad/terraform/clusters.tf", 25),
        ("BCDR102", f"{F}/bad/terraform/clusters.tf", 38),
    ]


def test_region_without_pair_says_so(at_root):
    messages = {f.location.start_line: f.message for f in run([f"{F}/bad/terraform"], ["BCDR102"])}
    assert "italynorth has no Azure paired region" in messages[38]
    assert "eastus2 is paired with centralus, which has no cluster" in messages[12]
    assert "westeurope is paired with northeurope" in messages[25]


def test_pairs_are_directional_arm(at_root):
    # westus3 -> eastus is satisfied; eastus -> westus is not.
    assert findings_for([f"{F}/bad/arm"], ["BCDR102"]) == [
        ("BCDR102", f"{F}/bad/arm/azuredeploy.json", 13),
    ]
    (finding,) = run([f"{F}/bad/arm"], ["BCDR102"])
    assert "eastus is paired with westus" in finding.message
    assert [r.location.start_line for r in finding.related] == [23]


def test_paired_regions_pass(at_root):
    assert findings_for([f"{F}/good/terraform"], ["BCDR102"]) == []
    assert findings_for([f"{F}/good/arm"], ["BCDR102"]) == []


def test_single_region_is_left_to_bcdr101(at_root):
    assert findings_for(["fixtures/BCDR101/bad/terraform"], ["BCDR102"]) == []
