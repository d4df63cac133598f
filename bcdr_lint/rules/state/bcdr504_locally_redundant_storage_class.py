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
reported at its `storageClassName`, unless the checked files redefine that class. A claim
without `storageClassName` is not reported: the cluster's default class is not in the files.

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
from bcdr_lint.rules.state.storage import claim_templates


@rule(
    id="BCDR504",
    name="locally-redundant-storage-class",
    level="warning",
    summary="Claims use a StorageClass with a locally redundant (LRS) Azure disk or file SKU.",
    help_uri="https://learn.microsoft.com/azure/aks/concepts-storage",
    tags=("state", "availability"),
)
def check(model: Model) -> Iterator[Finding]:
    users = _claims_by_class(model)
    defined: set[str] = set()
    for storage_class in model.of_kind(Kind.STORAGE_CLASS):
        if isinstance(storage_class.name, str):
            defined.add(storage_class.name)
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
    yield from _unresolved_classes(model)
    builtin = aks_builtin_storage_class_skus()
    for name, claims in sorted(users.items()):
        if name in defined or not builtin.get(name, "").lower().endswith("_lrs"):
            continue
        for claim, attr, what in claims:
            yield RULE.at(
                claim,
                f"{what} uses the AKS built-in StorageClass '{name}', which provisions {builtin[name]} "
                "volumes, locally redundant (one datacenter): define a StorageClass with a zone-redundant SKU "
                "(_ZRS) and back the data up to another region",
                attr=attr,
            )


def _claims_by_class(model: Model) -> dict[str, list[tuple[Resource, str, str]]]:
    """StorageClass name -> (resource, attribute of its storageClassName, description) of each claim."""
    users: dict[str, list[tuple[Resource, str, str]]] = defaultdict(list)
    for claim in model.of_kind(Kind.PVC):
        name = claim.get("storage_class")
        if isinstance(name, str) and name:
            users[name].append((claim, "storage_class", claim.label))
    for workload in model.of_kind(Kind.WORKLOAD):
        for position, template in enumerate(claim_templates(workload)):
            name = template.get("storage_class")
            if isinstance(name, str) and name:
                what = f"volume claim template '{template.get('name')}' of {workload.get('workload_kind')} '{workload.name}'"
                users[name].append((workload, f"claim_templates[{position}].storage_class", what))
    return users


def _unresolved_classes(model: Model) -> Iterator[Finding]:
    for claim in model.of_kind(Kind.PVC):
        if isinstance(claim.get("storage_class"), Unresolved):
            yield RULE.unresolved(claim, "storage_class", claim.get("storage_class"))
    for workload in model.of_kind(Kind.WORKLOAD):
        for position, template in enumerate(claim_templates(workload)):
            if isinstance(template.get("storage_class"), Unresolved):
                attr = f"claim_templates[{position}].storage_class"
                yield RULE.unresolved(workload, attr, template.get("storage_class"), what="storage class")


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
