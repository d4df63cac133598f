"""In-region high availability: BCDR801 node-pool-without-zones, BCDR802 no-uptime-sla,
BCDR803 small-system-pool, BCDR804 single-replica-workload, BCDR805 no-disruption-budget."""

from __future__ import annotations

import json
import textwrap

import pytest

from bcdr_lint.model import Kind, Location, Resource, Unresolved
from bcdr_lint.rules.ha.pods import selects
from tests.helpers import findings_for, run


def write(tmp_path, name: str, text: str) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


# -- BCDR801 ---------------------------------------------------------------------------------

def test_node_pools_without_zones_or_in_one_zone(at_root):
    F = "fixtures/BCDR801/bad"
    assert findings_for([F], ["BCDR801", "BCDR002"]) == [
        ("BCDR801", f"{F}/arm/azuredeploy.json", 18),  # agentPoolProfiles entry, no availabilityZones
        ("BCDR801", f"{F}/arm/azuredeploy.json", 40),  # managedClusters/agentPools pinned to zone 3
        ("BCDR801", f"{F}/terraform/main.tf", 13),  # default_node_pool, no zones
        ("BCDR801", f"{F}/terraform/main.tf", 29),  # azurerm_kubernetes_cluster_node_pool, zones = ["2"]
    ]
    messages = {(f.location.path, f.location.start_line): f for f in run([F], ["BCDR801"])}
    search = messages[(f"{F}/arm/azuredeploy.json", 40)]
    assert search.message.startswith(
        "node pool 'search' of AKS cluster 'aks-catalog-weu' has zone 3 only in westeurope, a region with availability zones"
    )
    system = messages[(f"{F}/terraform/main.tf", 13)]
    assert "has no availability zones in eastus2" in system.message
    # The region comes from the cluster (through the resource group): shown as related.
    assert [(r.location.path, r.location.start_line) for r in system.related] == [(f"{F}/terraform/main.tf", 8)]


def test_zonal_pools_and_regions_without_zones_pass(at_root):
    assert findings_for(["fixtures/BCDR801/good"], ["BCDR801", "BCDR002"]) == []


def test_unknown_region_or_zones_are_unresolved(at_root):
    F = "fixtures/BCDR801/unresolved"
    assert findings_for([F], ["BCDR801", "BCDR002"]) == [
        ("BCDR002", f"{F}/arm/azuredeploy.json", 9),  # chinaeast2: the region data does not record zones
        ("BCDR002", f"{F}/arm/azuredeploy.json", 22),  # resourceGroup().location
        ("BCDR002", f"{F}/terraform/main.tf", 12),  # var.location (needed by the 'jobs' pool)
        ("BCDR002", f"{F}/terraform/main.tf", 21),  # zones = var.system_zones
    ]
    notes = [f for f in run([F], ["BCDR002"]) if f.location.path.endswith("azuredeploy.json")]
    assert "whether its region has availability zones is unresolved: `chinaeast2`" in notes[0].message
    assert all("BCDR801" in f.needed_by for f in notes)


def test_pool_and_cluster_in_different_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "infra/cluster.json", """\
        {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "contentVersion": "1.0.0.0",
          "resources": [
            {
              "type": "Microsoft.ContainerService/managedClusters",
              "apiVersion": "2024-02-01",
              "name": "aks-geo",
              "location": "Australia East",
              "properties": {"agentPoolProfiles": [{"name": "system", "mode": "System", "count": 3,
                                                    "availabilityZones": ["1", "2", "3"]}]}
            }
          ]
        }
        """)
    write(tmp_path, "infra/pools.json", """\
        {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "contentVersion": "1.0.0.0",
          "resources": [
            {
              "type": "Microsoft.ContainerService/managedClusters/agentPools",
              "apiVersion": "2024-02-01",
              "name": "aks-geo/maps",
              "properties": {"mode": "User", "count": 3}
            },
            {
              "type": "Microsoft.ContainerService/managedClusters/agentPools",
              "apiVersion": "2024-02-01",
              "name": "aks-elsewhere/tiles",
              "properties": {"mode": "User", "count": 3}
            }
          ]
        }
        """)
    assert findings_for(["."], ["BCDR801", "BCDR002"]) == [
        ("BCDR002", "infra/pools.json", 11),  # the cluster of 'tiles' is not in the checked files
        ("BCDR801", "infra/pools.json", 5),
    ]
    by_line = {f.location.start_line: f for f in run(["."], ["BCDR801", "BCDR002"])}
    assert "in australiaeast" in by_line[5].message
    assert [(r.location.path, r.location.start_line) for r in by_line[5].related] == [("infra/cluster.json", 9)]
    assert "the cluster is not in the checked files" in by_line[11].message


