"""
## What it checks
A claim or StatefulSet claim template in the checked files (matched by `storageClassName`) uses
a StorageClass whose Azure Disk or Azure Files SKU — parameter `skuName` or
`storageAccountType`, in any letter case — is locally redundant (`*_LRS`). Reported at the
StorageClass's SKU, with the claims that use it as related locations.

A class of the Azure Disk or Azure Files CSI driver that sets no SKU gets the driver's default,
also locally redundant: `StandardSSD_LRS` for `disk.csi.azure.com`, `Standard_LRS` for
`file.csi.azure.com`. It is reported at its `provisioner`. Not reported, because the default
does not decide the SKU there: an Azure Files class that names an existing `storageAccount` or
uses `protocol: nfs`, and classes of the in-tree provisioners (`kubernetes.io/azure-disk`,
`kubernetes.io/azure-file`) without a SKU.

A claim that names one of the StorageClasses AKS creates in every cluster (`default`,
`managed-csi`, `managed-csi-premium`, `azurefile-csi`, `azurefile-csi-premium` and the legacy
`managed`, `managed-premium`, `azurefile`, `azurefile-premium` — all locally redundant) is
reported at its `storageClassName`, unless the checked files redefine that class.

A claim or claim template without `storageClassName` uses the cluster's default class: the
StorageClass of the checked files annotated `storageclass.kubernetes.io/is-default-class: "true"`
(or its beta form), when exactly one class is. When several are (or the annotation is a template
placeholder) and one of them would be reported, which one applies cannot be known: BCDR002 at
the claim. When no class of the checked files is the default, the claim is not reported (the
cluster's default is not in the files). `storageClassName: ""` asks for no class at all.

A class named in the configuration's `replicated-storage-classes` (its volumes are replicated by
the storage layer, for example a replicated software-defined storage) is not reported.

## Why it matters
Locally redundant storage keeps its three copies in one datacenter. A datacenter or zone
outage takes the volume with it, and the disk cannot be attached in another zone, so the pod
stays Pending even where the cluster has spare capacity; nothing is copied to another region.

## Example
```yaml
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: disk.csi.azure.com
parameters:
  skuName: Premium_LRS
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ledger-data
  namespace: payments
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: fast
  resources: {requests: {storage: 128Gi}}
```

## Use instead
A zone-redundant SKU (`Premium_ZRS`, `StandardSSD_ZRS`; for Azure Files also `Standard_GZRS`
or `Standard_RAGZRS`), plus a backup to another region for regional outages (see BCDR501):
```yaml
parameters:
  skuName: Premium_ZRS
```

## References
- https://learn.microsoft.com/azure/aks/concepts-storage
- https://learn.microsoft.com/azure/virtual-machines/disks-redundancy
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from bcdr_lint.data import aks_builtin_storage_class_skus, csi_default_skus
from bcdr_lint.findings import Finding, Related
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.base import related, rule
from bcdr_lint.rules.state.storage import StorageIndex, claim_templates


@rule(
    id="BCDR504",
    name="locally-redundant-storage-class",
    level="warning",
    summary="Claims use a StorageClass with a locally redundant (LRS) Azure disk or file SKU.",
    help_uri="https://learn.microsoft.com/azure/aks/concepts-storage",
    tags=("state", "availability"),
)
def check(model: Model) -> Iterator[Finding]:
    index = StorageIndex(model)
    users = _claims_by_class(model, index)
    defined: set[str] = set()
    replicated = set(model.options.replicated_storage_classes if model.options is not None else ())
    for storage_class in model.of_kind(Kind.STORAGE_CLASS):
        if isinstance(storage_class.name, str):
            defined.add(storage_class.name)
        if storage_class.name in replicated:
            continue
        claims = users.get(storage_class.name, []) if isinstance(storage_class.name, str) else []
        if not claims:
            continue
        sku = storage_class.get("sku")
        if isinstance(sku, Unresolved):
            yield RULE.unresolved(storage_class, "sku", sku, what="SKU")
            continue
        uses = [related(claim, f"{what} uses this StorageClass", attr) for claim, attr, what in claims]
        if sku is None:
            yield from _driver_default(storage_class, len(claims), uses)
            continue
        if not (isinstance(sku, str) and sku.endswith("_lrs")):
            continue
        yield RULE.at(
            storage_class,
            f"StorageClass '{storage_class.name}' provisions {storage_class.get('sku_text') or sku} volumes, which are "
            f"locally redundant (one datacenter), for {len(claims)} claim(s): use a zone-redundant SKU "
            "(_ZRS) and back the data up to another region",
            attr="sku",
            related=uses,
        )
    yield from _unresolved_classes(model, index)
    builtin = aks_builtin_storage_class_skus()
    for name, claims in sorted(users.items()):
        if name in defined or name in replicated or not builtin.get(name, "").lower().endswith("_lrs"):
            continue
        for claim, attr, what in claims:
            yield RULE.at(
                claim,
                f"{what} uses the AKS built-in StorageClass '{name}', which provisions {builtin[name]} "
                "volumes, locally redundant (one datacenter): define a StorageClass with a zone-redundant SKU "
                "(_ZRS) and back the data up to another region",
                attr=attr,
            )


def _claims(model: Model) -> Iterator[tuple[Resource, str, str, object]]:
    """(resource, attribute of its storageClassName, description, storage class) of each claim
    and claim template."""
    for claim in model.of_kind(Kind.PVC):
        yield claim, "storage_class", claim.label, claim.get("storage_class")
    for workload in model.of_kind(Kind.WORKLOAD):
        for position, template in enumerate(claim_templates(workload)):
            what = f"volume claim template '{template.get('name')}' of {workload.get('workload_kind')} '{workload.name}'"
            yield workload, f"claim_templates[{position}].storage_class", what, template.get("storage_class")


def _claims_by_class(model: Model, index: StorageIndex) -> dict[str, list[tuple[Resource, str, str]]]:
    """StorageClass name -> (resource, attribute of its storageClassName, description) of each
    claim; a claim without storageClassName counts for the model's one default class."""
    users: dict[str, list[tuple[Resource, str, str]]] = defaultdict(list)
    for resource, attr, what, name in _claims(model):
        if name is None:
            attr = _unset(attr)
            name = index.effective_class(None, resource.loc(attr))
            what = f"{what} (no storageClassName: the default class)"
        if isinstance(name, str) and name:
            users[name].append((resource, attr, what))
    return users


