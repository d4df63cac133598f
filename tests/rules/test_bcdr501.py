"""BCDR501 stateful-workload-without-replication-plan."""

import pytest

from tests.helpers import ROOT, findings_for, run

BAD = "fixtures/BCDR501/bad"
GOOD = "fixtures/BCDR501/good"


def test_persistent_workloads_outside_velero_namespaces(at_root):
    assert findings_for([BAD], ["BCDR501"]) == [
        ("BCDR501", f"{BAD}/analytics.yaml", 20),
        ("BCDR501", f"{BAD}/gallery/deployments.yaml", 21),
        ("BCDR501", f"{BAD}/gallery/deployments.yaml", 44),
        ("BCDR501", f"{BAD}/ledger/ledger.yaml", 22),
        ("BCDR501", f"{BAD}/orders.yaml", 36),
        ("BCDR501", f"{BAD}/orders.yaml", 71),
    ]


def test_message_and_related_velero_objects(at_root):
    by_line = {f.location.start_line: f for f in run([f"{BAD}/orders.yaml", f"{BAD}/velero.yaml"], ["BCDR501"])}
    statefulset = by_line[36]
    assert "StatefulSet 'orders-db' keeps data in volume claim template 'data'" in statefulset.message
    assert "includes namespace 'orders'" in statefulset.message
    assert "bcdr-lint.io/replication-plan" in statefulset.message
    assert [(r.location.path, r.location.start_line, r.message) for r in statefulset.related] == [
        (f"{BAD}/velero.yaml", 9, "Velero Schedule 'payments-nightly' does not include namespace 'orders'"),
        # Included by `*`, left out by excludedNamespaces: the related location is the exclusion.
        (f"{BAD}/velero.yaml", 21, "Velero Backup 'pre-upgrade' excludes namespace 'orders'"),
    ]
    assert "claim 'orders-exports'" in by_line[71].message


def test_without_any_velero_object(at_root):
    (finding,) = run([f"{BAD}/analytics.yaml"], ["BCDR501"])
    assert "no Velero Schedule or Backup is declared in the checked files" in finding.message
    assert finding.related == ()


def test_empty_plan_annotation_is_no_plan(at_root):
    (finding,) = run([f"{BAD}/analytics.yaml", f"{BAD}/velero.yaml"], ["BCDR501"])
    assert "CronJob 'nightly-rollup' keeps data in claim 'rollup-scratch'" in finding.message


def test_unknown_namespace_is_unresolved_not_guessed(at_root):
    # `--select BCDR002` alone runs every rule; the notes BCDR501 needed:
    (note,) = [f for f in run([BAD], ["BCDR002"]) if "BCDR501" in f.needed_by]
    assert (note.rule_id, note.location.path, note.location.start_line) == ("BCDR002", f"{BAD}/no-namespace.yaml", 2)
    assert "workload 'ledger'" in note.message and "(not set)" in note.message


def test_unset_namespace_without_velero_is_reported(at_root):
    assert findings_for([f"{BAD}/no-namespace.yaml"], ["BCDR501", "BCDR002"]) == [
        ("BCDR501", f"{BAD}/no-namespace.yaml", 20),
    ]


def test_velero_globs_exclusions_and_annotations_cover_workloads(at_root):
    assert findings_for([GOOD], ["BCDR501", "BCDR002"]) == []


def test_excluded_after_included_points_at_the_exclusion(at_root, tmp_path):
    manifest = tmp_path / "app.yaml"
    manifest.write_text(
        "apiVersion: apps/v1\n"
        "kind: StatefulSet\n"
        "metadata: {name: ledger, namespace: team-ledger}\n"
        "spec:\n"
        "  template: {spec: {containers: [{name: db, image: contoso/ledger:1}]}}\n"
        "  volumeClaimTemplates:\n"
        "    - metadata: {name: data}\n"
        "---\n"
        "apiVersion: velero.io/v1\n"
        "kind: Schedule\n"
        "metadata: {name: teams, namespace: velero}\n"
        "spec:\n"
        "  template:\n"
        "    includedNamespaces: [team-*]\n"
        "    excludedNamespaces:\n"
        "      - team-l*\n"
        "---\n"
        "apiVersion: velero.io/v1\n"
        "kind: Backup\n"
        "metadata: {name: billing, namespace: velero}\n"
        "spec:\n"
        "  includedNamespaces: [billing]\n",
        encoding="utf-8",
    )
    (finding,) = run([str(manifest)], ["BCDR501"])
    assert (finding.rule_id, finding.location.path, finding.location.start_line) == ("BCDR501", str(manifest), 7)
    assert [(r.location.path, r.location.start_line, r.message) for r in finding.related] == [
        (str(manifest), 15, "Velero Schedule 'teams' excludes namespace 'team-ledger'"),
        (str(manifest), 22, "Velero Backup 'billing' does not include namespace 'team-ledger'"),
    ]


