"""The Kubernetes loader: YAML documents in, normalized resources with positions out."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bcdr_lint.loaders.kubernetes import load_file
from bcdr_lint.model import Kind, Unresolved


def load(tmp_path: Path, text: str, name: str = "manifest.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_file(str(path))


def line_of(resource, attr: str) -> int:
    return resource.attr_locations[attr].start_line


DEPLOYMENT = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: shop
      labels: {app: web}
      annotations:
        team: storefront
    spec:
      replicas: 3
      selector: {matchLabels: {app: web}}
      template:
        metadata:
          labels: {tier: frontend}
          annotations:
            bcdr-lint.io/replication-plan: "geo-replicated share"
        spec:
          initContainers:
            - name: migrate
              image: contoso.azurecr.io/shop/migrate:1.0
          containers:
            - name: web
              image: contoso.azurecr.io/shop/web:2.1
            - name: no-image
          volumes:
            - name: cache
              emptyDir: {}
            - name: uploads
              persistentVolumeClaim:
                claimName: web-uploads
            - name: host
              hostPath: {path: /var/run}
    """


def test_deployment(tmp_path):
    result = load(tmp_path, DEPLOYMENT)
    assert result.errors == []
    (web,) = result.resources
    path = str(tmp_path / "manifest.yaml")
    assert web.kind is Kind.WORKLOAD
    assert web.key == f"k8s:{path}:Deployment/shop/web"
    assert web.source_type == "apps/v1/Deployment"
    assert web.name == "web" and web.region is None
    assert web.get("workload_kind") == "Deployment"
    assert web.get("namespace") == "shop"
    assert web.get("replicas") == 3
    # Long-running containers; init containers that run to completion are kept apart.
    assert web.get("images") == ["contoso.azurecr.io/shop/web:2.1"]
    assert web.get("init_images") == ["contoso.azurecr.io/shop/migrate:1.0"]
    assert web.get("volumes") == [
        {"name": "cache", "type": "emptyDir", "claim_name": None},
        {"name": "uploads", "type": "persistentVolumeClaim", "claim_name": "web-uploads"},
        {"name": "host", "type": "hostPath", "claim_name": None},
    ]
    assert web.get("claim_templates") == []
    # Object and pod template annotations/labels are one attribute each.
    assert web.get("annotations") == {"team": "storefront", "bcdr-lint.io/replication-plan": "geo-replicated share"}
    assert web.get("labels") == {"app": "web", "tier": "frontend"}
    assert web.location.start_line == 1
    assert {attr: line_of(web, attr) for attr in web.attr_locations} == {
        "name": 4, "namespace": 5, "annotations": 7, "replicas": 10,
        "images": 23, "images[0]": 23,
        "volumes[0]": 26, "volumes[1]": 28, "volumes[2]": 31,
    }
    image = web.attr_locations["images[0]"]
    assert (image.start_col, image.end_line, image.end_col) == (11, 23, 49)  # `image:` key to the end of the value


def test_statefulset_claim_templates_and_cronjob_pod_spec(tmp_path):
    result = load(tmp_path, """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: data}
        spec:
          template:
            spec:
              containers: [{name: db, image: "postgres:16"}]
          volumeClaimTemplates:
            - metadata:
                name: pgdata
                annotations: {bcdr-lint.io/replication-plan: streaming}
              spec:
                storageClassName: premium-zrs
            - metadata:
                name: wal
                annotations: {volume.beta.kubernetes.io/storage-class: legacy}
        ---
        apiVersion: batch/v1
        kind: CronJob
        metadata: {name: dump}
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  containers: [{name: dump, image: "contoso/dump:1"}]
                  volumes: [{name: out, persistentVolumeClaim: {claimName: dumps}}]
        """)
    assert result.errors == []
    db, dump = result.resources
    assert db.get("claim_templates") == [
        {"name": "pgdata", "storage_class": "premium-zrs", "annotations": {"bcdr-lint.io/replication-plan": "streaming"}},
        {"name": "wal", "storage_class": "legacy", "annotations": {"volume.beta.kubernetes.io/storage-class": "legacy"}},
    ]
    assert line_of(db, "claim_templates[0]") == 9
    assert line_of(db, "claim_templates[0].storage_class") == 13
    assert line_of(db, "claim_templates[1].storage_class") == 16
    assert "replicas" not in db.attrs
    assert dump.get("workload_kind") == "CronJob"
    assert dump.get("namespace") is None
    assert dump.get("images") == ["contoso/dump:1"]
    assert dump.get("volumes") == [{"name": "out", "type": "persistentVolumeClaim", "claim_name": "dumps"}]
    assert line_of(dump, "volumes[0]") == 27


