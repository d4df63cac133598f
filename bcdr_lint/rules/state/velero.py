"""Whether a Velero Schedule or Backup backs up a workload's volume data (BCDR501)."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Iterable

from bcdr_lint.model import Resource, Unresolved
from bcdr_lint.rules.common import NOT_SET
from bcdr_lint.rules.state.storage import NAMESPACE_NOT_SET_REASON, shown_namespace

# How Velero's resource filters may name claims and volumes: plural, singular, short name, with
# or without their (core, empty) API group.
CLAIM_RESOURCES = frozenset({"persistentvolumeclaims", "persistentvolumeclaim", "pvc"})
VOLUME_RESOURCES = frozenset({"persistentvolumes", "persistentvolume", "pv"})
# Pod annotations that opt volumes in to (or out of) Velero's file-system backup.
FS_BACKUP_VOLUMES = "backup.velero.io/backup-volumes"
FS_BACKUP_EXCLUDES = "backup.velero.io/backup-volumes-excludes"


@dataclass(frozen=True, slots=True)
class Coverage:
    """One Velero object's verdict on one workload. Not covered: ``attr`` is the property that
    leaves it out and ``why`` says how; unknown: ``unknown`` is what could not be resolved."""

    covered: bool | None
    attr: str | None = None
    why: str = ""
    unknown: Unresolved | None = None


COVERED = Coverage(True)


@dataclass(frozen=True, slots=True)
class Target:
    """What of a workload a backup must take: its namespace, labels and the volumes to save."""

    workload: Resource
    volume_names: tuple[str, ...]

    @property
    def namespace(self) -> str | Unresolved | None:
        return self.workload.get("namespace")

    def key(self) -> tuple:
        """Everything a verdict depends on, so that workloads alike share one."""
        namespace = self.namespace
        labels = self.workload.get("labels") or {}
        annotations = self.workload.get("annotations") or {}
        return (
            namespace.expression if isinstance(namespace, Unresolved) else namespace,
            tuple(sorted((str(k), label_text(v)) for k, v in labels.items())),
            _listed(annotations.get(FS_BACKUP_VOLUMES)) >= set(self.volume_names),
            not (_listed(annotations.get(FS_BACKUP_EXCLUDES)) & set(self.volume_names)),
        )


def covers(backup: Resource, target: Target) -> Coverage:
    """Whether ``backup`` backs up the target's volume data. A definite "no" from any filter
    wins over a filter that cannot be evaluated."""
    verdicts = [
        namespace_verdict(backup, target.namespace, target.workload),
        _paused(backup),
        _resources(backup),
        _labels(backup, target.workload),
        _volume_data(backup, target),
    ]
    missing = next((v for v in verdicts if v.covered is False), None)
    if missing is not None:
        return missing
    return next((v for v in verdicts if v.covered is None), COVERED)


def namespace_only(verdict: Coverage) -> bool:
    return verdict.attr in ("included_namespaces", "excluded_namespaces")


def label_text(value: Any) -> str:
    """A label value as the API reads it (YAML may have typed it as a number or a boolean)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _listed(value: Any) -> set[str]:
    return {part.strip() for part in value.split(",") if part.strip()} if isinstance(value, str) else set()


def _matches(namespace: str, patterns: Iterable[Any]) -> bool:
    return any(isinstance(p, str) and fnmatchcase(namespace, p) for p in patterns or ())


def namespace_verdict(backup: Resource, namespace: str | Unresolved | None, workload: Resource) -> Coverage:
    included = backup.get("included_namespaces")
    excluded = [p for p in backup.get("excluded_namespaces") or () if isinstance(p, str)]
    if not isinstance(namespace, str):
        if included is None and not excluded:
            return COVERED
        unknown = namespace if isinstance(namespace, Unresolved) else Unresolved(
            NOT_SET, NAMESPACE_NOT_SET_REASON, workload.location
        )
        return Coverage(None, "namespace", unknown=unknown)
    shown = shown_namespace(namespace)
    if included is not None and not _matches(namespace, included):
        return Coverage(False, "included_namespaces", f"{backup.label} does not include namespace '{shown}'")
    if _matches(namespace, excluded):
        return Coverage(False, "excluded_namespaces", f"{backup.label} excludes namespace '{shown}'")
    return COVERED


