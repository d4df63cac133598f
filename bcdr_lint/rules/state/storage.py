"""Which claims, volumes and storage classes a workload uses: lookups BCDR501-BCDR504 share."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from typing import Any, Iterator

from bcdr_lint.data import node_local_provisioners
from bcdr_lint.model import Kind, Location, Model, Resource, Unresolved
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


def folder_of(resource: Resource) -> str:
    return posixpath.dirname(resource.location.path.replace("\\", "/"))


class StorageIndex:
    """Claims by namespace and name, classes by name, volumes by name and by the claim they hold."""

    def __init__(self, model: Model) -> None:
        self._claims: dict[tuple[str | None, str], list[Resource]] = defaultdict(list)
        self._classes: dict[str, list[Resource]] = defaultdict(list)
        self._volumes: dict[str, list[Resource]] = defaultdict(list)
        self._volumes_by_claim: dict[str, list[Resource]] = defaultdict(list)
        # Memo of node_local_class: kustomize overlays repeat the same class many times.
        self._node_local: dict[str, Resource | None] = {}
        self.default_candidates: list[Resource] = []
        for claim in model.of_kind(Kind.PVC):
            if isinstance(claim.name, str):
                self._claims[(namespace_key(claim.get("namespace")), claim.name)].append(claim)
        for storage_class in model.of_kind(Kind.STORAGE_CLASS):
            if isinstance(storage_class.name, str):
                self._classes[storage_class.name].append(storage_class)
            if storage_class.get("is_default") is True or isinstance(storage_class.get("is_default"), Unresolved):
                self.default_candidates.append(storage_class)
        for volume in model.of_kind(Kind.PV):
            if isinstance(volume.name, str):
                self._volumes[volume.name].append(volume)
            if isinstance(volume.get("claim_ref"), str):
                self._volumes_by_claim[volume.get("claim_ref")].append(volume)

    def claims_for(self, workload: Resource, claim_name: Any) -> list[Resource]:
        """The claims named ``claim_name`` in the workload's namespace (several when more than
        one folder declares it, e.g. kustomize overlays). Failing those, a same-named claim that
        sets no namespace in the workload's folder: applied together, it gets the workload's
        namespace (kustomize ``namespace:``, ``kubectl apply -n``)."""
        if not isinstance(claim_name, str):
            return []
        found = self._claims.get((namespace_key(workload.get("namespace")), claim_name))
        if found:
            return list(found)
        if workload.get("namespace") is None:
            return []
        folder = folder_of(workload)
        return [claim for claim in self._claims.get((None, claim_name), ()) if folder_of(claim) == folder]

    def effective_class(self, storage_class: Any, where: Location) -> str | Unresolved | None:
        """The class a claim gets: its own, else the one StorageClass of the model annotated as
        the default. Unresolved when several classes (or a class whose annotation is a template
        placeholder) may be the default; None when no class of the model is."""
        if storage_class is not None:
            return storage_class
        names = sorted({str(c.name) for c in self.default_candidates})
        if not names:
            return None
        if len(names) == 1 and all(c.get("is_default") is True for c in self.default_candidates):
            return names[0]
        shown = ", ".join(names)
        return Unresolved(
            NOT_SET,
            f"the claim sets no storageClassName, and more than one StorageClass in the checked files may be "
            f"the cluster's default ({shown})",
            where,
        )

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

    def volumes_of(self, claim: Resource, namespace: str | Unresolved | None = None) -> list[Resource]:
        """PersistentVolumes bound to ``claim``: by the claim's ``volumeName`` or the volume's
        ``claimRef``. ``namespace`` is where the claim lives when it sets none itself (the
        workload's, see ``claims_for``); a ``claimRef`` without namespace in the claim's folder
        matches the same way."""
        found: list[Resource] = []
        volume_name = claim.get("volume_name")
        if isinstance(volume_name, str):
            found.extend(self._volumes.get(volume_name, ()))
        if claim.get("namespace") is not None:
            namespace = claim.get("namespace")
        if not isinstance(claim.name, str) or isinstance(namespace, Unresolved):
            return found
        candidates = list(self._volumes_by_claim.get(f"{namespace or ''}/{claim.name}", ()))
        if not candidates and namespace is not None:
            folder = folder_of(claim)
            candidates = [v for v in self._volumes_by_claim.get(f"/{claim.name}", ()) if folder_of(v) == folder]
        found.extend(v for v in candidates if v not in found)
        return found
