"""Kubernetes manifests (``.yaml``/``.yml``) -> workloads, claims, volumes, storage classes,
Velero backups, PodDisruptionBudgets and HorizontalPodAutoscalers.

Each document is read as a node tree with positions (see ``yaml_nodes``); only documents that
declare ``apiVersion`` and a modelled ``kind`` are built. YAML that is not Kubernetes (compose
files, workflows, Helm values) yields nothing.
"""

from __future__ import annotations

from typing import Any, Iterator

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from bcdr_lint.loaders.base import LineIndex, LoadResult, UnreadableFile, read_text
from bcdr_lint.loaders.kubernetes_availability import disruption_budget, is_patch, pod_autoscaler, scaled_object, string_map
from bcdr_lint.loaders.yaml_nodes import Constructor, ManifestObject, Path, find, mark_location, scalar_text
from bcdr_lint.model import Kind, Location, ParseError, Resource, Unresolved, lower_or_none

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# kind -> (API groups it is served from, path of the pod template). A CRD may reuse a core
# kind name in its own group (Volcano's batch.volcano.sh Job), so the group is checked too.
_WORKLOADS: dict[str, tuple[frozenset[str], Path]] = {
    "Deployment": (frozenset({"apps", "extensions"}), ("spec", "template")),
    "StatefulSet": (frozenset({"apps"}), ("spec", "template")),
    "DaemonSet": (frozenset({"apps", "extensions"}), ("spec", "template")),
    "ReplicaSet": (frozenset({"apps", "extensions"}), ("spec", "template")),
    "ReplicationController": (frozenset({""}), ("spec", "template")),
    "Job": (frozenset({"batch"}), ("spec", "template")),
    "CronJob": (frozenset({"batch"}), ("spec", "jobTemplate", "spec", "template")),
    "Pod": (frozenset({""}), ()),
}
_MODELLED_KINDS = frozenset({
    *_WORKLOADS, "PersistentVolumeClaim", "PersistentVolume", "StorageClass", "Schedule", "Backup", "List",
    "PodDisruptionBudget", "HorizontalPodAutoscaler", "ScaledObject",
})
_LEGACY_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
_DEFAULT_CLASS_ANNOTATIONS = (
    "storageclass.kubernetes.io/is-default-class",
    "storageclass.beta.kubernetes.io/is-default-class",
)
_SKU_PARAMETERS = ("skuname", "storageaccounttype")
# PersistentVolume spec keys that are not the volume source.
_PV_SPEC_KEYS = frozenset({
    "accessModes", "capacity", "claimRef", "mountOptions", "nodeAffinity",
    "persistentVolumeReclaimPolicy", "storageClassName", "volumeMode", "volumeAttributesClassName",
})


def load_file(path: str) -> LoadResult:
    result = LoadResult()
    try:
        text = read_text(path)
    except UnreadableFile as exc:
        result.errors.append(exc.error)
        return result
    lines = LineIndex(text)
    try:
        for node in yaml.compose_all(text, Loader=_LOADER):
            result.extend(_document(path, lines, node))
    except yaml.YAMLError as exc:
        # Documents after a syntax error cannot be trusted; those before it were complete.
        result.errors.append(_syntax_error(path, lines, exc))
    except RecursionError:
        result.errors.append(ParseError("YAML nesting is too deep to read", Location(path, 1, 1)))
    return result


def _syntax_error(path: str, lines: LineIndex, exc: yaml.YAMLError) -> ParseError:
    if isinstance(exc, yaml.reader.ReaderError):
        line, col = lines.line_col(exc.position)
        return ParseError(f"YAML syntax error: {exc.reason} (#x{exc.character:04x})", Location(path, line, col))
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    return ParseError(message, mark_location(path, lines, mark) if mark else Location(path, 1, 1))


