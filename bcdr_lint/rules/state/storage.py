"""Which claims, volumes and storage classes a workload uses: lookups BCDR501-BCDR504 share."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterator

from bcdr_lint.data import node_local_provisioners
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.common import NOT_SET

PLAN_ANNOTATION = "bcdr-lint.io/replication-plan"
NAMESPACE_NOT_SET_REASON = (
    "the manifest sets no namespace; it is chosen when the manifest is applied (kubectl -n, kustomize, Argo CD)"
)


def has_plan_annotation(annotations: Any) -> bool:
    """True when ``bcdr-lint.io/replication-plan`` says how the data is replicated."""
    if not isinstance(annotations, dict):
        return False
    value = annotations.get(PLAN_ANNOTATION)
    return isinstance(value, str) and bool(value.strip())


def namespace_key(namespace: str | Unresolved | None) -> str | None:
    """Namespaces compare as written; two manifests that both leave it unset share one."""
    if isinstance(namespace, Unresolved):
        return namespace.expression
    return namespace


def shown_namespace(namespace: str | Unresolved | None) -> str:
    return NOT_SET if namespace is None else str(namespace)


def pvc_volumes(workload: Resource) -> Iterator[tuple[int, dict]]:
    """``(index, volume)`` of the workload's volumes that mount a PersistentVolumeClaim."""
    for index, volume in enumerate(workload.get("volumes") or ()):
        if volume.get("type") == "persistentVolumeClaim":
            yield index, volume


def claim_templates(workload: Resource) -> list[dict]:
    return list(workload.get("claim_templates") or ())


class StorageIndex:
    """Claims by namespace and name, classes by name, volumes by name and by the claim they hold."""

    def __init__(self, model: Model) -> None:
        self._claims: dict[tuple[str | None, str], list[Resource]] = defaultdict(list)
        self._classes: dict[str, list[Resource]] = defaultdict(list)
        self._volumes: dict[str, list[Resource]] = defaultdict(list)
        self._volumes_by_claim: dict[str, list[Resource]] = defaultdict(list)
        # Memo of node_local_class: kustomize overlays repeat the same class many times.
        self._node_local: dict[str, Resource | None] = {}
        for claim in model.of_kind(Kind.PVC):
            if isinstance(claim.name, str):
                self._claims[(namespace_key(claim.get("namespace")), claim.name)].append(claim)
        for storage_class in model.of_kind(Kind.STORAGE_CLASS):
            if isinstance(storage_class.name, str):
                self._classes[storage_class.name].append(storage_class)
        for volume in model.of_kind(Kind.PV):
            if isinstance(volume.name, str):
                self._volumes[volume.name].append(volume)
            if isinstance(volume.get("claim_ref"), str):
                self._volumes_by_claim[volume.get("claim_ref")].append(volume)

    def claims_for(self, workload: Resource, claim_name: Any) -> list[Resource]:
        """The claims named ``claim_name`` in the workload's namespace (several when more than
        one folder declares it, e.g. kustomize overlays)."""
        if not isinstance(claim_name, str):
            return []
        return list(self._claims.get((namespace_key(workload.get("namespace")), claim_name), ()))

    def classes_named(self, name: Any) -> list[Resource]:
        if not isinstance(name, str) or not name:
            return []
        return list(self._classes.get(name, ()))

    def node_local_class(self, name: Any) -> Resource | None:
        """The first StorageClass named ``name`` whose provisioner creates node-local volumes."""
        if not isinstance(name, str) or not name:
            return None
        if name not in self._node_local:
            provisioners = node_local_provisioners()
            self._node_local[name] = next(
                (c for c in self._classes.get(name, ())
                 if isinstance(c.get("provisioner"), str) and c.get("provisioner").lower() in provisioners),
                None,
            )
        return self._node_local[name]

    def volumes_of(self, claim: Resource) -> list[Resource]:
        """PersistentVolumes bound to ``claim``: by the claim's ``volumeName`` or the volume's ``claimRef``."""
        found: list[Resource] = []
        volume_name = claim.get("volume_name")
        if isinstance(volume_name, str):
            found.extend(self._volumes.get(volume_name, ()))
        namespace = claim.get("namespace")
        if isinstance(claim.name, str) and not isinstance(namespace, Unresolved):
            for volume in self._volumes_by_claim.get(f"{namespace or ''}/{claim.name}", ()):
                if volume not in found:
                    found.append(volume)
        return found
