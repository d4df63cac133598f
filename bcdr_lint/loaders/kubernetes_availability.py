"""PodDisruptionBudgets, HorizontalPodAutoscalers (and KEDA ScaledObjects, which own one) and
whether a workload manifest is a patch: the attributes the in-region availability
rules read (contract in ``bcdr_lint.model.resource``), kept apart from the workload and storage
builders of ``kubernetes``.

Each function returns ``(attrs, locations)``; ``kubernetes._resource`` makes the resource.
"""

from __future__ import annotations

import re
from typing import Any

from bcdr_lint.loaders.yaml_nodes import ManifestObject, scalar_text
from bcdr_lint.model import Location, ParseError, Unresolved

Attrs = tuple[dict[str, Any], dict[str, Location | None]]

_PERCENT = re.compile(r"^\d+%$")
SELECTOR_OPERATORS = frozenset({"In", "NotIn", "Exists", "DoesNotExist"})


def disruption_budget(obj: ManifestObject) -> Attrs:
    attrs: dict[str, Any] = {}
    locations: dict[str, Location | None] = {}
    for attr, field in (("min_available", "minAvailable"), ("max_unavailable", "maxUnavailable")):
        value = int_or_percent(obj, "spec", field)
        if value is not None:
            attrs[attr] = value
            locations[attr] = obj.loc("spec", field)
    attrs.update(label_selector(obj, "spec", "selector"))
    if obj.value["apiVersion"] == "policy/v1beta1" and attrs["match_labels"] == {} and not attrs["match_expressions"]:
        attrs["match_labels"] = None  # v1beta1 read an empty selector as selecting no pods
    locations["match_labels"] = obj.loc("spec", "selector", "matchLabels") or obj.loc("spec", "selector")
    locations["match_expressions"] = obj.loc("spec", "selector", "matchExpressions")
    return attrs, locations


def pod_autoscaler(obj: ManifestObject) -> Attrs:
    return _scaler(obj, "minReplicas", "maxReplicas")


def scaled_object(obj: ManifestObject) -> Attrs:
    """A KEDA ScaledObject: it creates and owns the HorizontalPodAutoscaler of its target, so it
    is modelled as one. Its target kind defaults to Deployment, its minimum (``minReplicaCount``)
    to 0 — scaled to zero when idle."""
    attrs, locations = _scaler(obj, "minReplicaCount", "maxReplicaCount", default_kind="Deployment")
    attrs["scaler"] = "keda"
    attrs.setdefault("min_replicas", 0)
    return attrs, locations


def _scaler(obj: ManifestObject, min_field: str, max_field: str, default_kind: str | None = None) -> Attrs:
    """What an autoscaler scales (``spec.scaleTargetRef``) and its replica bounds."""
    attrs: dict[str, Any] = {
        "target_kind": obj.text("spec", "scaleTargetRef", "kind") or default_kind,
        "target_name": obj.text("spec", "scaleTargetRef", "name"),
    }
    locations: dict[str, Location | None] = {
        "target_kind": obj.loc("spec", "scaleTargetRef"),
        "target_name": obj.loc("spec", "scaleTargetRef", "name"),
    }
    for attr, field in (("min_replicas", min_field), ("max_replicas", max_field)):
        value = integer(obj, "spec", field)
        if value is not None:
            attrs[attr] = value
            locations[attr] = obj.loc("spec", field)
    return attrs, locations


# Controllers whose apps/v1 API requires ``spec.selector``: a manifest without one is a patch.
_SELECTOR_REQUIRED = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "DaemonSet"})


def is_patch(obj: ManifestObject, pod_spec: tuple[str, ...]) -> bool:
    """Whether a workload manifest is a partial one — a kustomize (strategic merge) patch or an
    overlay's fragment that only changes the base's object: an apps/v1 controller without
    ``spec.selector``, or a pod spec without one container that names an image. The API server
    accepts neither as an object of its own, so no pods run from it."""
    if obj.kind in _SELECTOR_REQUIRED and obj.value["apiVersion"] in ("apps/v1", "apps/v1beta2") \
            and obj.get("spec", "selector") is None:
        return True
    containers = obj.sequence(*pod_spec, "containers") if isinstance(obj.get(*pod_spec, "containers"), list) else []
    return not any(isinstance(c, dict) and c.get("image") is not None for c in containers)


def label_selector(obj: ManifestObject, *keys: str) -> dict[str, Any]:
    """``match_labels`` and ``match_expressions`` of a LabelSelector.

    No selector at all (absent or null) selects no pods, and is ``match_labels`` None; an empty
    selector ``{}`` selects every pod of the namespace: ``{}`` and ``[]``.
    """
    if not obj.mapping(*keys):  # absent, null, or not a mapping (reported): nothing is selected
        return {"match_labels": None if not isinstance(obj.get(*keys), dict) else {}, "match_expressions": []}
    labels = string_map(obj, *keys, "matchLabels")
    expressions = []
    for index, item in obj.mapping_items(*keys, "matchExpressions"):
        operator = obj.text(*keys, "matchExpressions", index, "operator")
        if isinstance(operator, str) and operator not in SELECTOR_OPERATORS:
            # The API server rejects it; a rule cannot tell which pods it would have meant.
            _report(obj, f"{obj.kind}: selector operator `{operator}` must be one of In, NotIn, Exists, "
                    "DoesNotExist", (*keys, "matchExpressions", index, "operator"))
            operator = Unresolved(operator, "not a label selector operator",
                                  obj.loc(*keys, "matchExpressions", index, "operator"))
        values = [
            obj.text(*keys, "matchExpressions", index, "values", position)
            for position, value in enumerate(obj.sequence(*keys, "matchExpressions", index, "values"))
            if value is not None
        ]
        expressions.append({"key": obj.text(*keys, "matchExpressions", index, "key"), "operator": operator,
                            "values": values})
    return {"match_labels": labels, "match_expressions": expressions}


def string_map(obj: ManifestObject, *keys: str) -> dict[str, str | Unresolved]:
    """Labels as text (``version: 2`` is "2"); a deploy-time placeholder is Unresolved."""
    out: dict[str, str | Unresolved] = {}
    for key, value in obj.mapping(*keys).items():
        text = obj.text(*keys, key) if isinstance(key, str) else None
        out[str(key)] = text if text is not None else ("" if value is None else scalar_text(value))
    return out


def int_or_percent(obj: ManifestObject, *keys: str) -> int | str | Unresolved | None:
    """An IntOrString count: an integer, or a percentage such as ``"50%"``; anything else is
    reported (the API server rejects it) and left out."""
    found = obj.get(*keys)
    if found is None:
        return None
    if isinstance(found, int) and not isinstance(found, bool):
        return found
    text = obj.text(*keys)
    if isinstance(text, Unresolved):
        return text
    if isinstance(text, str) and _PERCENT.match(text.strip()):
        return text.strip()
    _report(obj, f"{obj.kind}: `{'.'.join(keys)}` must be an integer or a percentage, not `{text}`", keys)
    return None


def integer(obj: ManifestObject, *keys: str) -> int | Unresolved | None:
    found = obj.get(*keys)
    if found is None:
        return None
    if isinstance(found, int) and not isinstance(found, bool):
        return found
    text = obj.text(*keys)
    if isinstance(text, Unresolved):
        return text
    _report(obj, f"{obj.kind}: `{'.'.join(keys)}` must be an integer, not `{text}`", keys)
    return None


def _report(obj: ManifestObject, message: str, keys: tuple) -> None:
    error = ParseError(message, obj.loc(*keys) or obj.location)
    if error not in obj.errors:
        obj.errors.append(error)