def test_claims_volumes_storage_classes(tmp_path):
    result = load(tmp_path, """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: data, namespace: app, annotations: {owner: team-a}}
        spec:
          storageClassName: fast
          volumeName: pv-1
        ---
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: pv-1}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadWriteOnce]
          storageClassName: fast
          csi: {driver: disk.csi.azure.com, volumeHandle: /subscriptions/s/disks/d}
          claimRef: {namespace: app, name: data}
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: fast}
        provisioner: disk.csi.azure.com
        parameters:
          cachingMode: ReadOnly
          SKUNAME: Premium_LRS
        """)
    assert result.errors == []
    claim, volume, storage_class = result.resources
    assert (claim.kind, volume.kind, storage_class.kind) == (Kind.PVC, Kind.PV, Kind.STORAGE_CLASS)
    assert dict(claim.attrs) == {
        "namespace": "app", "storage_class": "fast", "volume_name": "pv-1", "annotations": {"owner": "team-a"},
    }
    assert line_of(claim, "storage_class") == 5
    assert dict(volume.attrs) == {
        "storage_class": "fast", "source": "csi", "driver": "disk.csi.azure.com", "claim_ref": "app/data",
    }
    assert volume.key.endswith(":PersistentVolume//pv-1")
    assert line_of(volume, "source") == 15
    assert storage_class.get("provisioner") == "disk.csi.azure.com"
    assert storage_class.get("parameters") == {"cachingmode": "ReadOnly", "skuname": "Premium_LRS"}
    assert storage_class.get("sku") == "premium_lrs"
    assert storage_class.get("sku_text") == "Premium_LRS"  # as written, for messages
    assert line_of(storage_class, "sku") == line_of(storage_class, "sku_text") == 24
    assert line_of(storage_class, "provisioner") == 21


def test_storage_class_sku_absent_or_placeholder(tmp_path):
    result = load(tmp_path, """\
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: plain}
        provisioner: disk.csi.azure.com
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: templated}
        provisioner: file.csi.azure.com
        parameters:
          storageAccountType: "${FILES_SKU}"
        """)
    assert result.errors == []
    plain, templated = result.resources
    assert (plain.get("sku"), plain.get("sku_text"), plain.get("parameters")) == (None, None, {})
    assert "sku" not in plain.attr_locations and line_of(plain, "provisioner") == 4
    sku, sku_text = templated.get("sku"), templated.get("sku_text")
    assert isinstance(sku, Unresolved) and sku == sku_text and sku.expression == "${FILES_SKU}"
    assert line_of(templated, "sku_text") == 11


@pytest.mark.parametrize(
    ("spec", "included", "excluded"),
    [
        ("{}", None, []),
        ("{includedNamespaces: []}", None, []),
        ("{includedNamespaces: ['*'], excludedNamespaces: [kube-system]}", None, ["kube-system"]),
        ("{includedNamespaces: [orders, team-*]}", ["orders", "team-*"], []),
    ],
)
def test_velero_namespaces(tmp_path, spec, included, excluded):
    result = load(tmp_path, f"""\
        apiVersion: velero.io/v1
        kind: Schedule
        metadata: {{name: nightly, namespace: velero}}
        spec:
          schedule: "0 1 * * *"
          template: {spec}
        ---
        apiVersion: velero.io/v1
        kind: Backup
        metadata: {{name: once, namespace: velero}}
        spec: {spec}
        """)
    schedule, backup = result.resources
    assert (schedule.kind, backup.kind) == (Kind.VELERO_SCHEDULE, Kind.VELERO_BACKUP)
    for resource in (schedule, backup):
        assert resource.get("included_namespaces") == included
        assert resource.get("excluded_namespaces") == excluded


