"""
## What it checks
A Kubernetes workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ...) keeps data in
persistent volumes — a `volumeClaimTemplates` entry or a `persistentVolumeClaim` volume — and
nothing in the checked files says how that data reaches another region:

- no annotation `bcdr-lint.io/replication-plan: "<how>"` on the workload, its pod template, or
  the claim (or claim template) it mounts;
- no Velero `Schedule` or `Backup` backs up the workload's volume data. A Velero object covers
  the workload only when all of these hold:
  - its `includedNamespaces` cover the workload's namespace (absent, empty or `*` means every
    namespace) and its `excludedNamespaces` do not (`*` globs are honoured);
  - it is not a `Schedule` with `paused: true`;
  - its `includedResources`, when set, list `persistentvolumeclaims` or `persistentvolumes` (or
    `*`; singular and short names `pvc`/`pv` count too), and its `excludedResources` do not list
    `persistentvolumeclaims`;
  - its `labelSelector.matchLabels`, when set, are all among the workload's labels (those of
    the object and of its pod template);
  - it backs up volume data: `snapshotVolumes: false` saves none, unless
    `defaultVolumesToFsBackup: true` (formerly `defaultVolumesToRestic`) takes every volume by
    file-system backup — except those the pod template excludes with
    `backup.velero.io/backup-volumes-excludes` — or the pod template opts all of the workload's
    persistent volumes in with `backup.velero.io/backup-volumes`.

The claim a volume mounts is the `PersistentVolumeClaim` of that name in the workload's
namespace. A same-named claim that sets no namespace, declared in the same file or folder as the
workload, matches too: applied together (a kustomization's `namespace:`, `kubectl apply -n`), it
lands in the workload's namespace. A claim found nowhere is "not in the checked files", and the
message says so: its annotation could not be checked.

A claim or claim template whose StorageClass (written, or the one default class of the checked
files) is named in the configuration's `replicated-storage-classes` has a plan: the storage
layer replicates its volumes.

Reported at the workload's first volume or claim template without a plan, with each Velero
object and the property that leaves the workload out (the namespace lists, `paused`,
`includedResources`, `excludedResources`, `labelSelector.matchLabels` or `snapshotVolumes`) as
related locations. Reported as BCDR002 instead, because whether the data is covered cannot be
known statically: the workload sets no namespace and the Velero objects cover only named
namespaces; a Velero object selects with `labelSelector.matchExpressions` or
`orLabelSelectors` (not evaluated) and no other Velero object covers the workload; a claim name
is a template placeholder (`claimName: "${CLAIM_NAME}"`).

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

from dataclasses import dataclass
from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.base import capped, related, rule
from bcdr_lint.rules.state.storage import (
    PLAN_ANNOTATION,
    StorageIndex,
    claim_templates,
    has_plan_annotation,
    pvc_volumes,
    shown_namespace,
)
from bcdr_lint.rules.state.velero import Coverage, Target, covers, namespace_only, namespace_verdict


@dataclass(frozen=True, slots=True)
class Unplanned:
    """A persistent volume of a workload that no annotation covers."""

    attr: str
    volume_name: str
    what: str  # "claim 'files'", "volume claim template 'data'"
    annotation_gap: str  # where the annotation is missing, for the message


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
    # Workloads alike (namespace, labels, opt-in annotations) share the verdicts of every Velero object.
    verdicts_of: dict[tuple, list[Coverage]] = {}
    by_namespace: dict[str, list[Coverage]] = {}
    replicated = frozenset(model.options.replicated_storage_classes if model.options is not None else ())
    for workload in model.of_kind(Kind.WORKLOAD):
        if has_plan_annotation(workload.get("annotations")):
            continue
        unplanned, unknown_claims = _volumes_without_plan(workload, index, replicated)
        if not unplanned and not unknown_claims:
            continue
        names = tuple(str(u.volume_name) for u in unplanned) + tuple(name for _, name, _ in unknown_claims)
        target = Target(workload, names)
        key = target.key()
        if key not in verdicts_of:
            verdicts_of[key] = _verdicts(velero, target, by_namespace)
        verdicts = verdicts_of[key]
        if any(v.covered is True for v in verdicts):
            continue
        for attr, name, claim_name in unknown_claims:
            yield RULE.unresolved(workload, attr, claim_name, what=f"claim name of volume '{name}'")
        unknown = {(v.attr, v.unknown): v.unknown for v in verdicts if v.covered is None and v.unknown is not None}
        for (attr, _), value in unknown.items():
            what = "namespace (to match Velero included namespaces)" if attr == "namespace" else (
                f"whether a Velero object backs it up ({str(attr).replace('_', ' ')})")
            yield RULE.unresolved(workload, str(attr), value, what=what)
        if unknown or not unplanned:
            continue
        yield _finding(workload, unplanned[0], velero, verdicts)


def _verdicts(velero: list[Resource], target: Target, by_namespace: dict[str, list[Coverage]]) -> list[Coverage]:
    """Every Velero object's verdict on the target. Most objects of a monorepo name other
    namespaces: that part of the verdict is computed once per namespace, and only the objects
    that include the namespace are checked against the workload itself."""
    namespace = target.namespace
    if isinstance(namespace, str):
        if namespace not in by_namespace:
            by_namespace[namespace] = [namespace_verdict(b, namespace, target.workload) for b in velero]
        firsts = by_namespace[namespace]
    else:
        firsts = [None] * len(velero)
    verdicts = []
    for backup, first in zip(velero, firsts):
        verdict = first if first is not None and first.covered is False else covers(backup, target)
        if verdict.covered is True:
            return [verdict]  # one backup is enough; the others matter only for a finding's message
        verdicts.append(verdict)
    return verdicts


def _finding(workload: Resource, first: Unplanned, velero: list[Resource], verdicts: list[Coverage]) -> Finding:
    shown = shown_namespace(workload.get("namespace"))
    if not velero:
        backups = "no Velero Schedule or Backup is declared in the checked files"
    elif all(namespace_only(v) for v in verdicts):
        backups = f"no Velero Schedule or Backup in the checked files includes namespace '{shown}'"
    else:
        backups = (
            f"no Velero Schedule or Backup in the checked files backs up its volume data in namespace '{shown}' "
            "(each related location says why)"
        )
    reason = {id(backup): verdict for backup, verdict in zip(velero, verdicts)}
    shown_related, more = capped(velero, lambda b: related(b, reason[id(b)].why, reason[id(b)].attr))
    return RULE.at(
        workload,
        f"{workload.get('workload_kind')} '{workload.name}' keeps data in {first.what} but has no replication plan: "
        f"{backups}, and {first.annotation_gap}; "
        "back the namespace up to another region or say how the data is replicated",
        attr=first.attr,
        related=shown_related,
        more=more,
    )


def _volumes_without_plan(
    workload: Resource, index: StorageIndex, replicated: frozenset[str] = frozenset()
) -> tuple[list[Unplanned], list[tuple[str, str, Unresolved]]]:
    """The workload's persistent volumes that no annotation covers, and ``(attribute, volume
    name, claim name)`` of those whose claim name is a placeholder."""
    unplanned: list[Unplanned] = []
    unknown: list[tuple[str, str, Unresolved]] = []
    for position, volume in pvc_volumes(workload):
        attr, claim_name, volume_name = f"volumes[{position}]", volume.get("claim_name"), str(volume.get("name"))
        if isinstance(claim_name, Unresolved):
            unknown.append((attr, volume_name, claim_name))
            continue
        claims = index.claims_for(workload, claim_name)
        if any(has_plan_annotation(claim.get("annotations")) or _replicated(claim.get("storage_class"), claim, index,
                                                                           replicated) for claim in claims):
            continue
        what = f"claim '{claim_name}'"
        if claims:
            gap = f"neither the workload nor {what} carries the annotation `{PLAN_ANNOTATION}`"
        else:
            gap = (
                f"the workload does not carry the annotation `{PLAN_ANNOTATION}` ({what} is not in the checked files: "
                f"no PersistentVolumeClaim '{claim_name}' in namespace '{shown_namespace(workload.get('namespace'))}')"
            )
        unplanned.append(Unplanned(attr, volume_name, what, gap))
    for position, template in enumerate(claim_templates(workload)):
        if not has_plan_annotation(template.get("annotations")) and not _replicated(
                template.get("storage_class"), workload, index, replicated):
            what = f"volume claim template '{template.get('name')}'"
            gap = f"neither the workload nor {what} carries the annotation `{PLAN_ANNOTATION}`"
            unplanned.append(Unplanned(f"claim_templates[{position}]", str(template.get("name")), what, gap))
    return unplanned, unknown


def _replicated(storage_class: object, where: Resource, index: StorageIndex, replicated: frozenset[str]) -> bool:
    """Whether the claim's class (its own, else the default class) is declared replicated."""
    if not replicated:
        return False
    effective = index.effective_class(storage_class, where.location)
    return isinstance(effective, str) and effective in replicated


RULE = check
