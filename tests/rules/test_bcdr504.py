"""BCDR504 locally-redundant-storage-class."""

from tests.helpers import findings_for, run

BAD = "fixtures/BCDR504/bad"


def test_lrs_classes_in_use_and_builtin_classes(at_root):
    assert findings_for([BAD], ["BCDR504"]) == [
        ("BCDR504", f"{BAD}/claims.yaml", 45),
        ("BCDR504", f"{BAD}/claims.yaml", 81),
        ("BCDR504", f"{BAD}/storage-classes.yaml", 9),
        ("BCDR504", f"{BAD}/storage-classes.yaml", 21),
        ("BCDR504", f"{BAD}/storage-classes.yaml", 31),
    ]


def test_storage_class_finding_relates_its_claims(at_root):
    by_place = {(f.location.path, f.location.start_line): f for f in run([BAD], ["BCDR504"])}
    fast = by_place[(f"{BAD}/storage-classes.yaml", 9)]
    assert "StorageClass 'fast-disk' provisions Premium_LRS volumes" in fast.message
    assert [(r.location.path, r.location.start_line) for r in fast.related] == [
        (f"{BAD}/claims.yaml", 8),
        (f"{BAD}/claims.yaml", 20),
    ]
    shared = by_place[(f"{BAD}/storage-classes.yaml", 21)]
    assert [(r.location.start_line, r.message) for r in shared.related] == [
        (73, "volume claim template 'shared' of StatefulSet 'media-store' uses this StorageClass"),
    ]
    # The beta annotation still selects the class in older manifests.
    legacy = by_place[(f"{BAD}/storage-classes.yaml", 31)]
    assert [(r.location.start_line, r.message) for r in legacy.related] == [
        (31, "PersistentVolumeClaim 'reports' uses this StorageClass"),
    ]


def test_builtin_class_message(at_root):
    by_line = {f.location.start_line: f.message for f in run([f"{BAD}/claims.yaml"], ["BCDR504"])}
    assert "AKS built-in StorageClass 'managed-csi-premium', which provisions Premium_LRS" in by_line[45]
    assert "AKS built-in StorageClass 'azurefile-csi', which provisions Standard_LRS" in by_line[81]


def test_unused_lrs_redefined_builtin_and_no_class_pass(at_root):
    assert findings_for(["fixtures/BCDR504/good"], ["BCDR504", "BCDR002"]) == []