def test_list_items(tmp_path):
    result = load(tmp_path, """\
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: a, namespace: x}
          - apiVersion: v1
            kind: Service
            metadata: {name: svc}
          - apiVersion: v1
            kind: Pod
            metadata: {generateName: worker-}
            spec:
              containers: [{name: w, image: busybox}]
        """)
    claim, pod = result.resources
    assert claim.name == "a" and claim.location.start_line == 4
    assert pod.name == "worker-" and pod.location.start_line == 10
    assert line_of(pod, "name") == 12
    assert line_of(pod, "images") == 14


@pytest.mark.parametrize(
    "text",
    [
        # docker compose
        "services:\n  db:\n    image: postgres:16\n    volumes: [pgdata:/var/lib/postgresql/data]\n",
        # GitHub workflow ("on" is a boolean key in YAML 1.1)
        "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
        # Helm values
        "image:\n  repository: redis\n  tag: 7\npersistence:\n  enabled: true\n",
        # CloudFormation with its own tags
        "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub '${AWS::StackName}-b'\n",
        # apiVersion that is not a string, a bare list, an empty document, comments only
        "apiVersion: 1\nkind: Deployment\n",
        "- apiVersion: v1\n  kind: Pod\n",
        "",
        "# nothing here\n",
        # a CRD reusing a core kind name in its own API group
        "apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {name: train}\nspec: {tasks: []}\n",
    ],
)
def test_other_yaml_yields_nothing(tmp_path, text):
    result = load(tmp_path, text)
    assert result.resources == [] and result.errors == []


def test_syntax_error_keeps_earlier_documents_and_reports_once(tmp_path):
    result = load(tmp_path, """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: before}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: broken
            namespace: x
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: after}
        """)
    assert [r.name for r in result.resources] == ["before"]
    (error,) = result.errors
    assert error.message == "YAML syntax error: mapping values are not allowed in this context"
    assert (error.location.start_line, error.location.start_col) == (9, 14)


def test_unreadable_and_control_characters(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"apiVersion: v1\nkind: Pod\nmetadata: {name: caf\xe9}\n")
    (error,) = load_file(str(path)).errors
    assert "invalid UTF-8" in error.message and error.location.start_line == 3
    (error,) = load(tmp_path, "apiVersion: v1\nkind: Pod\nmetadata: {name: \x07}\n").errors
    assert error.message.startswith("YAML syntax error: control characters are not allowed")
    assert (error.location.start_line, error.location.start_col) == (3, 18)


def test_wrong_shapes_are_errors_not_crashes(tmp_path):
    result = load(tmp_path, """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: odd}
        spec:
          template:
            spec:
              containers: {name: web, image: nginx}
              volumes: [{name: a, emptyDir: {}}]
        """)
    (odd,) = result.resources
    assert odd.get("images") == [] and len(odd.get("volumes")) == 1
    (error,) = result.errors
    assert error.message == "Deployment: `spec.template.spec.containers` must be a list, not a mapping"
    assert error.location.start_line == 7


def test_yaml_features_anchors_merge_keys_timestamps_tags(tmp_path):
    result = load(tmp_path, """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: claim
          annotations:
            created: 2024-02-30
            size: 0x10
            enabled: yes
        x-defaults: &defaults
          storageClassName: premium-zrs
        spec:
          <<: *defaults
          volumeName: !custom pv-9
        """)
    assert result.errors == []
    (claim,) = result.resources
    # Timestamps stay text (an impossible date must not fail the file); YAML 1.1 ints and booleans.
    assert claim.get("annotations") == {"created": "2024-02-30", "size": 16, "enabled": True}
    assert claim.get("storage_class") == "premium-zrs"
    assert line_of(claim, "storage_class") == 10  # where the merged value is written
    assert claim.get("volume_name") == "pv-9"