def test_claim_without_namespace_in_the_workloads_folder_is_its_claim(at_root):
    by_line = {f.location.start_line: f for f in run([f"{BAD}/gallery"], ["BCDR501"])}
    assert sorted(by_line) == [21, 44]
    # Found (kustomize gives it the Deployment's namespace), and checked: it has no annotation.
    assert (
        "Deployment 'gallery-web' keeps data in claim 'gallery-originals' but has no replication plan: no Velero "
        "Schedule or Backup is declared in the checked files, and neither the workload nor claim "
        "'gallery-originals' carries the annotation `bcdr-lint.io/replication-plan`"
    ) in by_line[21].message
    # Declared nowhere: the message says so instead of claiming the claim was checked.
    assert (
        "the workload does not carry the annotation `bcdr-lint.io/replication-plan` (claim 'gallery-thumbs' is "
        "not in the checked files: no PersistentVolumeClaim 'gallery-thumbs' in namespace 'gallery')"
    ) in by_line[44].message
    assert "neither the workload nor" not in by_line[44].message


def test_annotated_claim_without_namespace_covers_the_workload(at_root):
    assert findings_for([f"{GOOD}/wiki"], ["BCDR501", "BCDR002"]) == []


def test_claim_without_namespace_in_another_folder_is_not_the_workloads(at_root, tmp_path):
    app, shared = tmp_path / "app", tmp_path / "shared"
    app.mkdir()
    shared.mkdir()
    (app / "wiki.yaml").write_text((ROOT / GOOD / "wiki" / "wiki.yaml").read_text(encoding="utf-8").split("---")[0])
    (shared / "claim.yaml").write_text((ROOT / GOOD / "wiki" / "wiki.yaml").read_text(encoding="utf-8").split("---")[1])
    (finding,) = run([str(tmp_path)], ["BCDR501"])
    assert (finding.location.path, finding.location.start_line) == (str(app / "wiki.yaml"), 20)
    assert "claim 'wiki-attachments' is not in the checked files" in finding.message


def test_velero_filters_that_leave_the_volume_out(at_root):
    findings = run([f"{BAD}/ledger"], ["BCDR501"])
    # ledger-archive carries the label `ledger-labelled` selects (on its pod template): covered.
    assert [(f.rule_id, f.location.path, f.location.start_line) for f in findings] == [
        ("BCDR501", f"{BAD}/ledger/ledger.yaml", 22),
    ]
    (finding,) = findings
    assert "StatefulSet 'ledger-db' keeps data in volume claim template 'data'" in finding.message
    assert "no Velero Schedule or Backup in the checked files backs up its volume data in namespace 'ledger'" in (
        finding.message)
    velero = f"{BAD}/ledger/velero.yaml"
    assert [(r.location.path, r.location.start_line, r.message) for r in finding.related] == [
        (velero, 10, "Velero Schedule 'ledger-hourly' is paused (`paused: true`): it creates no backups"),
        (velero, 24, "Velero Schedule 'ledger-manifests' includes only the resources deployments, statefulsets.apps, "
                     "configmaps, neither persistentvolumeclaims nor persistentvolumes"),
        (velero, 52, "Velero Schedule 'ledger-labelled' selects only objects labelled backup.contoso.com/tier=gold, "
                     "which the labels of workload 'ledger-db' do not match"),
        (velero, 65, "Velero Schedule 'ledger-config-only' sets `snapshotVolumes: false` without "
                     "`defaultVolumesToFsBackup: true`, so it backs up no volume data"),
        (velero, 37, "Velero Backup 'ledger-pre-upgrade' excludes persistentvolumeclaims"),
    ]


STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ledger, namespace: ledger}
spec:
  template:
    metadata:
      labels: {app: ledger}
      annotations: ANNOTATIONS
    spec: {containers: [{name: db, image: contoso/ledger:1}]}
  volumeClaimTemplates:
    - metadata: {name: data}
---
apiVersion: velero.io/v1
kind: Schedule
metadata: {name: nightly, namespace: velero}
spec:
  schedule: "0 1 * * *"
  template:
    includedNamespaces: [ledger]
