"""
## What it checks
A Kubernetes workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ...) keeps data in
persistent volumes — a `volumeClaimTemplates` entry or a `persistentVolumeClaim` volume — and
nothing in the checked files says how that data reaches another region:

- no Velero `Schedule` or `Backup` whose `includedNamespaces` cover the workload's namespace
  (absent, empty or `*` means every namespace; `excludedNamespaces` and `*` globs are honoured);
- no annotation `bcdr-lint.io/replication-plan: "<how>"` on the workload, its pod template, or
  the claim (or claim template) it mounts.

Reported at the workload's first volume or claim template without a plan. When the workload
sets no namespace and the Velero objects cover only named namespaces, the namespace cannot be
known statically: that is reported as BCDR002 instead.

## Why it matters
A persistent volume is an Azure disk or file share in the cluster's region. When the region
fails, a second cluster can run the same manifests, but the data stays behind: the workload
restarts empty, or not at all. A scheduled backup to storage in another region (Velero, Azure
Backup for AKS) or replication by the application itself is what brings it back.

## Example
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: orders-db
  namespace: orders
spec:
  serviceName: orders-db
  selector: {matchLabels: {app: orders-db}}
  template:
    metadata: {labels: {app: orders-db}}
    spec:
      containers:
        - name: db
          image: postgres:16
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 64Gi}}
```

## Use instead
A Velero schedule that backs up the namespace (to a storage location in another region):
```yaml
apiVersion: velero.io/v1
kind: Schedule
metadata:
  name: orders-daily
  namespace: velero
spec:
  schedule: "0 2 * * *"
  template:
    includedNamespaces: [orders]
    storageLocation: secondary-region
```
or, when the application replicates its data itself, say how:
```yaml
metadata:
  annotations:
    bcdr-lint.io/replication-plan: "streaming replica in the paired region (orders-db-west)"
```

## References
- https://learn.microsoft.com/azure/backup/azure-kubernetes-service-backup-overview
- https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Iterator

from bcdr_lint.findings import Finding, Related
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.base import related, rule
from bcdr_lint.rules.common import NOT_SET
from bcdr_lint.rules.state.storage import (
    NAMESPACE_NOT_SET_REASON,
    PLAN_ANNOTATION,
    StorageIndex,
    claim_templates,
    has_plan_annotation,
    namespace_key,
    pvc_volumes,
    shown_namespace,
)


@rule(
    id="BCDR501",
    name="stateful-workload-without-replication-plan",
    level="warning",
    summary="A workload keeps data in persistent volumes and no Velero backup or replication plan covers it.",
    help_uri="https://learn.microsoft.com/azure/backup/azure-kubernetes-service-backup-overview",
    tags=("state", "backup", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    index = StorageIndex(model)
    velero = model.of_kind(Kind.VELERO_SCHEDULE, Kind.VELERO_BACKUP)
    coverage: dict[str | None, bool | None] = {}
    for workload in model.of_kind(Kind.WORKLOAD):
        unplanned = _volumes_without_plan(workload, index)
        if not unplanned:
            continue
        namespace = workload.get("namespace")
        key = namespace_key(namespace)
        if key not in coverage:
            coverage[key] = _coverage(velero, namespace)
        if coverage[key] is True:
            continue
        if coverage[key] is None:
            unknown = namespace if isinstance(namespace, Unresolved) else Unresolved(
                NOT_SET, NAMESPACE_NOT_SET_REASON, workload.location
            )
            yield RULE.unresolved(workload, "namespace", unknown, what="namespace (to match Velero included namespaces)")
            continue
        attr, what = unplanned[0]
        shown = shown_namespace(namespace)
        if velero:
            backups = f"no Velero Schedule or Backup in the checked files includes namespace '{shown}'"
        else:
            backups = "no Velero Schedule or Backup is declared in the checked files"
        yield RULE.at(
            workload,
            f"{workload.get('workload_kind')} '{workload.name}' keeps data in {what} but has no replication plan: "
            f"{backups}, and neither the workload nor its claims carry the annotation `{PLAN_ANNOTATION}`; "
            "back the namespace up to another region or say how the data is replicated",
            attr=attr,
            related=[_why_not_covered(backup, namespace) for backup in velero],
        )


def _volumes_without_plan(workload: Resource, index: StorageIndex) -> list[tuple[str, str]]:
    """``(attribute, description)`` of each persistent volume of the workload that no annotation covers."""
    volumes = list(pvc_volumes(workload))
    templates = claim_templates(workload)
    if (not volumes and not templates) or has_plan_annotation(workload.get("annotations")):
        return []
    unplanned = []
    for position, volume in volumes:
        claims = index.claims_for(workload, volume.get("claim_name"))
        if not any(has_plan_annotation(claim.get("annotations")) for claim in claims):
            unplanned.append((f"volumes[{position}]", f"claim '{volume.get('claim_name')}'"))
    for position, template in enumerate(templates):
        if not has_plan_annotation(template.get("annotations")):
            unplanned.append((f"claim_templates[{position}]", f"volume claim template '{template.get('name')}'"))
    return unplanned


def _coverage(velero: list[Resource], namespace: str | Unresolved | None) -> bool | None:
    """True when some Velero object includes the namespace, None when that cannot be known."""
    verdicts = [covers(backup, namespace) for backup in velero]
    if True in verdicts:
        return True
    return None if None in verdicts else False


def _why_not_covered(backup: Resource, namespace: str | Unresolved | None) -> Related:
    """Where a Velero object leaves the namespace out: its included or its excluded namespaces."""
    shown = shown_namespace(namespace)
    included = backup.get("included_namespaces")
    if isinstance(namespace, str) and (included is None or _matches(namespace, included)):
        return related(backup, f"{backup.label} excludes namespace '{shown}'", "excluded_namespaces")
    return related(backup, f"{backup.label} does not include namespace '{shown}'", "included_namespaces")


def _matches(namespace: str, patterns: object) -> bool:
    return any(isinstance(p, str) and fnmatchcase(namespace, p) for p in patterns or ())


def covers(backup: Resource, namespace: str | Unresolved | None) -> bool | None:
    """Whether a Velero Schedule/Backup includes ``namespace``; None when that cannot be known."""
    included = backup.get("included_namespaces")
    excluded = [p for p in backup.get("excluded_namespaces") or () if isinstance(p, str)]
    if not isinstance(namespace, str):
        return True if included is None and not excluded else None
    if included is not None and not _matches(namespace, included):
        return False
    return not _matches(namespace, excluded)


RULE = check