def _unresolved_classes(model: Model, index: StorageIndex) -> Iterator[Finding]:
    default_matters = any(_may_be_lrs(c) for c in index.default_candidates)
    for resource, attr, _, name in _claims(model):
        if name is None and default_matters:
            attr = _unset(attr)
            name = index.effective_class(None, resource.loc(attr))
        if isinstance(name, Unresolved):
            what = "storage class" if resource.kind is Kind.WORKLOAD else None
            yield RULE.unresolved(resource, attr, name, what=what)


def _unset(attr: str) -> str:
    """Where a claim that sets no storageClassName is pointed at: a claim template itself."""
    return attr.removesuffix(".storage_class") if attr.startswith("claim_templates[") else attr


def _may_be_lrs(storage_class: Resource) -> bool:
    """Whether this rule would report the class (or cannot tell): its SKU, or its driver's default."""
    sku = storage_class.get("sku")
    if isinstance(sku, Unresolved):
        return True
    if sku is None:
        provisioner = storage_class.get("provisioner")
        default = csi_default_skus().get(provisioner.lower()) if isinstance(provisioner, str) else None
        return default is not None and default.applies(storage_class.get("parameters") or {}) and (
            default.sku.lower().endswith("_lrs"))
    return isinstance(sku, str) and sku.endswith("_lrs")


def _driver_default(storage_class: Resource, claim_count: int, uses: list[Related]) -> Iterator[Finding]:
    """A class that names no SKU gets its CSI driver's default, which is locally redundant."""
    provisioner = storage_class.get("provisioner")
    default = csi_default_skus().get(provisioner.lower()) if isinstance(provisioner, str) else None
    if default is None or not default.applies(storage_class.get("parameters") or {}):
        return
    if not default.sku.lower().endswith("_lrs"):
        return
    yield RULE.at(
        storage_class,
        f"StorageClass '{storage_class.name}' sets no skuName, so {provisioner} provisions its driver default "
        f"SKU {default.sku}, which is locally redundant (one datacenter), for {claim_count} claim(s): set a "
        "zone-redundant skuName (_ZRS) and back the data up to another region",
        attr="provisioner",
        related=uses,
    )


RULE = check