SPEC
"""


def _statefulset(tmp_path, spec: str, annotations: str = "{}"):
    manifest = tmp_path / "ledger.yaml"
    manifest.write_text(STATEFULSET.replace("ANNOTATIONS", annotations).replace("SPEC", spec), encoding="utf-8")
    return manifest


@pytest.mark.parametrize(
    ("spec", "annotations"),
    [
        ("    snapshotVolumes: false\n    defaultVolumesToFsBackup: true", "{}"),
        ("    snapshotVolumes: false\n    defaultVolumesToRestic: true", "{}"),  # before Velero 1.10
        ("    snapshotVolumes: false", "{backup.velero.io/backup-volumes: 'data,logs'}"),
        ("    includedResources: [pvc, deployments]", "{}"),
        ("    includedResources: ['*']\n    excludedResources: [secrets]", "{}"),
        ("    labelSelector: {matchLabels: {app: ledger}}", "{}"),
        ("  paused: false", "{}"),
    ],
)
def test_velero_filters_that_keep_the_volume(tmp_path, spec, annotations):
    manifest = _statefulset(tmp_path, spec, annotations)
    assert findings_for([str(manifest)], ["BCDR501", "BCDR002"]) == []


def test_fs_backup_excluded_by_the_pod_is_no_backup(tmp_path):
    spec = "    snapshotVolumes: false\n    defaultVolumesToFsBackup: true"
    manifest = _statefulset(tmp_path, spec, "{backup.velero.io/backup-volumes-excludes: data}")
    (finding,) = run([str(manifest)], ["BCDR501"])
    assert (finding.location.start_line, finding.related[0].location.start_line) == (11, 20)
    assert "excludes its volumes from file-system backup" in finding.related[0].message


@pytest.mark.parametrize(
    ("spec", "line", "expression"),
    [
        ("    labelSelector:\n      matchExpressions: [{key: app, operator: In, values: [ledger]}]", 21,
         "labelSelector.matchExpressions"),
        ("    orLabelSelectors:\n      - matchLabels: {app: ledger}", 20, "orLabelSelectors"),
    ],
)
def test_selectors_that_are_not_evaluated_are_unresolved(tmp_path, spec, line, expression):
    manifest = _statefulset(tmp_path, spec)
    assert findings_for([str(manifest)], ["BCDR501", "BCDR002"]) == [("BCDR002", str(manifest), line)]
    (note,) = run([str(manifest)], ["BCDR002"])
    assert note.needed_by == ("BCDR501",)
    assert f"`{expression}`" in note.message and "workload 'ledger'" in note.message


def test_a_definite_exclusion_wins_over_an_unevaluated_selector(tmp_path):
    spec = "    snapshotVolumes: false\n    orLabelSelectors:\n      - matchLabels: {app: ledger}"
    manifest = _statefulset(tmp_path, spec)
    assert findings_for([str(manifest)], ["BCDR501", "BCDR002"]) == [("BCDR501", str(manifest), 11)]


def test_unresolved_claim_name_is_bcdr002_not_a_warning(tmp_path):
    manifest = tmp_path / "web.yaml"
    manifest.write_text(
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata: {name: web, namespace: shop}\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        "      containers: [{name: web, image: contoso/web:1}]\n"
        "      volumes:\n"
        "        - name: uploads\n"
        "          persistentVolumeClaim:\n"
        "            claimName: \"${CLAIM_NAME}\"\n",
        encoding="utf-8",
    )
    assert findings_for([str(manifest)], ["BCDR501", "BCDR002"]) == [("BCDR002", str(manifest), 11)]
    (note,) = run([str(manifest)], ["BCDR002"])  # every rule runs: BCDR503 needs it as well
    assert note.needed_by == ("BCDR501", "BCDR503")
    assert "claim name of volume 'uploads' is unresolved: `${CLAIM_NAME}`" in note.message


def test_related_velero_objects_are_capped(tmp_path):
    schedules = "".join(
        f"---\napiVersion: velero.io/v1\nkind: Schedule\nmetadata: {{name: team-{n:02}, namespace: velero}}\n"
        f"spec:\n  template:\n    includedNamespaces: [team-{n:02}]\n"
        for n in range(25)
    )
    manifest = _statefulset(tmp_path, "  paused: true")
    manifest.write_text(manifest.read_text(encoding="utf-8") + schedules, encoding="utf-8")
    (finding,) = run([str(manifest)], ["BCDR501"])
    assert len(finding.related) == 10
    assert finding.message.endswith("(16 more related locations not listed)")
