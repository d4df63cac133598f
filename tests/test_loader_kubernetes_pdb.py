"""The Kubernetes loader: PodDisruptionBudgets, HorizontalPodAutoscalers and pod labels."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bcdr_lint.loaders.kubernetes import load_file
from bcdr_lint.model import Kind, Unresolved


def load(tmp_path: Path, text: str):
    path = tmp_path / "manifest.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_file(str(path))


def line_of(resource, attr: str) -> int:
    return resource.attr_locations[attr].start_line


def test_disruption_budget(tmp_path):
    result = load(tmp_path, """\
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata:
          name: web
          namespace: shop
        spec:
          minAvailable: 2
          selector:
            matchLabels:
              app: web
              version: 2
            matchExpressions:
              - key: tier
                operator: In
                values: [frontend, edge]
              - {key: canary, operator: DoesNotExist}
        """)
    assert result.errors == []
    (budget,) = result.resources
    assert budget.kind is Kind.PDB
    assert budget.label == "PodDisruptionBudget 'web'"
    assert budget.source_type == "policy/v1/PodDisruptionBudget"
    assert dict(budget.attrs) == {
        "namespace": "shop",
        "min_available": 2,
        # Label values are text, as the API reads them.
        "match_labels": {"app": "web", "version": "2"},
        "match_expressions": [
            {"key": "tier", "operator": "In", "values": ["frontend", "edge"]},
            {"key": "canary", "operator": "DoesNotExist", "values": []},
        ],
    }
    assert {attr: line_of(budget, attr) for attr in ("name", "min_available", "match_labels", "match_expressions")} == {
        "name": 4, "min_available": 7, "match_labels": 9, "match_expressions": 12,
    }


def test_percentages_empty_and_missing_selectors(tmp_path):
    result = load(tmp_path, """\
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: all-pods}
        spec:
          maxUnavailable: 25%
          selector: {}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: no-selector}
        spec:
          minAvailable: "100%"
        ---
        apiVersion: policy/v1beta1
        kind: PodDisruptionBudget
        metadata: {name: old-empty}
        spec:
          maxUnavailable: 1
          selector: {}
        """)
    assert result.errors == []
    everything, nothing, old_empty = result.resources
    # An empty selector selects every pod of the namespace; none at all selects none.
    assert everything.get("max_unavailable") == "25%"
    assert everything.get("match_labels") == {} and everything.get("match_expressions") == []
    assert everything.get("min_available") is None
    assert nothing.get("min_available") == "100%"
    assert nothing.get("match_labels") is None
    # policy/v1beta1 read an empty selector the other way round: no pods.
    assert old_empty.get("match_labels") is None


def test_placeholders_are_unresolved(tmp_path):
    result = load(tmp_path, """\
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: api, namespace: "${NS}"}
        spec:
          maxUnavailable: ${MAX_UNAVAILABLE}
          selector:
            matchLabels: {app: "${APP}"}
            matchExpressions:
              - {key: track, operator: NotIn, values: ["${TRACK}"]}
        """)
    assert result.errors == []
    (budget,) = result.resources
    assert isinstance(budget.get("namespace"), Unresolved)
    assert budget.get("max_unavailable") == Unresolved(
        "${MAX_UNAVAILABLE}", "a template placeholder, filled in when the manifest is rendered",
        budget.attr_locations["max_unavailable"],
    )
    assert isinstance(budget.get("match_labels")["app"], Unresolved)
    (expression,) = budget.get("match_expressions")
    assert isinstance(expression["values"][0], Unresolved)
    assert expression["values"][0].location.start_line == 9


def test_invalid_values_are_parse_errors(tmp_path):
    result = load(tmp_path, """\
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: bad}
        spec:
          minAvailable: two
          selector:
            matchExpressions:
              - {key: app, operator: Equals, values: [web]}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: broken-selector}
        spec:
          maxUnavailable: 1
          selector: app=web
        """)
    assert [(e.message, e.location.start_line) for e in result.errors] == [
        ("PodDisruptionBudget: `spec.minAvailable` must be an integer or a percentage, not `two`", 5),
        ("PodDisruptionBudget: selector operator `Equals` must be one of In, NotIn, Exists, DoesNotExist", 8),
        ("PodDisruptionBudget: `spec.selector` must be a mapping, not the scalar `app=web`", 15),
    ]
    bad, broken = result.resources
    assert "min_available" not in bad.attrs
    # Which pods an unknown operator meant cannot be known: rules see an unresolved operator.
    operator = bad.get("match_expressions")[0]["operator"]
    assert isinstance(operator, Unresolved) and operator.expression == "Equals"
    # A selector that is not a mapping selects nothing (and is reported above), never everything.
    assert broken.get("match_labels") is None


def test_pod_autoscaler(tmp_path):
    result = load(tmp_path, """\
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: web, namespace: shop}
        spec:
          scaleTargetRef:
            apiVersion: apps/v1
            kind: Deployment
            name: web
          minReplicas: 3
          maxReplicas: 12
        ---
        apiVersion: autoscaling/v1
        kind: HorizontalPodAutoscaler
        metadata: {name: worker}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: worker}
          maxReplicas: 4
        ---
        apiVersion: keda.sh/v1alpha1
        kind: HorizontalPodAutoscaler
        metadata: {name: not-the-kubernetes-kind}
        """)
    assert result.errors == []
    web, worker = result.resources
    assert web.kind is Kind.HPA and web.label == "HorizontalPodAutoscaler 'web'"
    assert dict(web.attrs) == {
        "namespace": "shop", "target_kind": "Deployment", "target_name": "web", "min_replicas": 3, "max_replicas": 12,
    }
    assert line_of(web, "min_replicas") == 9 and line_of(web, "target_name") == 8
    # minReplicas unset stays absent: its default (1) is the rules' to apply.
    assert dict(worker.attrs) == {"namespace": None, "target_kind": "StatefulSet", "target_name": "worker", "max_replicas": 4}


def test_pod_labels_are_the_pod_templates(tmp_path):
    result = load(tmp_path, """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web, team: storefront}
        spec:
          template:
            metadata:
              labels: {app: web-pods, release: "${RELEASE}", port: 8080}
            spec:
              containers: [{name: web, image: contoso/web:1}]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: debug
          labels: {app: debug}
        spec:
          containers: [{name: sh, image: busybox:1.36}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: unlabelled}
        spec:
          template:
            spec:
              containers: [{name: db, image: contoso/db:1}]
        """)
    assert result.errors == []
    web, debug, unlabelled = result.resources
    # Selectors match the pods' labels, not the Deployment's own.
    labels = web.get("pod_labels")
    assert labels["app"] == "web-pods" and labels["port"] == "8080" and "team" not in labels
    assert isinstance(labels["release"], Unresolved)
    assert debug.get("pod_labels") == {"app": "debug"}
    assert unlabelled.get("pod_labels") == {}


def test_keda_scaled_object_is_the_autoscaler_of_its_target(tmp_path):
    result = load(tmp_path, """\
        apiVersion: keda.sh/v1alpha1
        kind: ScaledObject
        metadata: {name: worker, namespace: jobs}
        spec:
          scaleTargetRef:
            name: worker
          minReplicaCount: 2
          maxReplicaCount: 40
          triggers: [{type: cpu, metricType: Utilization, metadata: {value: "60"}}]
        ---
        apiVersion: keda.sh/v1alpha1
        kind: ScaledObject
        metadata: {name: exporter}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: exporter}
        ---
        apiVersion: keda.sh/v1alpha1
        kind: ScaledJob
        metadata: {name: batch}
        """)
    assert result.errors == []
    worker, exporter = result.resources
    assert worker.kind is Kind.HPA and worker.key.endswith(":ScaledObject/jobs/worker")
    # The target kind defaults to Deployment.
    assert dict(worker.attrs) == {
        "namespace": "jobs", "scaler": "keda", "target_kind": "Deployment", "target_name": "worker",
        "min_replicas": 2, "max_replicas": 40,
    }
    assert line_of(worker, "min_replicas") == 7
    # KEDA's own default minimum is 0 (scaled to zero when idle), not the HPA's 1.
    assert exporter.get("min_replicas") == 0 and exporter.get("target_kind") == "StatefulSet"


def test_patches_are_marked_partial(tmp_path):
    result = load(tmp_path, """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 5
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          selector: {matchLabels: {app: db}}
          template:
            spec:
              containers: [{name: db, resources: {limits: {memory: 2Gi}}}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers: [{name: api, image: "${IMAGE}"}]
        ---
        apiVersion: extensions/v1beta1
        kind: Deployment
        metadata: {name: legacy}
        spec:
          template:
            metadata: {labels: {app: legacy}}
            spec:
              containers: [{name: legacy, image: contoso/legacy:1}]
        """)
    web, db, api, legacy = result.resources
    # No selector (required by apps/v1), or no container naming an image: a patch.
    assert web.get("partial") is True and db.get("partial") is True
    # A placeholder image is still an image; extensions/v1beta1 defaulted the selector.
    assert api.get("partial") is None and legacy.get("partial") is None