def _flag(backup: Resource, attr: str, when_true: str) -> Coverage:
    value = backup.get(attr)
    if isinstance(value, Unresolved):
        return Coverage(None, attr, unknown=value)
    return Coverage(False, attr, f"{backup.label} {when_true}") if value is True else COVERED


def _paused(backup: Resource) -> Coverage:
    return _flag(backup, "paused", "is paused (`paused: true`): it creates no backups")


def _resources(backup: Resource) -> Coverage:
    included = backup.get("included_resources")
    if included is not None and not any(_resource(r) in CLAIM_RESOURCES | VOLUME_RESOURCES for r in included):
        return Coverage(
            False, "included_resources",
            f"{backup.label} includes only the resources {', '.join(map(str, included))}, "
            "neither persistentvolumeclaims nor persistentvolumes",
        )
    if any(_resource(r) in CLAIM_RESOURCES for r in backup.get("excluded_resources") or ()):
        return Coverage(False, "excluded_resources", f"{backup.label} excludes persistentvolumeclaims")
    return COVERED


def _resource(name: Any) -> str:
    """``persistentvolumeclaims.`` / ``PVC`` -> ``persistentvolumeclaims`` / ``pvc`` (core group only)."""
    text = str(name).strip().lower()
    return text[:-1] if text.endswith(".") else text


def _labels(backup: Resource, workload: Resource) -> Coverage:
    wanted = backup.get("match_labels")
    if isinstance(wanted, dict) and wanted:
        labels = {str(k): label_text(v) for k, v in (workload.get("labels") or {}).items()}
        if any(labels.get(str(k)) != label_text(v) for k, v in wanted.items()):
            selector = ", ".join(f"{k}={label_text(v)}" for k, v in wanted.items())
            return Coverage(
                False, "match_labels",
                f"{backup.label} selects only objects labelled {selector}, which the labels of {workload.label} do not match",
            )
    for attr, field in (("match_expressions", "labelSelector.matchExpressions"), ("or_label_selectors", "orLabelSelectors")):
        if backup.get(attr):
            return Coverage(None, attr, unknown=Unresolved(
                field, f"bcdr-lint does not evaluate {field} of {backup.label}", backup.loc(attr),
            ))
    return COVERED


def _volume_data(backup: Resource, target: Target) -> Coverage:
    """Without snapshots only file-system backup saves volume data: by default for every volume
    (``defaultVolumesToFsBackup``) but those the pod excludes, else only those the pod opts in."""
    snapshots = backup.get("snapshot_volumes")
    if isinstance(snapshots, Unresolved):
        return Coverage(None, "snapshot_volumes", unknown=snapshots)
    if snapshots is not False:
        return COVERED
    fs_default = backup.get("default_volumes_to_fs_backup")
    if isinstance(fs_default, Unresolved):
        return Coverage(None, "default_volumes_to_fs_backup", unknown=fs_default)
    annotations = target.workload.get("annotations") or {}
    names = set(target.volume_names)
    if fs_default is True and not (_listed(annotations.get(FS_BACKUP_EXCLUDES)) & names):
        return COVERED
    if fs_default is not True and names and _listed(annotations.get(FS_BACKUP_VOLUMES)) >= names:
        return COVERED
    return Coverage(
        False, "snapshot_volumes",
        f"{backup.label} sets `snapshotVolumes: false` without `defaultVolumesToFsBackup: true`, so it backs up "
        "no volume data" if fs_default is not True else
        f"{backup.label} takes no volume snapshots, and {target.workload.label} excludes its volumes from "
        f"file-system backup (`{FS_BACKUP_EXCLUDES}`)",
    )
