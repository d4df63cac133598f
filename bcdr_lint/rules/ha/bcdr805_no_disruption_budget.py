"""
## What it checks
PodDisruptionBudgets against the workloads they protect, two ways:

- a Deployment, StatefulSet, ReplicaSet or ReplicationController that runs at least two pods
  (`replicas`, or the `minReplicas` of its HorizontalPodAutoscaler or the `minReplicaCount` of
  its KEDA ScaledObject) and whose pods no PodDisruptionBudget selects — reported at the
  workload; patches that only change a workload declared elsewhere (kustomize overlays) are not
  workloads of their own;
- a PodDisruptionBudget that allows no eviction at all for the pods it selects:
  `maxUnavailable: 0` (or `"0%"`), or a `minAvailable` (count, or percentage rounded up as
  Kubernetes does) that is not below the number of pods it selects — reported at the budget.

A budget selects a pod when it is in the same namespace and its `selector` (`matchLabels` and
`matchExpressions` with `In`, `NotIn`, `Exists`, `DoesNotExist`) matches the labels of the pod
template; a budget without a selector selects nothing, an empty selector (`{}`) every pod of the
namespace. A manifest that sets no namespace counts as in the namespace of one beside it (same
folder), as kustomize or `kubectl apply -n` would place it. Pods are counted at the fewest the
workloads run (an autoscaler's `minReplicas`). A budget that sets neither field, or selects no
workload of the checked files, is not judged. A label, count or selector value left to deploy
time (a template placeholder) is reported as unresolved (BCDR002).

## Why it matters
AKS drains nodes for every node-image and Kubernetes upgrade and whenever the cluster
autoscaler scales in. Without a budget, a drain may evict all replicas of a service at once
(they often share a node), and the service is down until they are rescheduled. A budget that
allows no eviction blocks the drain instead: the upgrade stalls or fails and the node pool
keeps running an unpatched image.

## Example
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api, namespace: shop}
spec:
  minAvailable: 3          # the Deployment runs 3 replicas: no pod may ever be evicted
  selector:
    matchLabels: {app: api}
```

## Use instead
A budget that keeps most replicas up and lets one go at a time:
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api, namespace: shop}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: api}
```

## References
- https://learn.microsoft.com/azure/aks/operator-best-practices-scheduler
- https://learn.microsoft.com/azure/aks/best-practices-app-cluster-reliability
- https://kubernetes.io/docs/tasks/run-application/configure-pdb/
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Iterator

from bcdr_lint.findings import Finding, Related
from bcdr_lint.model import Model, Resource, Unresolved
from bcdr_lint.rules.base import capped, related, rule
from bcdr_lint.rules.ha.pods import REPLICATED, Floor, PodIndex, minimum_field, selects, workload_label


@rule(
    id="BCDR805",
    name="no-disruption-budget",
    level="note",
    summary="A multi-replica workload has no PodDisruptionBudget, or a budget allows no eviction and blocks node drains.",
    help_uri="https://learn.microsoft.com/azure/aks/operator-best-practices-scheduler",
    tags=("availability", "kubernetes"),
)
def check(model: Model) -> Iterator[Finding]:
    index = PodIndex(model)
    if not index.workloads:
        return
    selected: dict[str, list[tuple[Resource, Floor]]] = defaultdict(list)
    undecided: dict[str, Unresolved] = {}
    for workload in index.workloads:
        floor = index.floor(workload)
        covered = False
        open_selection: Unresolved | None = None
        for budget in index.budgets_near(workload):
            verdict = selects(budget, workload)
            if verdict is True:
                covered = True
                selected[budget.key].append((workload, floor))
            elif isinstance(verdict, Unresolved):
                open_selection = open_selection or verdict
                undecided.setdefault(budget.key, verdict)
        if covered or workload.get("workload_kind") not in REPLICATED:
            continue
        yield from _uncovered(workload, floor, open_selection)
    for budget in index.budgets:
        if budget.key in selected:
            yield from _blocking(budget, selected[budget.key], undecided.get(budget.key))


def _uncovered(workload: Resource, floor: Floor, open_selection: Unresolved | None) -> Iterator[Finding]:
    if isinstance(floor.count, Unresolved):
        what = minimum_field(floor.source) if floor.autoscaled else "replicas"
        yield RULE.unresolved(floor.source, floor.attr or "replicas", floor.count, what)
        return
    if floor.count < 2:
        return  # one pod: BCDR804's finding; a budget cannot keep it up anyway
    label = workload_label(workload)
    if open_selection is not None:
        yield RULE.unresolved(workload, "pod_labels", open_selection, f"whether a PodDisruptionBudget selects {label}")
        return
    how = f"at least {floor.count} replicas (autoscaled)" if floor.autoscaled else f"{floor.count} replicas"
    yield RULE.at(
        workload,
        f"{label} runs {how}, but no PodDisruptionBudget selects its pods: a node drain (AKS upgrade, "
        "autoscaler scale-in) may evict them all at once; add a budget with maxUnavailable: 1",
        attr=floor.attr if floor.attr and not floor.autoscaled else None,
    )


def _blocking(budget: Resource, members: list[tuple[Resource, Floor]], undecided: Unresolved | None) -> Iterator[Finding]:
    max_unavailable = budget.get("max_unavailable")
    min_available = budget.get("min_available")
    if max_unavailable is not None:
        attr, value = "max_unavailable", max_unavailable
    elif min_available is not None:
        attr, value = "min_available", min_available
    else:
        return  # neither is set: not judged
    if isinstance(value, Unresolved):
        yield RULE.unresolved(budget, attr, value, "maxUnavailable" if attr == "max_unavailable" else "minAvailable")
        return
    counts = [f.count for _, f in members]
    if all(isinstance(c, int) for c in counts) and sum(counts) == 0:
        return  # scaled to zero: nothing to evict
    if attr == "max_unavailable":
        if _scaled(value, 1) != 0:
            return
        reason = f"maxUnavailable {value}"
    else:
        unknown = next((f for _, f in members if isinstance(f.count, Unresolved)), None)
        if unknown is not None:
            what = minimum_field(unknown.source) if unknown.autoscaled else "replicas"
            yield RULE.unresolved(unknown.source, unknown.attr or "replicas", unknown.count, what)
            return
        if undecided is not None:
            # It may select more pods than counted, which would leave room for an eviction.
            yield RULE.unresolved(budget, "match_labels", undecided, "which pods the budget selects")
            return
        pods = sum(counts)
        required = _scaled(value, pods)
        if required < pods:
            return
        reason = f"minAvailable {value}: all {pods} pod{'s' if pods != 1 else ''} it selects" if pods > 1 else (
            f"minAvailable {value}: the one pod it selects")
    shown, more = capped((w for w, _ in members), lambda w: _member(w, members))
    yield RULE.at(
        budget,
        f"{budget.label} ({reason}) allows no eviction: node drains for AKS upgrades and autoscaler "
        "scale-in stall on its pods; allow at least one disruption (maxUnavailable: 1)",
        attr=attr,
        related=shown,
        more=more,
    )


def _scaled(value: int | str, total: int) -> int:
    """A count or percentage of ``total``, rounded up as the disruption controller does."""
    if isinstance(value, int):
        return value
    return math.ceil(int(value.rstrip("%")) * total / 100)


def _member(workload: Resource, members: list[tuple[Resource, Floor]]) -> Related:
    floor = next(f for w, f in members if w is workload)
    pods = f"{floor.count} pod{'s' if floor.count != 1 else ''}"
    if floor.autoscaled:
        pods += " at its autoscaler's minimum"
    return related(workload, f"{workload_label(workload)}: {pods}")


RULE = check
