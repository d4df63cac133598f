"""Kubernetes manifests for the benchmark: multi-document YAML written as people write it.

Manifests are assembled from text lines rather than ``yaml.dump`` so they keep the key order,
comments and quoting of hand-written files (a loader must cope with those, not with a dumper's
canonical output).
"""

from __future__ import annotations

import random

import gen_k8s_ha
from gen_common import DATABASE_IMAGES, ENVS, TEAMS, GeneratedFile, app_name, hex_id, text_file, version

Doc = list[str]

STORAGE_SKUS = ("Premium_LRS", "StandardSSD_LRS", "Premium_ZRS", "StandardSSD_ZRS")
PROVISIONERS = ("disk.csi.azure.com", "file.csi.azure.com", "kubernetes.io/azure-disk")


def _metadata(name: str, namespace: str | None, app: str, team: str, annotations: dict[str, str] | None = None) -> Doc:
    lines = ["metadata:", f"  name: {name}"]
    if namespace:
        lines.append(f"  namespace: {namespace}")
    lines += ["  labels:", f"    app.kubernetes.io/name: {app}", f"    app.kubernetes.io/part-of: {team}",
              "    app.kubernetes.io/managed-by: kustomize"]
    if annotations:
        lines.append("  annotations:")
        lines += [f'    {key}: "{value}"' for key, value in annotations.items()]
    return lines


def _container(rng: random.Random, name: str, image: str, env_count: int, mounts: list[tuple[str, str]]) -> Doc:
    lines = [f"        - name: {name}", f"          image: {image}", "          imagePullPolicy: IfNotPresent",
             "          ports:", f"            - containerPort: {rng.choice((80, 8080, 8443, 9090, 5432, 6379))}",
             "              name: http", "          env:"]
    for index in range(env_count):
        if rng.random() < 0.2:
            lines += [f"            - name: SECRET_{index}", "              valueFrom:", "                secretKeyRef:",
                      f"                  name: {name}-secrets", f"                  key: key-{index}"]
        else:
            lines += [f"            - name: SETTING_{index}", f'              value: "{hex_id(rng, 8)}"']
    lines += ["          resources:", "            requests:", f'              cpu: "{rng.choice((100, 250, 500))}m"',
              f"              memory: {rng.choice((128, 256, 512, 1024))}Mi", "            limits:",
              f"              memory: {rng.choice((512, 1024, 2048))}Mi",
              "          readinessProbe:", "            httpGet:", "              path: /healthz", "              port: http",
              f"            periodSeconds: {rng.choice((5, 10, 15))}"]
    if mounts:
        lines.append("          volumeMounts:")
        for volume, path in mounts:
            lines += [f"            - name: {volume}", f"              mountPath: {path}"]
    return lines


def deployment(rng: random.Random, app: str, ns: str, team: str, image: str, volumes: list[tuple[str, str, str]]) -> Doc:
    """``volumes``: (name, source key, claim or path) — persistentVolumeClaim, hostPath or emptyDir."""
    replicas = rng.choice((1, 1, 2, 3, 3, 5))
    lines = ["apiVersion: apps/v1", "kind: Deployment",
             *_metadata(app, ns, app, team, {"deployment.kubernetes.io/revision": str(rng.randint(1, 40))}),
             "spec:", f"  replicas: {replicas}", "  selector:", "    matchLabels:", f"      app.kubernetes.io/name: {app}",
             "  template:", "    metadata:", "      labels:", f"        app.kubernetes.io/name: {app}", "    spec:",
             f"      serviceAccountName: {app}", "      containers:"]
    lines += _container(rng, app, image, rng.randint(2, 12), [(v[0], f"/var/lib/{v[0]}") for v in volumes])
    if volumes:
        lines.append("      volumes:")
        for name, source, target in volumes:
            lines.append(f"        - name: {name}")
            if source == "persistentVolumeClaim":
                lines += ["          persistentVolumeClaim:", f"            claimName: {target}"]
            elif source == "hostPath":
                lines += ["          hostPath:", f"            path: {target}", "            type: DirectoryOrCreate"]
            else:
                lines.append("          emptyDir: {}")
    return lines


def statefulset(rng: random.Random, app: str, ns: str, team: str, storage_class: str) -> Doc:
    image = rng.choice(DATABASE_IMAGES)
    lines = ["apiVersion: apps/v1", "kind: StatefulSet", *_metadata(app, ns, app, team), "spec:",
             f"  serviceName: {app}-headless", f"  replicas: {rng.choice((1, 3, 3, 5))}", "  podManagementPolicy: Parallel",
             "  selector:", "    matchLabels:", f"      app.kubernetes.io/name: {app}", "  template:", "    metadata:",
             "      labels:", f"        app.kubernetes.io/name: {app}", "    spec:", "      terminationGracePeriodSeconds: 60",
             "      containers:"]
    lines += _container(rng, app, image, rng.randint(2, 8), [("data", "/var/lib/data")])
    lines += ["  volumeClaimTemplates:", "    - metadata:", "        name: data", "      spec:",
              '        accessModes: ["ReadWriteOnce"]', f"        storageClassName: {storage_class}", "        resources:",
              "          requests:", f"            storage: {rng.choice((8, 16, 64, 128, 512))}Gi"]
    return lines


