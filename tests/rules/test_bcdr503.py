"""BCDR503 node-local-state."""

from tests.helpers import findings_for, run

BAD = "fixtures/BCDR503/bad"


def test_host_path_local_provisioners_and_local_volumes(at_root):
    assert findings_for([BAD], ["BCDR503"]) == [
        ("BCDR503", f"{BAD}/workloads.yaml", 22),
        ("BCDR503", f"{BAD}/workloads.yaml", 46),
        ("BCDR503", f"{BAD}/workloads.yaml", 73),
        ("BCDR503", f"{BAD}/workloads.yaml", 76),
        ("BCDR503", f"{BAD}/workloads.yaml", 123),
    ]


def test_messages_and_related_locations(at_root):
    by_line = {f.location.start_line: f for f in run([BAD], ["BCDR503"])}
    assert "volume 'files' of type hostPath" in by_line[22].message
    assert "StorageClass 'local-path' uses the node-local provisioner rancher.io/local-path" in by_line[46].message
    assert [(r.location.path, r.location.start_line) for r in by_line[46].related] == [(f"{BAD}/storage.yaml", 5)]
    assert "kubernetes.io/no-provisioner" in by_line[73].message
    assert "bound to PersistentVolume 'build-cache-node1' of type local" in by_line[76].message
    assert [(r.location.path, r.location.start_line) for r in by_line[76].related] == [
        (f"{BAD}/workloads.yaml", 92),
        (f"{BAD}/storage.yaml", 25),
    ]
    # Bound the other way round: the volume's claimRef names the claim.
    assert "bound to PersistentVolume 'logs-hostpath' of type hostPath" in by_line[123].message


def test_without_the_storage_class_nothing_is_guessed(at_root):
    assert findings_for([f"{BAD}/workloads.yaml"], ["BCDR503"]) == [
        ("BCDR503", f"{BAD}/workloads.yaml", 22),
    ]


def test_network_storage_and_claims_in_other_namespaces_pass(at_root):
    assert findings_for(["fixtures/BCDR503/good"], ["BCDR503", "BCDR002"]) == []