def test_placeholders_are_unresolved(tmp_path):
    result = load(tmp_path, """\
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
          namespace: ${NAMESPACE}
        spec:
          storageClassName: "{{ .Values.storageClass }}"
        """)
    (claim,) = result.resources
    namespace, storage_class = claim.get("namespace"), claim.get("storage_class")
    assert isinstance(namespace, Unresolved) and namespace.expression == "${NAMESPACE}"
    assert namespace.location.start_line == 5
    assert isinstance(storage_class, Unresolved) and storage_class.expression == "{{ .Values.storageClass }}"
    assert claim.key.endswith(":PersistentVolumeClaim/${NAMESPACE}/data")


def test_parse_errors_reach_bcdr001(tmp_path, monkeypatch):
    from tests.helpers import findings_for

    (tmp_path / "broken.yaml").write_text("kind: Pod\nmetadata:\n  name: a\n - b\n", encoding="utf-8")
    (tmp_path / "fine.yml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert findings_for(["."], ["BCDR001"]) == [("BCDR001", "broken.yaml", 4)]


def test_pod_shape_error_reported_once(tmp_path):
    result = load(tmp_path, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: [a]\n")
    assert [(e.message, e.location.start_line) for e in result.errors] == [
        ("Pod: `metadata.annotations` must be a mapping, not a list", 5),
    ]
    assert result.resources[0].get("annotations") == {}


def test_items_that_are_not_mappings_are_reported_and_locations_follow_the_attributes(tmp_path):
    result = load(tmp_path, """\
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: ss, namespace: a}
        spec:
          template:
            spec:
              containers:
                - busybox
                - {name: c, image: busybox}
              volumes:
                -
                - name: cfg
                  configMap: {name: x}
                - name: v
                  hostPath: {path: /x}
          volumeClaimTemplates:
            -
            - metadata: {name: one}
              spec: {storageClassName: fast}
            - metadata: {name: two}
              spec: {storageClassName: slow}
        """)
    (ss,) = result.resources
    assert [(e.message, e.location.start_line) for e in result.errors] == [
        ("StatefulSet: `spec.template.spec.containers[0]` is not a mapping but the scalar `busybox`", 8),
        ("StatefulSet: `spec.template.spec.volumes[0]` is not a mapping but null", 11),
        ("StatefulSet: `spec.volumeClaimTemplates[0]` is not a mapping but null", 17),
    ]
    assert ss.get("images") == ["busybox"] and line_of(ss, "images[0]") == 9
    assert [v["name"] for v in ss.get("volumes")] == ["cfg", "v"]
    # Keyed by the position in the attribute's list, as rules enumerate it.
    assert (line_of(ss, "volumes[0]"), line_of(ss, "volumes[1]")) == (12, 14)
    assert "volumes[2]" not in ss.attr_locations
    assert [t["name"] for t in ss.get("claim_templates")] == ["one", "two"]
    assert (line_of(ss, "claim_templates[0]"), line_of(ss, "claim_templates[1]")) == (18, 20)
    assert (line_of(ss, "claim_templates[0].storage_class"), line_of(ss, "claim_templates[1].storage_class")) == (19, 21)


def test_non_mapping_items_reach_bcdr001_with_rule_findings_at_the_right_lines(tmp_path, monkeypatch):
    from tests.helpers import findings_for

    (tmp_path / "cron.yaml").write_text(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: cj, namespace: a}\nspec:\n  jobTemplate:\n"
        "    spec:\n      template:\n        spec:\n          containers: [{name: c, image: busybox}]\n"
        "          volumes:\n            -\n            - {name: cfg, configMap: {name: x}}\n"
        "            - {name: v, hostPath: {path: /x}}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    assert findings_for(["."], ["BCDR001", "BCDR503"]) == [("BCDR001", "cron.yaml", 11), ("BCDR503", "cron.yaml", 13)]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_unicode_line_separators_do_not_shift_lines(tmp_path, separator):
    # libyaml breaks lines at these characters; editors and GitHub show them inline.
    result = load(tmp_path, f"""\
        # Owner: storage team{separator}# (pasted from the wiki)
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: data
          namespace: app
          annotations:
            note: "restored from the 2024 snapshot{separator}see runbook"
        spec:
          storageClassName: fast
          volumeName: pv-1
        """)
    assert result.errors == []
    (claim,) = result.resources
    # Read as Kubernetes (go-yaml, a libyaml port) reads it: YAML 1.1 folds NEL in a quoted scalar.
    assert claim.get("annotations")["note"].startswith("restored from the 2024 snapshot")
    assert claim.location.start_line == 2
    assert (line_of(claim, "name"), line_of(claim, "storage_class"), line_of(claim, "volume_name")) == (5, 10, 11)
    location = claim.attr_locations["storage_class"]
    assert (location.start_col, location.end_line, location.end_col) == (3, 10, 25)


def test_syntax_error_after_a_line_separator_is_on_the_editors_line(tmp_path):
    result = load(tmp_path, """\
        apiVersion: v1
        kind: Pod
        metadata:
          annotations: {note: "a\u2028b"}
          name: broken
            namespace: x
        """)
    (error,) = result.errors
    assert (error.location.start_line, error.location.start_col) == (6, 14)


def test_default_storage_class_annotation(tmp_path):
    result = load(tmp_path, """\
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: a
          annotations: {storageclass.kubernetes.io/is-default-class: "true"}
        provisioner: rancher.io/local-path
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: b
          annotations: {storageclass.beta.kubernetes.io/is-default-class: "${IS_DEFAULT}"}
        provisioner: disk.csi.azure.com
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: c
          annotations: {storageclass.kubernetes.io/is-default-class: "True"}
        provisioner: disk.csi.azure.com
        ---
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata: {name: d}
        provisioner: disk.csi.azure.com
        """)
    a, b, c, d = result.resources
    assert a.get("is_default") is True and line_of(a, "is_default") == 5
    assert isinstance(b.get("is_default"), Unresolved) and b.get("is_default").expression == "${IS_DEFAULT}"
    assert c.get("is_default") is False and d.get("is_default") is False  # Kubernetes wants exactly "true"


def test_velero_filters(tmp_path):
    result = load(tmp_path, """\
        apiVersion: velero.io/v1
        kind: Schedule
        metadata: {name: nightly, namespace: velero}
        spec:
          schedule: "0 1 * * *"
          paused: true
          template:
            includedResources: [PersistentVolumeClaims, deployments]
            excludedResources: [events]
            labelSelector:
              matchLabels: {app: ledger, tier: 1}
              matchExpressions: [{key: env, operator: In, values: [prod]}]
            orLabelSelectors: [{matchLabels: {app: web}}]
            snapshotVolumes: false
            defaultVolumesToRestic: true
        ---
        apiVersion: velero.io/v1
        kind: Backup
        metadata: {name: once, namespace: velero}
        spec:
          includedResources: ["*"]
          snapshotVolumes: "${SNAPSHOTS}"
          defaultVolumesToFsBackup: "yes please"
        """)
    schedule, backup = result.resources
    assert {k: schedule.get(k) for k in (
        "paused", "included_resources", "excluded_resources", "match_labels", "match_expressions",
        "or_label_selectors", "snapshot_volumes", "default_volumes_to_fs_backup",
    )} == {
        "paused": True,
        "included_resources": ["persistentvolumeclaims", "deployments"],
        "excluded_resources": ["events"],
        "match_labels": {"app": "ledger", "tier": 1},
        "match_expressions": True,
        "or_label_selectors": True,
        "snapshot_volumes": False,
        "default_volumes_to_fs_backup": True,
    }
    assert {attr: line_of(schedule, attr) for attr in (
        "paused", "included_resources", "excluded_resources", "match_labels", "match_expressions",
        "or_label_selectors", "snapshot_volumes", "default_volumes_to_fs_backup",
    )} == {
        "paused": 6, "included_resources": 8, "excluded_resources": 9, "match_labels": 11, "match_expressions": 12,
        "or_label_selectors": 13, "snapshot_volumes": 14, "default_volumes_to_fs_backup": 15,
    }
    assert "paused" not in backup.attrs and backup.get("included_resources") is None
    assert backup.get("match_labels") is None and backup.get("match_expressions") is False
    assert isinstance(backup.get("snapshot_volumes"), Unresolved)
    assert backup.get("default_volumes_to_fs_backup") is None
    assert [(e.message, e.location.start_line) for e in result.errors] == [
        ("Backup: `spec.defaultVolumesToFsBackup` must be true or false, not the scalar `yes please`", 23),
    ]