# -- BCDR802 ---------------------------------------------------------------------------------

def test_free_tier_written_or_by_default(at_root):
    F = "fixtures/BCDR802/bad"
    assert findings_for([F], ["BCDR802", "BCDR002"]) == [
        ("BCDR802", f"{F}/arm/azuredeploy.json", 12),  # "tier": "free" (any case)
        ("BCDR802", f"{F}/arm/azuredeploy.json", 21),  # no sku
        ("BCDR802", f"{F}/terraform/main.tf", 6),  # sku_tier = "Free"
        ("BCDR802", f"{F}/terraform/main.tf", 21),  # no sku_tier
    ]
    messages = sorted(f.message for f in run([f"{F}/terraform"], ["BCDR802"]))
    assert messages == [
        "AKS cluster 'aks-billing-dr' sets no SKU tier, so it runs on the Free tier: its API server has no uptime SLA; "
        "set the tier to Standard",
        "AKS cluster 'aks-billing-prod' is on the Free tier: its API server has no uptime SLA; use Standard",
    ]


def test_standard_premium_and_paid_pass(at_root):
    assert findings_for(["fixtures/BCDR802/good"], ["BCDR802", "BCDR002"]) == []


def test_tier_left_to_deployment_is_unresolved(at_root):
    F = "fixtures/BCDR802/unresolved"
    assert findings_for([F], ["BCDR802", "BCDR002"]) == [
        ("BCDR002", f"{F}/arm/azuredeploy.json", 13),
        ("BCDR002", f"{F}/terraform/main.tf", 11),
    ]


# -- BCDR803 ---------------------------------------------------------------------------------

def test_system_pools_that_can_shrink_to_one_node(at_root):
    F = "fixtures/BCDR803/bad"
    assert findings_for([F], ["BCDR803", "BCDR002"]) == [
        # mode = "System", node_count 1, in a cluster outside the checked files: its other system
        # pools (every cluster has one) are unknown: at its kubernetes_cluster_id.
        ("BCDR002", f"{F}/terraform/main.tf", 45),
        ("BCDR803", f"{F}/arm/azuredeploy.json", 17),  # mode System, count 1
        ("BCDR803", f"{F}/arm/azuredeploy.json", 33),  # agentPools child, minCount 1, beside a User pool
        ("BCDR803", f"{F}/arm/azuredeploy.json", 48),  # the only pool, no mode and no count
        ("BCDR803", f"{F}/terraform/main.tf", 11),  # default_node_pool node_count 1
        ("BCDR803", f"{F}/terraform/main.tf", 32),  # default_node_pool min_count 1 (node_count 3)
    ]  # the one-node user pools ('tools', 'batch') are not reported
    by_line = {(f.location.path, f.location.start_line): f.message for f in run([F], ["BCDR803", "BCDR002"])}
    assert by_line[(f"{F}/terraform/main.tf", 32)].startswith(
        "system node pool 'system' of AKS cluster 'aks-reports-prod' can run with 1 node (autoscaler minimum 1), "
        "and the cluster has no other system pool"
    )
    assert "(no node count set; the default is 1)" in by_line[(f"{F}/arm/azuredeploy.json", 48)]
    assert "the cluster's other system pools are unknown" in by_line[(f"{F}/terraform/main.tf", 45)]


def test_system_pools_of_two_or_more_pass(at_root):
    # terraform-two-system-pools: two one-node system pools are two system nodes.
    assert findings_for(["fixtures/BCDR803/good"], ["BCDR803", "BCDR002"]) == []


