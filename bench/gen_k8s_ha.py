"""In-region availability objects added to some Kubernetes manifests of the benchmark.

Drawn from a random stream of their own (``<seed>-k8s-ha``) and appended after a manifest is
padded, so the manifests' own documents are byte-identical to what the Kubernetes stream writes
without them. Adds what teams write around a Deployment: a PodDisruptionBudget by
``maxUnavailable`` (count or percentage), now and then one that blocks every eviction
(``minAvailable`` equal to the replicas), a budget whose selector misses the pods, and KEDA
ScaledObjects that own the autoscaler.
"""

from __future__ import annotations

import random

Doc = list[str]


def _metadata(name: str, ns: str, app: str, team: str) -> Doc:
    return ["metadata:", f"  name: {name}", f"  namespace: {ns}", "  labels:", f"    app.kubernetes.io/name: {app}",
            f"    app.kubernetes.io/part-of: {team}"]


def _budget(name: str, ns: str, app: str, team: str, rule: str, selector_app: str) -> Doc:
    return ["apiVersion: policy/v1", "kind: PodDisruptionBudget", *_metadata(name, ns, app, team), "spec:",
            f"  {rule}", "  selector:", "    matchLabels:", f"      app.kubernetes.io/name: {selector_app}"]


def _scaled_object(rng: random.Random, app: str, ns: str, team: str) -> Doc:
    return ["apiVersion: keda.sh/v1alpha1", "kind: ScaledObject", *_metadata(app, ns, app, team), "spec:",
            "  scaleTargetRef:", f"    name: {app}", f"  minReplicaCount: {rng.choice((0, 1, 2, 2, 3))}",
            f"  maxReplicaCount: {rng.choice((10, 20, 50))}", "  triggers:", "    - type: azure-servicebus",
            "      metadata:", f"        queueName: {app}-jobs", '        messageCount: "50"',
            "      authenticationRef:", f"        name: {app}-servicebus"]


def _replicas(docs: list[Doc]) -> int:
    for doc in docs:
        if "kind: Deployment" in doc:
            return next((int(line.split(":")[1]) for line in doc if line.startswith("  replicas:")), 1)
    return 1


def extra_docs(rng: random.Random, kind: str, docs: list[Doc], app: str, ns: str, team: str) -> list[Doc]:
    """Documents to append to a manifest of ``kind`` (``gen_kubernetes.FILE_KINDS``)."""
    if kind != "app":
        return []
    kinds = {line for doc in docs for line in doc[:2] if line.startswith("kind: ")}
    extra: list[Doc] = []
    if "kind: PodDisruptionBudget" not in kinds:
        roll = rng.random()
        if roll < 0.2:
            rule = rng.choice(("maxUnavailable: 1", 'maxUnavailable: "25%"', 'minAvailable: "50%"'))
            extra.append(_budget(f"{app}-pdb", ns, app, team, rule, app))
        elif roll < 0.25:
            # Written for the replica count of the day; blocks every node drain.
            extra.append(_budget(f"{app}-pdb", ns, app, team, f"minAvailable: {_replicas(docs)}", app))
        elif roll < 0.28:
            extra.append(_budget(f"{app}-pdb", ns, app, team, "maxUnavailable: 1", f"{app}-v1"))
    if "kind: HorizontalPodAutoscaler" not in kinds and rng.random() < 0.1:
        extra.append(_scaled_object(rng, app, ns, team))
    return extra
