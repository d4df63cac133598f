"""BCDR503 node-local-state."""

from tests.helpers import findings_for, run

BAD = "fixtures/BCDR503/bad"


def test_host_path_local_provisioners_and_local_volumes(at_root):
    assert findings_for([BAD], ["BCDR503"]) == [
        ("BCDR503", f"{BAD}/edge/sensor-buffer.yaml", 22),
        ("BCDR503", f"{BAD}/edge/sensor-buffer.yaml", 25),
        ("BCDR503", f"{BAD}/k3s/telemetry.yaml", 21),
        ("BCDR503", f"{BAD}/workloads.yaml", 22),
        ("BCDR503", f"{BAD}/workloads.yaml", 46),
        ("BCDR503", f"{BAD}/workloads.yaml", 73),
        ("BCDR503", f"{BAD}/workloads.yaml", 76),
        ("BCDR503", f"{BAD}/workloads.yaml", 123),
    ]


def test_messages_and_related_locations(at_root):
    by_line = {f.location.start_line: f for f in run([f"{BAD}/workloads.yaml", f"{BAD}/storage.yaml"], ["BCDR503"])}
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


def test_claim_and_claim_ref_without_namespace_in_the_workloads_folder(at_root):
    by_line = {f.location.start_line: f for f in run([f"{BAD}/edge", f"{BAD}/storage.yaml"], ["BCDR503"])}
    assert sorted(by_line) == [22, 25]
    # The claim sets no namespace (`kubectl apply -n edge`): it is the Deployment's claim.
    assert "mounts claim 'sensor-spool' (volume 'spool'), whose StorageClass 'local-path'" in by_line[22].message
    assert [(r.location.path, r.location.start_line) for r in by_line[22].related] == [
        (f"{BAD}/edge/storage.yaml", 1),
        (f"{BAD}/storage.yaml", 5),
    ]
    # The volume's claimRef sets no namespace either.
    assert "bound to PersistentVolume 'sensor-archive-node7' of type hostPath" in by_line[25].message
    assert [(r.location.path, r.location.start_line) for r in by_line[25].related] == [
        (f"{BAD}/edge/storage.yaml", 12),
        (f"{BAD}/edge/storage.yaml", 32),
    ]


def test_node_local_default_class_for_templates_without_class(at_root):
    (finding,) = run([f"{BAD}/k3s"], ["BCDR503", "BCDR002"])
    assert (finding.rule_id, finding.location.path, finding.location.start_line) == (
        "BCDR503", f"{BAD}/k3s/telemetry.yaml", 21)
    assert (
        "volume claim template 'series', whose StorageClass 'local-path' (the default class: no storageClassName "
        "is set) uses the node-local provisioner rancher.io/local-path"
    ) in finding.message
    assert [(r.location.path, r.location.start_line) for r in finding.related] == [(f"{BAD}/k3s/storage-class.yaml", 8)]


def test_several_default_classes_one_node_local_is_unresolved(tmp_path):
    manifest = tmp_path / "cluster.yaml"
    manifest.write_text(
        "apiVersion: storage.k8s.io/v1\n"
        "kind: StorageClass\n"
        "metadata:\n"
        "  name: local-path\n"
        "  annotations: {storageclass.kubernetes.io/is-default-class: \"true\"}\n"
        "provisioner: rancher.io/local-path\n"
        "---\n"
        "apiVersion: storage.k8s.io/v1\n"
        "kind: StorageClass\n"
        "metadata:\n"
        "  name: managed-zrs\n"
        "  annotations: {storageclass.kubernetes.io/is-default-class: \"true\"}\n"
        "provisioner: disk.csi.azure.com\n"
        "parameters: {skuName: StandardSSD_ZRS}\n"
        "---\n"
        "apiVersion: v1\n"
        "kind: PersistentVolumeClaim\n"
        "metadata: {name: cache, namespace: web}\n"
        "spec: {accessModes: [ReadWriteOnce]}\n"
        "---\n"
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata: {name: web, namespace: web}\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      containers: [{name: web, image: contoso/web:1}]\n"
        "      volumes: [{name: cache, persistentVolumeClaim: {claimName: cache}}]\n",
        encoding="utf-8",
    )
    assert findings_for([str(manifest)], ["BCDR503", "BCDR002"]) == [("BCDR002", str(manifest), 16)]
    (note,) = run([str(manifest)], ["BCDR503", "BCDR002"])
    assert note.needed_by == ("BCDR503",)
    assert "more than one StorageClass in the checked files may be the cluster's default (local-path, managed-zrs)" in (
        note.message)


def test_claims_without_namespace_elsewhere_are_not_matched(at_root):
    # good/shared-claims holds a namespace-less `report-output` on local-path: another folder.
    assert findings_for(["fixtures/BCDR503/good", f"{BAD}/storage.yaml"], ["BCDR503", "BCDR002"]) == []