def _document(path: str, lines: LineIndex, node: Node | None) -> LoadResult:
    result = LoadResult()
    # Only documents that declare apiVersion and kind are built: other YAML (compose files,
    # workflows, values files) is neither read nor judged.
    if not isinstance(node, MappingNode):
        return result
    top = {k.value: v for k, v in node.value if isinstance(k, ScalarNode)}
    kind = top.get("kind")
    if "apiVersion" not in top or not isinstance(kind, ScalarNode):
        return result
    # Most objects of a real repository (ConfigMaps, Services, Ingresses) are not in the model:
    # building their values would cost more than reading them.
    if kind.value not in _MODELLED_KINDS:
        return result
    try:
        value = Constructor().construct_document(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        mark = getattr(exc, "problem_mark", None) or node.start_mark
        problem = getattr(exc, "problem", None) or str(exc)
        result.errors.append(ParseError(f"YAML value error: {problem}", mark_location(path, lines, mark)))
        return result
    if not _is_kubernetes(value):
        return result
    obj = ManifestObject(path, node, value, result.errors, lines)
    if value["kind"] == "List":
        for index, item in enumerate(obj.sequence("items")):
            item_node = find(node, ("items", index))[1]
            if _is_kubernetes(item) and item_node is not None:
                result.resources.extend(_resources(ManifestObject(path, item_node, item, result.errors, lines)))
        return result
    result.resources.extend(_resources(obj))
    return result


def _is_kubernetes(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("apiVersion"), str) and isinstance(value.get("kind"), str)


def _resources(obj: ManifestObject) -> Iterator[Resource]:
    kind, group = obj.kind, obj.group
    if kind in _WORKLOADS and group in _WORKLOADS[kind][0]:
        yield _workload(obj, _WORKLOADS[kind][1])
    elif group == "" and kind == "PersistentVolumeClaim":
        yield _claim(obj)
    elif group == "" and kind == "PersistentVolume":
        yield _volume(obj)
    elif group == "storage.k8s.io" and kind == "StorageClass":
        yield _storage_class(obj)
    elif group == "velero.io" and kind in ("Schedule", "Backup"):
        yield _velero(obj)
    elif group == "policy" and kind == "PodDisruptionBudget":
        yield _resource(obj, Kind.PDB, *disruption_budget(obj))
    elif group == "autoscaling" and kind == "HorizontalPodAutoscaler":
        yield _resource(obj, Kind.HPA, *pod_autoscaler(obj))
    elif group == "keda.sh" and kind == "ScaledObject":
        yield _resource(obj, Kind.HPA, *scaled_object(obj))


def _resource(obj: ManifestObject, kind: Kind, attrs: dict, locations: dict[str, Location | None]) -> Resource:
    name = obj.text("metadata", "name")
    name_keys: Path = ("metadata", "name")
    if name is None:
        name, name_keys = obj.text("metadata", "generateName"), ("metadata", "generateName")
    if name is None:
        name = "(unnamed)"
    namespace = None
    if kind not in (Kind.PV, Kind.STORAGE_CLASS):  # cluster-scoped
        namespace = obj.text("metadata", "namespace")
        attrs = {"namespace": namespace, **attrs}
    found = {"name": obj.loc(*name_keys), "namespace": obj.loc("metadata", "namespace"), **locations}
    return Resource(
        kind=kind,
        key=f"k8s:{obj.path}:{obj.kind}/{namespace or ''}/{name}",
        name=name,
        location=obj.location,
        source_type=f"{obj.value['apiVersion']}/{obj.kind}",
        attrs=attrs,
        attr_locations={k: v for k, v in found.items() if v is not None},
    )


def _string_map(obj: ManifestObject, *keys: str | int) -> dict[str, Any]:
    return {str(k): v for k, v in obj.mapping(*keys).items()}


def _workload(obj: ManifestObject, template: Path) -> Resource:
    pod_spec = (*template, "spec") if template else ("spec",)
    locations: dict[str, Location | None] = {}
    images: list[str] = []
    init_images: list[str] = []
    for group in ("containers", "initContainers"):
        for index, container in obj.mapping_items(*pod_spec, group):
            image = container.get("image")
            if not (isinstance(image, str) and image.strip()):
                continue
            # An init container runs to completion before the pod starts (a `pg_isready` wait,
            # a migration); only a native sidecar (restartPolicy: Always) keeps running.
            if group == "initContainers" and container.get("restartPolicy") != "Always":
                init_images.append(image.strip())
                continue
            locations[f"images[{len(images)}]"] = obj.loc(*pod_spec, group, index, "image")
            images.append(image.strip())
    locations["images"] = locations.get("images[0]")

    # Locations are keyed by the position in the attribute's list (what rules enumerate), which
    # differs from the source position once an item that is not a mapping has been left out.
    volumes = []
    for index, volume in obj.mapping_items(*pod_spec, "volumes"):
        source = next((str(k) for k in volume if k != "name"), None)
        claim = obj.text(*pod_spec, "volumes", index, "persistentVolumeClaim", "claimName")
        locations[f"volumes[{len(volumes)}]"] = obj.loc(*pod_spec, "volumes", index)
        volumes.append({"name": volume.get("name"), "type": source, "claim_name": claim})

    templates = []
    if obj.kind == "StatefulSet":
        for index, claim in obj.mapping_items("spec", "volumeClaimTemplates"):
            item = obj.below(("spec", "volumeClaimTemplates", index), claim)
            storage_class, class_location = _claim_storage_class(item)
            locations[f"claim_templates[{len(templates)}]"] = item.location
            locations[f"claim_templates[{len(templates)}].storage_class"] = class_location
            templates.append({
                "name": item.text("metadata", "name"),
                "storage_class": storage_class,
                "annotations": _string_map(item, "metadata", "annotations"),
            })

    # The replication-plan annotation may sit on the object or on its pod template: one
    # attribute, the object's own value winning.
    annotations = {**_string_map(obj, *template, "metadata", "annotations"), **_string_map(obj, "metadata", "annotations")}
    labels = {**_string_map(obj, *template, "metadata", "labels"), **_string_map(obj, "metadata", "labels")}
    locations["annotations"] = obj.loc("metadata", "annotations") or obj.loc(*template, "metadata", "annotations")
    attrs: dict[str, Any] = {
        "workload_kind": obj.kind,
        "images": images,
        "init_images": init_images,
        "volumes": volumes,
        "claim_templates": templates,
        "annotations": annotations,
        "labels": labels,
        # What label selectors (PodDisruptionBudgets, Services) match: the pods' own labels only.
        "pod_labels": string_map(obj, *template, "metadata", "labels"),
    }
    if is_patch(obj, pod_spec):
        attrs["partial"] = True
    replicas = obj.get("spec", "replicas") if template else None
    if replicas is not None:
        attrs["replicas"] = replicas if isinstance(replicas, int) and not isinstance(replicas, bool) else obj.text("spec", "replicas")
        locations["replicas"] = obj.loc("spec", "replicas")
    return _resource(obj, Kind.WORKLOAD, attrs, locations)


def _claim_storage_class(obj: ManifestObject) -> tuple[str | Unresolved | None, Location | None]:
    """``spec.storageClassName``, or the beta annotation that older manifests still use."""
    if obj.get("spec", "storageClassName") is not None:
        return obj.text("spec", "storageClassName"), obj.loc("spec", "storageClassName")
    if obj.get("metadata", "annotations", _LEGACY_CLASS_ANNOTATION) is not None:
        return (obj.text("metadata", "annotations", _LEGACY_CLASS_ANNOTATION),
                obj.loc("metadata", "annotations", _LEGACY_CLASS_ANNOTATION))
    return None, None


def _claim(obj: ManifestObject) -> Resource:
    storage_class, class_location = _claim_storage_class(obj)
    attrs = {
        "storage_class": storage_class,
        "volume_name": obj.text("spec", "volumeName"),
        "annotations": _string_map(obj, "metadata", "annotations"),
    }
    locations = {
        "storage_class": class_location,
        "volume_name": obj.loc("spec", "volumeName"),
        "annotations": obj.loc("metadata", "annotations"),
    }
    return _resource(obj, Kind.PVC, attrs, locations)


def _volume(obj: ManifestObject) -> Resource:
    source = next((str(k) for k in obj.mapping("spec") if k not in _PV_SPEC_KEYS), None)
    claim_ref = None
    if obj.get("spec", "claimRef", "name") is not None:
        claim_ref = f"{obj.text('spec', 'claimRef', 'namespace') or ''}/{obj.text('spec', 'claimRef', 'name')}"
    attrs = {
        "storage_class": obj.text("spec", "storageClassName"),
        "source": source,
        "driver": obj.text("spec", "csi", "driver"),
        "claim_ref": claim_ref,
    }
    locations = {
        "storage_class": obj.loc("spec", "storageClassName"),
        "source": obj.loc("spec", source) if source else None,
        "claim_ref": obj.loc("spec", "claimRef"),
    }
    return _resource(obj, Kind.PV, attrs, locations)


def _storage_class(obj: ManifestObject) -> Resource:
    written = {str(k): k for k in obj.mapping("parameters")}
    parameters = {key.lower(): obj.text("parameters", raw) for key, raw in written.items()}
    sku_key = next((written[k] for k in written if k.lower() in _SKU_PARAMETERS), None)
    sku_text = obj.text("parameters", sku_key) if sku_key is not None else None
    default_key = next((k for k in _DEFAULT_CLASS_ANNOTATIONS if obj.get("metadata", "annotations", k) is not None), None)
    attrs = {
        "provisioner": obj.text("provisioner"),
        "parameters": parameters,
        "sku": lower_or_none(sku_text),
        # As written (``Premium_LRS``), for messages: ``sku`` is lower case to compare.
        "sku_text": sku_text.strip() if isinstance(sku_text, str) else sku_text,
        "is_default": _is_default(obj, default_key),
    }
    sku_location = obj.loc("parameters", sku_key) if sku_key is not None else None
    locations = {
        "provisioner": obj.loc("provisioner"),
        "sku": sku_location,
        "sku_text": sku_location,
        "is_default": obj.loc("metadata", "annotations", default_key) if default_key else None,
    }
    return _resource(obj, Kind.STORAGE_CLASS, attrs, locations)


def _is_default(obj: ManifestObject, key: str | None) -> bool | Unresolved:
    """Kubernetes takes a class as the default only when the annotation's value is exactly "true"."""
    if key is None:
        return False
    value = obj.get("metadata", "annotations", key)
    if value is True:  # unquoted `true`: the API rejects a non-string annotation, but the intent is plain
        return True
    text = obj.text("metadata", "annotations", key)
    return text if isinstance(text, Unresolved) else text == "true"


def _velero(obj: ManifestObject) -> Resource:
    spec: Path = ("spec", "template") if obj.kind == "Schedule" else ("spec",)
    included = [scalar_text(v) for v in obj.sequence(*spec, "includedNamespaces") if v is not None]
    excluded = [scalar_text(v) for v in obj.sequence(*spec, "excludedNamespaces") if v is not None]
    resources = [scalar_text(v).strip().lower() for v in obj.sequence(*spec, "includedResources") if v is not None]
    selector = obj.mapping(*spec, "labelSelector")
    match_labels = _string_map(obj, *spec, "labelSelector", "matchLabels")
    fs_backup_key = "defaultVolumesToFsBackup" if obj.get(*spec, "defaultVolumesToFsBackup") is not None else (
        "defaultVolumesToRestic")  # its name before Velero 1.10
    attrs = {
        # Velero backs up every namespace (and resource) when the list is absent, empty or holds "*".
        "included_namespaces": None if not included or "*" in included else included,
        "excluded_namespaces": excluded,
        "included_resources": None if not resources or "*" in resources else resources,
        "excluded_resources": [
            scalar_text(v).strip().lower() for v in obj.sequence(*spec, "excludedResources") if v is not None
        ],
        "match_labels": match_labels if "matchLabels" in selector else None,
        "match_expressions": bool(obj.sequence(*spec, "labelSelector", "matchExpressions")),
        "or_label_selectors": bool(obj.sequence(*spec, "orLabelSelectors")),
        "snapshot_volumes": obj.boolean(*spec, "snapshotVolumes"),
        "default_volumes_to_fs_backup": obj.boolean(*spec, fs_backup_key),
    }
    locations = {
        "included_namespaces": obj.loc(*spec, "includedNamespaces"),
        "excluded_namespaces": obj.loc(*spec, "excludedNamespaces"),
        "included_resources": obj.loc(*spec, "includedResources"),
        "excluded_resources": obj.loc(*spec, "excludedResources"),
        "match_labels": obj.loc(*spec, "labelSelector", "matchLabels"),
        "match_expressions": obj.loc(*spec, "labelSelector", "matchExpressions"),
        "or_label_selectors": obj.loc(*spec, "orLabelSelectors"),
        "snapshot_volumes": obj.loc(*spec, "snapshotVolumes"),
        "default_volumes_to_fs_backup": obj.loc(*spec, fs_backup_key),
    }
    if obj.kind == "Schedule":
        attrs["paused"] = obj.boolean("spec", "paused")
        locations["paused"] = obj.loc("spec", "paused")
    kind = Kind.VELERO_SCHEDULE if obj.kind == "Schedule" else Kind.VELERO_BACKUP
    return _resource(obj, kind, attrs, locations)