def test_unresolved_count_or_mode(at_root):
    F = "fixtures/BCDR803/unresolved"
    assert findings_for([F], ["BCDR803", "BCDR002"]) == [
        ("BCDR002", f"{F}/arm/azuredeploy.json", 22),  # minCount from a parameter without default
        ("BCDR002", f"{F}/terraform/main.tf", 20),  # node_count = var.system_nodes
        ("BCDR002", f"{F}/terraform/main.tf", 33),  # mode = var.extra_pool_mode on a one-node pool
    ]


def test_pools_without_mode_beside_others_are_not_taken_for_the_system_pool(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [{
            "type": "Microsoft.ContainerService/managedClusters",
            "apiVersion": "2024-02-01",
            "name": "aks-two-pools",
            "location": "eastus",
            "properties": {"agentPoolProfiles": [
                {"name": "first", "count": 1, "availabilityZones": ["1", "2", "3"]},
                {"name": "second", "count": 1, "availabilityZones": ["1", "2", "3"]},
            ]},
        }],
    }
    (tmp_path / "aks.json").write_text(json.dumps(template, indent=2))
    assert findings_for(["."], ["BCDR803", "BCDR002"]) == []


# -- BCDR804 ---------------------------------------------------------------------------------

def test_single_replica_workloads(at_root):
    F = "fixtures/BCDR804/bad"
    assert findings_for([F], ["BCDR804", "BCDR002"]) == [
        ("BCDR804", f"{F}/autoscaled.yaml", 19),  # the HPA: minReplicas unset (1), whatever replicas says
        ("BCDR804", f"{F}/keda.yaml", 27),  # a KEDA ScaledObject with minReplicaCount: 1
        ("BCDR804", f"{F}/workloads.yaml", 7),  # Deployment replicas: 1
        ("BCDR804", f"{F}/workloads.yaml", 18),  # StatefulSet without replicas
        ("BCDR804", f"{F}/workloads.yaml", 35),  # bare Pod
        ("BCDR804", f"{F}/workloads.yaml", 51),  # ReplicationController replicas: 1
    ]
    (autoscaled,) = run([f"{F}/autoscaled.yaml"], ["BCDR804"])
    assert autoscaled.message.startswith(
        "HorizontalPodAutoscaler 'recommendations' scales Deployment 'recommendations' down to a single pod "
        "(minReplicas not set, default 1)"
    )
    assert [(r.location.path, r.location.start_line) for r in autoscaled.related] == [(f"{F}/autoscaled.yaml", 2)]


    (keda,) = run([f"{F}/keda.yaml"], ["BCDR804"])
    assert keda.message.startswith(
        "KEDA ScaledObject 'payment-events' scales Deployment 'payment-events' down to a single pod (minReplicaCount 1)"
    )


def test_replicated_autoscaled_jobs_daemonsets_and_parked_workloads_pass(at_root):
    # 'search' has replicas: 1, but a namespace-less autoscaler beside it keeps at least 2; KEDA
    # keeps 'invoice-worker' at 2 or more and may scale 'statement-export' to zero (its default).
    assert findings_for(["fixtures/BCDR804/good"], ["BCDR804", "BCDR002"]) == []


def test_autoscaler_in_another_folder_and_namespace_does_not_count(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "app/deploy.yaml", """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: search, namespace: shop}
        spec:
          selector: {matchLabels: {app: search}}
          template:
            metadata: {labels: {app: search}}
            spec: {containers: [{name: s, image: contoso/search:1}]}
        """)
    write(tmp_path, "other/hpa.yaml", """\
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: search}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: search}
          minReplicas: 3
          maxReplicas: 5
        ---
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: search, namespace: staging}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: search}
          minReplicas: 3
          maxReplicas: 5
        """)
    assert findings_for(["."], ["BCDR804"]) == [("BCDR804", "app/deploy.yaml", 1)]


def test_unresolved_replicas(at_root):
    F = "fixtures/BCDR804/unresolved"
    assert findings_for([F], ["BCDR804", "BCDR002"]) == [
        ("BCDR002", f"{F}/workloads.yaml", 7),  # replicas: ${NOTIFIER_REPLICAS}
        ("BCDR002", f"{F}/workloads.yaml", 41),  # the autoscaler's minReplicas decides, and is a placeholder
    ]


