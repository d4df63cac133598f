"""How many pods a workload runs at the fewest, and which PodDisruptionBudgets select them:
the lookups BCDR804 and BCDR805 share."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from bcdr_lint.model import Kind, Model, Resource, Unresolved

# Controllers that keep a set number of identical pods running (and replace a lost one).
REPLICATED = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
# What a PodDisruptionBudget can protect from a node drain. DaemonSet pods are left on a draining
# node (`kubectl drain --ignore-daemonsets`, AKS upgrades alike); Job pods run to completion.
DRAINABLE = REPLICATED | {"Pod"}


def workload_label(workload: Resource) -> str:
    return f"{workload.get('workload_kind')} '{workload.name}'"


def autoscaler_label(hpa: Resource) -> str:
    """``HorizontalPodAutoscaler 'web'``, or ``KEDA ScaledObject 'web'`` for the one KEDA owns."""
    return f"KEDA ScaledObject '{hpa.name}'" if hpa.get("scaler") == "keda" else hpa.label


def minimum_field(hpa: Resource) -> str:
    """How the autoscaler's manifest spells its minimum."""
    return "minReplicaCount" if hpa.get("scaler") == "keda" else "minReplicas"


def _folder(resource: Resource) -> str:
    return posixpath.dirname(resource.location.path.replace("\\", "/"))


def _namespace_key(resource: Resource) -> str | None:
    namespace = resource.get("namespace")
    return namespace.expression if isinstance(namespace, Unresolved) else namespace


def same_namespace(a: Resource, b: Resource) -> bool:
    """Equal namespaces; or one manifest sets none and both sit in one folder — applied together
    (kustomize ``namespace:``, ``kubectl apply -n``), the namespace-less one lands beside the other."""
    if _namespace_key(a) == _namespace_key(b):
        return True
    return (a.get("namespace") is None or b.get("namespace") is None) and _folder(a) == _folder(b)


@dataclass(frozen=True, slots=True)
class Floor:
    """The fewest pods a workload runs, and what sets that number: its own ``replicas``, or the
    ``min_replicas`` of the HorizontalPodAutoscaler that scales it (``source``)."""

    count: int | Unresolved
    source: Resource
    attr: str | None  # None: not written, the Kubernetes default

    @property
    def autoscaled(self) -> bool:
        return self.source.kind is Kind.HPA


def _count(value: Any, resource: Resource, attr: str) -> int | Unresolved:
    if isinstance(value, Unresolved) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return Unresolved(str(value), "not a number", resource.loc(attr))


class PodIndex:
    """Workloads, their autoscalers and the PodDisruptionBudgets near them, indexed once."""

    def __init__(self, model: Model) -> None:
        # A patch (kustomize overlay) changes the base's workload and runs no pods of its own.
        self.workloads = [w for w in model.of_kind(Kind.WORKLOAD)
                          if w.get("workload_kind") in DRAINABLE and not w.get("partial")]
        self.budgets = model.of_kind(Kind.PDB)
        self._autoscalers: dict[tuple[Any, Any], list[Resource]] = defaultdict(list)
        for hpa in model.of_kind(Kind.HPA):
            self._autoscalers[(hpa.get("target_kind"), hpa.get("target_name"))].append(hpa)
        self._budgets_by_namespace: dict[str | None, list[Resource]] = defaultdict(list)
        self._budgets_by_folder: dict[str, list[Resource]] = defaultdict(list)
        for budget in self.budgets:
            self._budgets_by_namespace[_namespace_key(budget)].append(budget)
            self._budgets_by_folder[_folder(budget)].append(budget)

    def autoscalers(self, workload: Resource) -> list[Resource]:
        """HorizontalPodAutoscalers whose ``scaleTargetRef`` names this workload."""
        candidates = self._autoscalers.get((workload.get("workload_kind"), workload.name), ())
        return [hpa for hpa in candidates if same_namespace(hpa, workload)]

    def floor(self, workload: Resource) -> Floor:
        """The fewest pods the workload runs. An autoscaler overrides ``replicas``, down to its
        ``minReplicas`` (1 when unset; a KEDA ScaledObject's loader default is 0); ``replicas``
        unset means 1; a bare Pod is one pod."""
        if workload.get("workload_kind") == "Pod":
            return Floor(1, workload, None)
        floors = []
        for hpa in self.autoscalers(workload):
            if hpa.get("min_replicas") is None:
                floors.append(Floor(1, hpa, None))
            else:
                floors.append(Floor(_count(hpa.get("min_replicas"), hpa, "min_replicas"), hpa, "min_replicas"))
        if floors:
            unknown = [f for f in floors if isinstance(f.count, Unresolved)]
            return unknown[0] if unknown else min(floors, key=lambda f: f.count)
        replicas = workload.get("replicas")
        if replicas is None:
            return Floor(1, workload, None)
        return Floor(_count(replicas, workload, "replicas"), workload, "replicas")

    def budgets_near(self, workload: Resource) -> list[Resource]:
        """PodDisruptionBudgets in the workload's namespace (see ``same_namespace``)."""
        found = list(self._budgets_by_namespace.get(_namespace_key(workload), ()))
        seen = {b.key for b in found}
        for budget in self._budgets_by_folder.get(_folder(workload), ()):
            if budget.key not in seen and same_namespace(budget, workload):
                found.append(budget)
        return found


def selects(budget: Resource, workload: Resource) -> bool | Unresolved:
    """Whether the budget's label selector matches the workload's pods; Unresolved (the value that
    decides) when a deploy-time placeholder in either set of labels leaves it open."""
    match_labels = budget.get("match_labels")
    if match_labels is None:
        return False  # no selector selects no pods
    labels: dict = workload.get("pod_labels") or {}
    open_value: Unresolved | None = None
    for key, wanted in match_labels.items():
        if key not in labels:
            return False
        have = labels[key]
        if isinstance(wanted, Unresolved) or isinstance(have, Unresolved):
            open_value = open_value or (wanted if isinstance(wanted, Unresolved) else have)
        elif have != wanted:
            return False
    for expression in budget.get("match_expressions") or ():
        verdict = _expression_matches(expression, labels)
        if verdict is False:
            return False
        if isinstance(verdict, Unresolved):
            open_value = open_value or verdict
    return open_value or True


def _expression_matches(expression: dict, labels: dict) -> bool | Unresolved:
    key, operator = expression.get("key"), expression.get("operator")
    for value in (key, operator):
        if isinstance(value, Unresolved):
            return value
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    values = expression.get("values") or []
    have = labels.get(key)
    if operator == "In" and have is None:
        return False
    if operator == "NotIn" and have is None:
        return True  # NotIn also matches pods without the label
    if isinstance(have, Unresolved):
        return have
    if have in values:
        return operator == "In"
    placeholder = next((v for v in values if isinstance(v, Unresolved)), None)
    if placeholder is not None:
        return placeholder
    return operator == "NotIn"