def service(rng: random.Random, app: str, ns: str, team: str, headless: bool = False) -> Doc:
    name = f"{app}-headless" if headless else app
    lines = ["apiVersion: v1", "kind: Service", *_metadata(name, ns, app, team), "spec:"]
    if headless:
        lines.append("  clusterIP: None")
    elif rng.random() < 0.15:
        lines += ["  type: LoadBalancer"]
    lines += ["  selector:", f"    app.kubernetes.io/name: {app}", "  ports:", "    - name: http", "      port: 80",
              "      targetPort: http", "      protocol: TCP"]
    return lines


def configmap(rng: random.Random, app: str, ns: str, team: str, entries: int) -> Doc:
    lines = ["apiVersion: v1", "kind: ConfigMap", *_metadata(f"{app}-config", ns, app, team), "data:"]
    for index in range(entries):
        if index % 9 == 8:
            lines += [f"  config-{index}.properties: |", f"    feature.{index}.enabled=true", f"    feature.{index}.ratio=0.{rng.randint(1, 9)}"]
        else:
            lines.append(f'  KEY_{index:03d}: "{hex_id(rng, rng.randint(4, 24))}"')
    return lines


def pvc(rng: random.Random, name: str, ns: str, team: str, storage_class: str) -> Doc:
    annotations = {"backup.velero.io/backup-volumes": "data"} if rng.random() < 0.3 else None
    return ["apiVersion: v1", "kind: PersistentVolumeClaim", *_metadata(name, ns, name, team, annotations), "spec:",
            "  accessModes:", "    - ReadWriteOnce", f"  storageClassName: {storage_class}", "  resources:", "    requests:",
            f"      storage: {rng.choice((1, 5, 10, 50, 100))}Gi"]


def storage_class(rng: random.Random, name: str, team: str) -> Doc:
    provisioner = rng.choice(PROVISIONERS)
    return ["apiVersion: storage.k8s.io/v1", "kind: StorageClass", *_metadata(name, None, name, team),
            f"provisioner: {provisioner}", "parameters:", f"  skuName: {rng.choice(STORAGE_SKUS)}",
            f"reclaimPolicy: {rng.choice(('Delete', 'Retain'))}", "volumeBindingMode: WaitForFirstConsumer",
            "allowVolumeExpansion: true"]


def velero_schedule(rng: random.Random, name: str, namespaces: list[str], team: str) -> Doc:
    lines = ["apiVersion: velero.io/v1", "kind: Schedule", *_metadata(name, "velero", name, team), "spec:",
             f'  schedule: "{rng.randint(0, 59)} {rng.randint(0, 23)} * * *"', "  template:"]
    if rng.random() < 0.7:
        lines.append("    includedNamespaces:")
        lines += [f"      - {ns}" for ns in namespaces]
    lines += ["    excludedNamespaces:", "      - kube-system", "    snapshotVolumes: true",
              f"    ttl: {rng.choice(('168h0m0s', '720h0m0s'))}", "    storageLocation: default"]
    return lines


def cronjob(rng: random.Random, app: str, ns: str, team: str, image: str) -> Doc:
    lines = ["apiVersion: batch/v1", "kind: CronJob", *_metadata(f"{app}-job", ns, app, team), "spec:",
             f'  schedule: "*/{rng.choice((5, 10, 15, 30))} * * * *"', "  concurrencyPolicy: Forbid", "  jobTemplate:",
             "    spec:", "      backoffLimit: 2", "      template:", "        spec:", "          restartPolicy: OnFailure",
             "          containers:"]
    return lines + ["    " + line for line in _container(rng, f"{app}-job", image, rng.randint(1, 6), [])]


def pod_disruption_budget(app: str, ns: str, team: str) -> Doc:
    return ["apiVersion: policy/v1", "kind: PodDisruptionBudget", *_metadata(app, ns, app, team), "spec:",
            "  minAvailable: 1", "  selector:", "    matchLabels:", f"      app.kubernetes.io/name: {app}"]


