"""
## What it checks
A Kubernetes workload that runs a single pod:

- a Deployment, StatefulSet, ReplicaSet or ReplicationController with `replicas: 1`, or with no
  `replicas` (the default is 1);
- one scaled by a HorizontalPodAutoscaler (same namespace, `scaleTargetRef` kind and name) whose
  `minReplicas` is 1 or unset — the autoscaler, not `replicas`, decides how few pods run; an
  autoscaler with `minReplicas` of 2 or more makes the workload multi-replica; a KEDA
  `ScaledObject` counts as its autoscaler, with its `minReplicaCount` (0 when unset: scaled to
  zero on purpose, not reported);
- a bare Pod, which no controller recreates.

Jobs, CronJobs and DaemonSets are not reported (they run to completion, or once per node), nor
is a workload scaled to `replicas: 0` on purpose, nor a patch that only changes a workload
declared elsewhere (a kustomize overlay's Deployment without `selector`, or without a container
image). A replica count or `minReplicas` left to deploy time (a template placeholder) is reported
as unresolved (BCDR002).

Reported at `replicas` (or the workload), or at the autoscaler's `minReplicas`.

## Why it matters
One pod is one failure away from an outage: a node failure, a zone outage, an AKS node-image
upgrade or a cluster-autoscaler scale-in evicts it, and the service is down until a new pod is
scheduled, pulls its image and passes its readiness probe. With two or more replicas spread
over nodes and zones, the others keep serving. A bare Pod is not even recreated.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
spec:
  replicas: 1
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec:
      containers:
        - name: checkout
          image: contoso.azurecr.io/shop/checkout:4.2.0
```

## Use instead
At least two replicas (three across three zones), spread over zones and nodes:
```yaml
spec:
  replicas: 3
  template:
    spec:
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector: {matchLabels: {app: checkout}}
```
or an autoscaler that never goes below two:
```yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: checkout, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: checkout}
  minReplicas: 2
  maxReplicas: 10
```

## References
- https://learn.microsoft.com/azure/aks/operator-best-practices-scheduler
- https://learn.microsoft.com/azure/aks/best-practices-app-cluster-reliability
- https://kubernetes.io/docs/concepts/workloads/pods/#working-with-pods
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Model, Unresolved
from bcdr_lint.rules.base import related, rule
from bcdr_lint.rules.ha.pods import PodIndex, autoscaler_label, minimum_field, workload_label


@rule(
    id="BCDR804",
    name="single-replica-workload",
    level="note",
    summary="A Deployment, StatefulSet or bare Pod runs a single pod (replicas or autoscaler minReplicas of 1).",
    help_uri="https://learn.microsoft.com/azure/aks/operator-best-practices-scheduler",
    tags=("availability", "kubernetes"),
)
def check(model: Model) -> Iterator[Finding]:
    index = PodIndex(model)
    for workload in index.workloads:
        floor = index.floor(workload)
        label = workload_label(workload)
        if isinstance(floor.count, Unresolved):
            what = minimum_field(floor.source) if floor.autoscaled else "replicas"
            yield RULE.unresolved(floor.source, floor.attr or "replicas", floor.count, what)
        elif floor.count != 1:
            continue
        elif workload.get("workload_kind") == "Pod":
            yield RULE.at(
                workload,
                f"{label} is a bare pod: no controller recreates it when its node fails, is drained or "
                "upgraded; run it from a Deployment or StatefulSet with at least 2 replicas",
            )
        elif floor.autoscaled:
            hpa = floor.source
            field = minimum_field(hpa)
            how = f"{field} 1" if floor.attr else f"{field} not set, default 1"
            yield RULE.at(
                hpa,
                f"{autoscaler_label(hpa)} scales {label} down to a single pod ({how}): one node failure or drain "
                f"takes it offline; set {field} to at least 2",
                attr=floor.attr,
                related=[related(workload, f"{label} scaled by it")],
            )
        else:
            how = "replicas: 1" if floor.attr else "replicas not set, default 1"
            yield RULE.at(
                workload,
                f"{label} runs a single pod ({how}): one node failure, drain or upgrade takes it offline; "
                "run at least 2 replicas spread over nodes and zones",
                attr=floor.attr,
            )


RULE = check
