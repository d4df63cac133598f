"""BCDR504 locally-redundant-storage-class."""

import pytest

from bcdr_lint.data import csi_default_skus
from bcdr_lint.model import Unresolved
from tests.helpers import findings_for, run

BAD = "fixtures/BCDR504/bad"


def test_lrs_classes_in_use_and_builtin_classes(at_root):
    assert findings_for([BAD], ["BCDR504"]) == [
        ("BCDR504", f"{BAD}/claims.yaml", 45),
        ("BCDR504", f"{BAD}/claims.yaml", 81),
        ("BCDR504", f"{BAD}/default-class/storage-class.yaml", 10),
        ("BCDR504", f"{BAD}/storage-classes.yaml", 9),
        ("BCDR504", f"{BAD}/storage-classes.yaml", 21),
        ("BCDR504", f"{BAD}/storage-classes.yaml", 31),
        ("BCDR504", f"{BAD}/storage-classes.yaml", 39),
        ("BCDR504", f"{BAD}/storage-classes.yaml", 48),
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
    # The SKU as the manifest spells it, not the lower-cased value rules compare.
    assert "StorageClass 'shared-files' provisions standard_lrs volumes" in shared.message
    assert "StorageClass 'legacy-ssd' provisions StandardSSD_LRS volumes" in by_place[(f"{BAD}/storage-classes.yaml", 31)].message
    assert [(r.location.start_line, r.message) for r in shared.related] == [
        (73, "volume claim template 'shared' of StatefulSet 'media-store' uses this StorageClass"),
    ]
    # The beta annotation still selects the class in older manifests.
    legacy = by_place[(f"{BAD}/storage-classes.yaml", 31)]
    assert [(r.location.start_line, r.message) for r in legacy.related] == [
        (31, "PersistentVolumeClaim 'reports' uses this StorageClass"),
    ]


def test_class_without_sku_gets_the_csi_driver_default(at_root):
    by_place = {(f.location.path, f.location.start_line): f for f in run([BAD], ["BCDR504"])}
    disk = by_place[(f"{BAD}/storage-classes.yaml", 39)]
    assert disk.message.startswith(
        "StorageClass 'plain-disk' sets no skuName, so disk.csi.azure.com provisions its driver default SKU "
        "StandardSSD_LRS, which is locally redundant (one datacenter), for 1 claim(s)"
    )
    assert [(r.location.path, r.location.start_line) for r in disk.related] == [(f"{BAD}/claims.yaml", 93)]
    files = by_place[(f"{BAD}/storage-classes.yaml", 48)]
    assert "StorageClass 'plain-files' sets no skuName, so file.csi.azure.com provisions its driver default SKU Standard_LRS" in files.message
    assert [(r.location.path, r.location.start_line) for r in files.related] == [(f"{BAD}/claims.yaml", 105)]


def test_builtin_class_message(at_root):
    by_line = {f.location.start_line: f.message for f in run([f"{BAD}/claims.yaml"], ["BCDR504"])}
    assert "AKS built-in StorageClass 'managed-csi-premium', which provisions Premium_LRS" in by_line[45]
    assert "AKS built-in StorageClass 'azurefile-csi', which provisions Standard_LRS" in by_line[81]


def test_unused_lrs_redefined_builtin_and_no_class_pass(at_root):
    # Also: in-tree classes without a SKU, Azure Files classes on an existing storage account or
    # with NFS (the documented default does not decide their SKU), and an unused class without SKU.
    assert findings_for(["fixtures/BCDR504/good"], ["BCDR504", "BCDR002"]) == []


@pytest.mark.parametrize(
    ("provisioner", "parameters", "applies"),
    [
        ("disk.csi.azure.com", {}, True),
        ("disk.csi.azure.com", {"storageaccount": "legacyblobs"}, True),  # unmanaged disks: skuName still decides
        ("file.csi.azure.com", {"protocol": "smb"}, True),
        ("file.csi.azure.com", {"storageaccount": ""}, True),  # empty reads as unset
        ("file.csi.azure.com", {"storageaccount": "teamfiles"}, False),
        ("file.csi.azure.com", {"protocol": "NFS"}, False),
        ("file.csi.azure.com", {"protocol": Unresolved("${PROTO}", "a template placeholder", None)}, False),
    ],
)
def test_when_the_driver_default_decides_the_sku(provisioner, parameters, applies):
    default = csi_default_skus()[provisioner]
    assert default.applies(parameters) is applies


def test_driver_defaults_are_recorded_only_for_csi_drivers():
    assert {name: d.sku for name, d in csi_default_skus().items()} == {
        "disk.csi.azure.com": "StandardSSD_LRS",
        "file.csi.azure.com": "Standard_LRS",
    }


def test_claims_without_class_use_the_default_class(at_root):
    (finding,) = run([f"{BAD}/default-class"], ["BCDR504", "BCDR002"])
    assert (finding.rule_id, finding.location.path, finding.location.start_line) == (
        "BCDR504", f"{BAD}/default-class/storage-class.yaml", 10)
    assert "StorageClass 'platform-ssd' provisions StandardSSD_LRS volumes" in finding.message
    assert "for 2 claim(s)" in finding.message
    assert [(r.location.path, r.location.start_line, r.message) for r in finding.related] == [
        (f"{BAD}/default-class/search.yaml", 1,
         "PersistentVolumeClaim 'search-snapshots' (no storageClassName: the default class) uses this StorageClass"),
        (f"{BAD}/default-class/search.yaml", 32,
         "volume claim template 'shards' of StatefulSet 'search-index' (no storageClassName: the default class) "
         "uses this StorageClass"),
    ]


DEFAULTS = """\
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: disk-lrs
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: disk.csi.azure.com
parameters: {skuName: Premium_LRS}
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: disk-zrs
  annotations: {storageclass.kubernetes.io/is-default-class: "DEFAULT"}
provisioner: disk.csi.azure.com
parameters: {skuName: Premium_ZRS}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: app}
spec: {accessModes: [ReadWriteOnce]}
"""


def test_several_default_classes_are_not_guessed(tmp_path):
    manifest = tmp_path / "classes.yaml"
    manifest.write_text(DEFAULTS.replace("DEFAULT", "true"), encoding="utf-8")
    assert findings_for([str(manifest)], ["BCDR504", "BCDR002"]) == [("BCDR002", str(manifest), 17)]
    (note,) = run([str(manifest)], ["BCDR504", "BCDR002"])
    assert note.needed_by == ("BCDR504",)
    assert "PersistentVolumeClaim 'data': storage class is unresolved: `(not set)`" in note.message
    assert "(disk-lrs, disk-zrs)" in note.message


def test_only_an_annotation_of_exactly_true_makes_the_default(tmp_path):
    manifest = tmp_path / "classes.yaml"
    manifest.write_text(DEFAULTS.replace("DEFAULT", "True"), encoding="utf-8")
    (finding,) = run([str(manifest)], ["BCDR504", "BCDR002"])
    assert (finding.rule_id, finding.location.start_line) == ("BCDR504", 7)
    assert [r.location.start_line for r in finding.related] == [17]


def test_without_a_default_class_in_the_files_nothing_is_reported(tmp_path):
    manifest = tmp_path / "classes.yaml"
    manifest.write_text(DEFAULTS.replace('"true"', '"false"').replace("DEFAULT", "false"), encoding="utf-8")
    assert findings_for([str(manifest)], ["BCDR504", "BCDR002"]) == []