def autoscaler(rng: random.Random, app: str, ns: str, team: str) -> Doc:
    return ["apiVersion: autoscaling/v2", "kind: HorizontalPodAutoscaler", *_metadata(app, ns, app, team), "spec:",
            "  scaleTargetRef:", "    apiVersion: apps/v1", "    kind: Deployment", f"    name: {app}",
            f"  minReplicas: {rng.randint(2, 3)}", f"  maxReplicas: {rng.randint(4, 20)}", "  metrics:",
            "    - type: Resource", "      resource:", "        name: cpu", "        target:", "          type: Utilization",
            "          averageUtilization: 70"]


def _manifest(docs: list[Doc], header: str) -> str:
    body = "\n---\n".join("\n".join(doc) for doc in docs)
    return f"# {header}\n# Managed by the platform team; see README.md in this folder.\n---\n{body}\n"


def _pad(rng: random.Random, docs: list[Doc], app: str, ns: str, team: str, target: int) -> None:
    """Grow the manifest with a ConfigMap until it reaches the line count drawn for it."""
    used = sum(len(doc) + 1 for doc in docs) + 3
    if used < target:
        docs.append(configmap(rng, app, ns, team, max(1, target - used - 12)))


def _file_for(rng: random.Random, kind: str, team: str, app: str, ns: str, image: str, sc: str) -> tuple[str, list[Doc]]:
    if kind == "app":
        docs = [deployment(rng, app, ns, team, image, [("tmp", "emptyDir", "")] if rng.random() < 0.3 else []),
                service(rng, app, ns, team)]
        if rng.random() < 0.5:
            docs.append(autoscaler(rng, app, ns, team))
        if rng.random() < 0.4:
            docs.append(pod_disruption_budget(app, ns, team))
        return "deployment.yaml", docs
    if kind == "stateful":
        return "statefulset.yaml", [statefulset(rng, app, ns, team, sc), service(rng, app, ns, team, headless=True),
                                    pod_disruption_budget(app, ns, team)]
    if kind == "volumes":
        claim = f"{app}-data"
        source = rng.choice(("persistentVolumeClaim", "persistentVolumeClaim", "hostPath"))
        target = claim if source == "persistentVolumeClaim" else f"/mnt/{app}"
        docs = [deployment(rng, app, ns, team, image, [("data", source, target)])]
        if source == "persistentVolumeClaim":
            docs.append(pvc(rng, claim, ns, team, sc))
        return "stateful-deployment.yaml", docs
    if kind == "storage":
        docs = [storage_class(rng, f"{team}-{sku}", team) for sku in ("premium", "standard")[: rng.randint(1, 2)]]
        docs += [pvc(rng, f"{app}-{index}", ns, team, sc) for index in range(rng.randint(1, 4))]
        return "storage.yaml", docs
    if kind == "backup":
        namespaces = [ns, f"{team}-shared"][: rng.randint(1, 2)]
        return "backup-schedules.yaml", [velero_schedule(rng, f"{app}-{freq}", namespaces, team)
                                         for freq in ("hourly", "daily", "weekly")[: rng.randint(1, 3)]]
    return "cronjobs.yaml", [cronjob(rng, f"{app}-{index}", ns, team, image) for index in range(rng.randint(1, 3))]


FILE_KINDS = ("app", "app", "app", "app", "stateful", "volumes", "storage", "backup", "cronjob", "cronjob")


def generate(rng: random.Random, count: int, registries: list[str], ha: random.Random | None = None) -> list[GeneratedFile]:
    """``count`` manifests under ``k8s/<team>/<app>/<env>/``; images come from ``registries``.
    With ``ha`` (a stream of its own), some manifests gain disruption budgets and KEDA
    ScaledObjects after their padding (``gen_k8s_ha``)."""
    files: list[GeneratedFile] = []
    serial = 0
    while len(files) < count:
        serial += 1
        team = rng.choice(TEAMS)
        app = f"{app_name(rng)}-{serial}"
        image = f"{rng.choice(registries)}.azurecr.io/{team}/{app}:{version(rng)}"
        sc = rng.choice(("managed-csi-premium", "managed-csi", f"{team}-premium", "azurefile-csi"))
        kinds = sorted(set(rng.sample(FILE_KINDS, rng.randint(1, 3))))
        for env in rng.sample(ENVS, rng.randint(1, len(ENVS))):
            ns = f"{team}-{env}"
            for kind in kinds:
                if len(files) == count:
                    return files
                name, docs = _file_for(rng, kind, team, app, ns, image, sc)
                _pad(rng, docs, app, ns, team, rng.randint(50, 300))
                if ha is not None:
                    docs += gen_k8s_ha.extra_docs(ha, kind, docs, app, ns, team)
                path = f"k8s/{team}/{app}/{env}/{name}"
                files.append(text_file(path, _manifest(docs, f"{app} ({env}) - {kind}")))
    return files