# -- BCDR805 ---------------------------------------------------------------------------------

def test_multi_replica_workloads_without_a_budget(at_root):
    F = "fixtures/BCDR805/bad/no-budget"
    assert findings_for([F], ["BCDR805", "BCDR002"]) == [
        ("BCDR805", f"{F}/api.yaml", 7),  # its budget is in another namespace
        ("BCDR805", f"{F}/api.yaml", 35),  # the budget's matchExpressions select tier=backend only
        ("BCDR805", f"{F}/api.yaml", 65),  # canary pods: the budget wants the label absent
    ]
    messages = sorted(f.message for f in run([F], ["BCDR805"]))
    assert messages[0].startswith(
        "Deployment 'orders-api' runs 3 replicas, but no PodDisruptionBudget selects its pods"
    )


def test_budgets_that_allow_no_eviction(at_root):
    F = "fixtures/BCDR805/bad/blocking"
    assert findings_for([F], ["BCDR805", "BCDR002"]) == [
        ("BCDR805", f"{F}/autoscaled.yaml", 34),  # minAvailable 2, autoscaler minimum 2
        ("BCDR805", f"{F}/budgets.yaml", 24),  # minAvailable 3 of 3 replicas
        ("BCDR805", f"{F}/budgets.yaml", 52),  # maxUnavailable 0
        ("BCDR805", f"{F}/budgets.yaml", 97),  # minAvailable 100% over two Deployments
    ]
    by_line = {(f.location.path, f.location.start_line): f for f in run([F], ["BCDR805"])}
    fraud = by_line[(f"{F}/budgets.yaml", 97)]
    assert fraud.message.startswith(
        "PodDisruptionBudget 'fraud' (minAvailable 100%: all 4 pods it selects) allows no eviction"
    )
    assert [(r.location.start_line, r.message) for r in fraud.related] == [
        (57, "Deployment 'fraud-blue': 2 pods"),
        (74, "Deployment 'fraud-green': 2 pods"),
    ]
    tokenizer = by_line[(f"{F}/autoscaled.yaml", 34)]
    assert [r.message for r in tokenizer.related] == ["Deployment 'tokenizer': 2 pods at its autoscaler's minimum"]


def test_budgets_that_select_and_leave_room_pass(at_root):
    assert findings_for(["fixtures/BCDR805/good"], ["BCDR805", "BCDR002"]) == []


def test_kustomize_patches_are_not_workloads(at_root):
    # Strategic merge patches (no selector, or a pod template without images) only change the
    # base's Deployment: they run no pods of their own and need no budget.
    assert findings_for(["fixtures/BCDR805/good/kustomize-overlays"], ["BCDR8", "BCDR002"]) == []


def test_unresolved_selection_and_budget(at_root):
    F = "fixtures/BCDR805/unresolved"
    assert findings_for([F], ["BCDR805", "BCDR002"]) == [
        ("BCDR002", f"{F}/app.yaml", 12),  # pod label release: ${RELEASE} against release: stable
        ("BCDR002", f"{F}/app.yaml", 51),  # minAvailable: ${RATES_MIN_AVAILABLE}
    ]


@pytest.mark.parametrize(("min_available", "blocks"), [
    ("67%", True),  # ceil(2.01) = 3 of 3 pods
    ("66%", False),  # ceil(1.98) = 2 of 3
    (4, True),  # more than there are
    (0, False),
])
def test_percentages_round_up_as_kubernetes_does(tmp_path, monkeypatch, min_available, blocks):
    monkeypatch.chdir(tmp_path)
    value = f'"{min_available}"' if isinstance(min_available, str) else min_available
    write(tmp_path, "app.yaml", f"""\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {{name: api, namespace: web}}
        spec:
          replicas: 3
          selector: {{matchLabels: {{app: api}}}}
          template:
            metadata: {{labels: {{app: api}}}}
            spec: {{containers: [{{name: api, image: contoso/api:1}}]}}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {{name: api, namespace: web}}
        spec:
          minAvailable: {value}
          selector: {{matchLabels: {{app: api}}}}
        """)
    assert findings_for(["."], ["BCDR805", "BCDR002"]) == ([("BCDR805", "app.yaml", 15)] if blocks else [])


