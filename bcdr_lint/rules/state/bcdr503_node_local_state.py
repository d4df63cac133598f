"""
## What it checks
A Kubernetes workload keeps data on one node's disk:

- it mounts a `hostPath` or `local` volume;
- a claim it mounts (by namespace and name), or one of its `volumeClaimTemplates`, uses a
  StorageClass in the checked files whose provisioner creates node-local volumes
  (`kubernetes.io/no-provisioner`, `rancher.io/local-path`, `openebs.io/local`, TopoLVM, ...);
- or the claim is bound (`volumeName`, or the volume's `claimRef`) to a PersistentVolume of
  type `local` or `hostPath`.

A claim that sets no namespace, declared in the same file or folder as the workload, is the
workload's claim when the namespace has none of that name: applied together (a kustomization's
`namespace:`, `kubectl apply -n`), it lands in the workload's namespace. A volume's `claimRef`
without namespace, in the claim's folder, binds the same way.

A claim or claim template without `storageClassName` uses the StorageClass of the checked files
annotated `storageclass.kubernetes.io/is-default-class: "true"` when exactly one is (k3s
installs `local-path` that way). When several classes may be the default and one of them is
node-local, that is reported as BCDR002 at the claim; with no default class in the files,
nothing is reported.

Reported at the volume or claim template.

## Why it matters
Node-local data has no copy anywhere else: it is lost when the node is reimaged, scaled in or
upgraded (AKS replaces nodes on every node-image upgrade), and a pod pinned to it cannot move
to another node, zone or region. Nothing on the node can be backed up by disk snapshots.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: uploads
  namespace: media
spec:
  selector: {matchLabels: {app: uploads}}
  template:
    metadata: {labels: {app: uploads}}
    spec:
      containers:
        - name: app
          image: contoso.azurecr.io/uploads:2.3.1
          volumeMounts:
            - {name: files, mountPath: /srv/files}
      volumes:
        - name: files
          hostPath:
            path: /mnt/uploads
```

## Use instead
A claim on Azure storage (zone-redundant where the data matters), backed up to another region:
```yaml
      volumes:
        - name: files
          persistentVolumeClaim:
            claimName: uploads-files
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: uploads-files
  namespace: media
spec:
  accessModes: [ReadWriteMany]
  storageClassName: azurefile-zrs
  resources: {requests: {storage: 100Gi}}
```

## References
- https://learn.microsoft.com/azure/aks/concepts-storage
- https://learn.microsoft.com/azure/aks/operator-best-practices-storage
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.data import node_local_provisioners
from bcdr_lint.findings import Finding, Related
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.base import related, rule
from bcdr_lint.rules.state.storage import StorageIndex, claim_templates

NODE_LOCAL_VOLUME_TYPES = ("hostPath", "local")


@rule(
    id="BCDR503",
    name="node-local-state",
    level="warning",
    summary="A workload keeps data on a node's local disk (hostPath, local volume or a node-local provisioner).",
    help_uri="https://learn.microsoft.com/azure/aks/concepts-storage",
    tags=("state", "availability"),
)
def check(model: Model) -> Iterator[Finding]:
    index = StorageIndex(model)
    for workload in model.of_kind(Kind.WORKLOAD):
        label = f"{workload.get('workload_kind')} '{workload.name}'"
        for position, volume in enumerate(workload.get("volumes") or ()):
            attr = f"volumes[{position}]"
            kind = volume.get("type")
            if kind in NODE_LOCAL_VOLUME_TYPES:
                yield RULE.at(
                    workload,
                    f"{label} mounts volume '{volume.get('name')}' of type {kind}: its data exists only on "
                    "the node the pod runs on and is lost when the node is replaced",
                    attr=attr,
                )
                continue
            if kind != "persistentVolumeClaim":
                continue
            claim_name = volume.get("claim_name")
            if isinstance(claim_name, Unresolved):
                yield RULE.unresolved(workload, attr, claim_name, what=f"claim name of volume '{volume.get('name')}'")
                continue
            for claim in index.claims_for(workload, claim_name):
                storage_class = index.effective_class(claim.get("storage_class"), claim.location)
                defaulted = claim.get("storage_class") is None
                cause = _node_local_cause(storage_class, defaulted, claim, workload, index)
                if cause is None and isinstance(storage_class, Unresolved):
                    if not defaulted or _default_may_be_node_local(index):
                        yield RULE.unresolved(claim, "storage_class", storage_class)
                if cause is not None:
                    reason, evidence = cause
                    yield RULE.at(
                        workload,
                        f"{label} mounts claim '{claim_name}' (volume '{volume.get('name')}'), {reason}: its data "
                        "exists only on one node and is lost when the node is replaced",
                        attr=attr,
                        related=[related(claim, f"{claim.label} is mounted here"), *evidence],
                    )
                    break
        for position, template in enumerate(claim_templates(workload)):
            attr = f"claim_templates[{position}]"
            storage_class = index.effective_class(template.get("storage_class"), workload.loc(attr))
            defaulted = template.get("storage_class") is None
            if isinstance(storage_class, Unresolved):
                if not defaulted or _default_may_be_node_local(index):
                    yield RULE.unresolved(workload, f"{attr}.storage_class", storage_class, what="storage class")
                continue
            cause = _node_local_cause(storage_class, defaulted, None, workload, index)
            if cause is not None:
                reason, evidence = cause
                yield RULE.at(
                    workload,
                    f"{label} has volume claim template '{template.get('name')}', {reason}: each replica's data "
                    "exists only on its node and is lost when the node is replaced",
                    attr=attr,
                    related=evidence,
                )


def _default_may_be_node_local(index: StorageIndex) -> bool:
    """Several classes may be the default: worth a note only when one of them is node-local."""
    return any(index.node_local_class(c.name) is c for c in index.default_candidates)


def _node_local_cause(
    storage_class: object, defaulted: bool, claim: Resource | None, workload: Resource, index: StorageIndex
) -> tuple[str, list[Related]] | None:
    """Why a claim's data is node-local, and where that is declared; None when it is not.
    ``defaulted``: the class is the model's default, the claim naming none."""
    provisioners = node_local_provisioners()
    found = index.node_local_class(storage_class)
    if found is not None:
        provisioner = found.get("provisioner")
        via = " (the default class: no storageClassName is set)" if defaulted else ""
        return (
            f"whose StorageClass '{found.name}'{via} uses the node-local provisioner {provisioner} "
            f"({provisioners[provisioner.lower()]})",
            [related(found, f"{found.label} provisions node-local volumes", "provisioner")],
        )
    for volume in index.volumes_of(claim, workload.get("namespace")) if claim is not None else ():
        source = volume.get("source")
        if source in NODE_LOCAL_VOLUME_TYPES:
            return (
                f"bound to PersistentVolume '{volume.name}' of type {source}",
                [related(volume, f"{volume.label} is a {source} volume", "source")],
            )
    return None


RULE = check
