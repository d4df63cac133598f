"""BCDR501 stateful-workload-without-replication-plan."""

from tests.helpers import findings_for, run

BAD = "fixtures/BCDR501/bad"
GOOD = "fixtures/BCDR501/good"


def test_persistent_workloads_outside_velero_namespaces(at_root):
    assert findings_for([BAD], ["BCDR501"]) == [
        ("BCDR501", f"{BAD}/analytics.yaml", 20),
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
    assert findings_for([BAD], ["BCDR002"]) == [("BCDR002", f"{BAD}/no-namespace.yaml", 2)]
    (note,) = run([BAD], ["BCDR002"])
    assert note.needed_by == ("BCDR501",)
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