def test_daemonsets_unjudged_budgets_and_budgets_selecting_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "cluster.yaml", """\
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent, namespace: ops}
        spec:
          template:
            metadata: {labels: {app: agent}}
            spec: {containers: [{name: agent, image: contoso/agent:1}]}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: agent, namespace: ops}
        spec:
          maxUnavailable: 0
          selector: {matchLabels: {app: agent}}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: ops}
        spec:
          replicas: 2
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: api, image: contoso/api:1}]}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: defaulted, namespace: ops}
        spec:
          selector: {matchLabels: {app: api}}
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: elsewhere, namespace: ops}
        spec:
          minAvailable: 5
          selector: {matchLabels: {app: chart-installed}}
        """)
    # A DaemonSet is neither required to have a budget nor counted by one (drains leave its pods);
    # a budget that sets neither field, or selects no workload of the files, is not judged.
    assert findings_for(["."], ["BCDR805", "BCDR002"]) == []


# -- label selectors ---------------------------------------------------------------------------

def _with(kind: Kind, **attrs) -> Resource:
    return Resource(kind=kind, key=f"{kind.value}:x", name="x", location=Location("m.yaml", 1, 1),
                    source_type="test", attrs=attrs)


PLACEHOLDER = Unresolved("${TIER}", "a template placeholder")


@pytest.mark.parametrize(("labels", "expressions", "pod", "expected"), [
    (None, [], {"app": "web"}, False),  # no selector: no pods
    ({}, [], {"app": "web"}, True),  # empty selector: every pod
    ({"app": "web"}, [], {"app": "web", "tier": "fe"}, True),
    ({"app": "web", "tier": "be"}, [], {"app": "web", "tier": "fe"}, False),
    ({"app": "web"}, [], {}, False),
    ({}, [{"key": "tier", "operator": "In", "values": ["fe", "be"]}], {"tier": "fe"}, True),
    ({}, [{"key": "tier", "operator": "In", "values": ["be"]}], {"tier": "fe"}, False),
    ({}, [{"key": "tier", "operator": "In", "values": ["fe"]}], {}, False),
    ({}, [{"key": "tier", "operator": "NotIn", "values": ["fe"]}], {"tier": "be"}, True),
    ({}, [{"key": "tier", "operator": "NotIn", "values": ["fe"]}], {}, True),  # absent label is not in
    ({}, [{"key": "tier", "operator": "NotIn", "values": ["fe"]}], {"tier": "fe"}, False),
    ({}, [{"key": "tier", "operator": "Exists", "values": []}], {"tier": ""}, True),
    ({}, [{"key": "tier", "operator": "Exists", "values": []}], {}, False),
    ({}, [{"key": "tier", "operator": "DoesNotExist", "values": []}], {}, True),
    ({}, [{"key": "tier", "operator": "DoesNotExist", "values": []}], {"tier": "fe"}, False),
    # Placeholders leave the answer open unless another term already decides it.
    ({"tier": PLACEHOLDER}, [], {"tier": "fe"}, PLACEHOLDER),
    ({"tier": PLACEHOLDER, "app": "api"}, [], {"tier": "fe", "app": "web"}, False),
    ({"tier": PLACEHOLDER}, [], {}, False),
    ({}, [{"key": "tier", "operator": "In", "values": [PLACEHOLDER]}], {"tier": "fe"}, PLACEHOLDER),
    ({}, [{"key": "tier", "operator": "In", "values": ["fe", PLACEHOLDER]}], {"tier": "fe"}, True),
    ({"app": "web"}, [], {"app": PLACEHOLDER}, PLACEHOLDER),
])
def test_label_selector_semantics(labels, expressions, pod, expected):
    budget = _with(Kind.PDB, match_labels=labels, match_expressions=expressions)
    workload = _with(Kind.WORKLOAD, workload_kind="Deployment", pod_labels=pod)
    assert selects(budget, workload) == expected
