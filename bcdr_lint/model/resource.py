"""Normalized resources: what every loader produces and every rule reads.

The attribute names below are the contract between loaders and rules. A loader fills what its
format declares; an attribute the source does not set is absent (``resource.get(name)`` is
``None``), a value that cannot be evaluated statically is an ``Unresolved``. Enum-like values
(SKUs, tiers, modes) are lower case; regions are normalized (``eastus2``).

============================  ==================================================================
kind                          attributes (``attrs``) / references (``refs``)
============================  ==================================================================
resource-group                (region only)
aks-cluster                   ``load_balancer_sku`` ("basic"/"standard"), ``sku_tier``
aks-node-pool                 ``pool_name``, ``mode`` ("system"/"user"), ``zones`` (list),
                              ``count``, ``min_count``, ``max_count``;
                              refs ``cluster``, ``subnet``
container-registry            ``sku`` ("basic"/"standard"/"premium"), ``zone_redundancy`` (bool)
registry-replica              ``zone_redundancy`` (bool); refs ``registry``
virtual-network               ``address_space`` (list)
subnet                        refs ``vnet``
vnet-peering                  refs ``local_vnet``, ``remote_vnet``
workload                      ``workload_kind`` (Deployment, ...), ``namespace``, ``replicas``,
                              ``images`` (list of str: containers and native sidecars),
                              ``init_images`` (init containers that run to completion),
                              ``volumes`` (list of dicts with ``name``,
                              ``type`` — the volume source key such as ``persistentVolumeClaim``,
                              ``hostPath``, ``local``, ``emptyDir`` — and ``claim_name``),
                              ``claim_templates`` (list of dicts with ``name``,
                              ``storage_class``), ``annotations``, ``labels``,
                              ``pod_labels`` (dict: the pod template's own labels, values str/Unresolved),
                              ``partial`` (True: a patch, e.g. kustomize — no selector or no container image)
persistent-volume-claim       ``namespace``, ``storage_class``, ``volume_name``, ``annotations``
persistent-volume             ``storage_class``, ``source`` (``local``/``hostPath``/``csi``/...),
                              ``driver``, ``claim_ref`` (``namespace/name``)
storage-class                 ``provisioner``, ``parameters`` (dict, keys lower case),
                              ``sku`` (lower case, from skuName/storageaccounttype), ``sku_text`` (as written),
                              ``is_default`` (bool: annotated as the cluster's default class)
velero-schedule/velero-backup ``included_namespaces`` (list or None = all),
                              ``excluded_namespaces`` (list), ``included_resources`` (lower case list
                              or None = all), ``excluded_resources`` (lower case list),
                              ``match_labels`` (dict or None), ``match_expressions``,
                              ``or_label_selectors`` (bool: present), ``snapshot_volumes``,
                              ``default_volumes_to_fs_backup`` (bool or None), ``paused`` (schedule)
pod-disruption-budget         ``namespace``, ``min_available``, ``max_unavailable`` (int, "50%" or
                              Unresolved), ``match_labels`` (dict or None), ``match_expressions``
                              (list of dicts ``key``, ``operator``, ``values``); ``match_labels`` None:
                              no selector, no pods; ``{}`` and ``[]``: every pod of the namespace
horizontal-pod-autoscaler     ``namespace``, ``target_kind``, ``target_name`` (scaleTargetRef),
                              ``min_replicas``, ``max_replicas`` (int or Unresolved; absent min means 1);
                              ``scaler`` "keda" for a KEDA ScaledObject (min from minReplicaCount, default 0)
traffic-manager-profile       ``routing_method`` (lower case: "priority", "weighted", "performance",
                              "geographic", "multivalue", "subnet"), ``enabled`` (bool, profile
                              status), ``monitor`` (dict ``protocol`` (lower), ``port``, ``path``;
                              absent when no monitor configuration is written)
traffic-manager-endpoint      ``endpoint_type`` ("azure", "external", "nested"), ``enabled`` (bool),
                              ``endpoint_location`` (normalized region, as written), ``geo_mappings``
                              (list of str, as written), ``target`` (host name, as written);
                              refs ``profile``, ``target_resource`` (Azure target or nested profile),
                              ``host_resource`` (the resource whose deployed address ``target`` reads)
front-door-profile            ``sku`` (lower: "standard_azurefrontdoor", "premium_azurefrontdoor",
                              "classic" for Microsoft.Network/frontDoors)
front-door-origin-group       ``health_probe`` (dict ``protocol``, ``path``, ``interval``, ``enabled``
                              (False: switched off); absent when none is written); refs ``profile``
front-door-origin             ``enabled`` (bool), ``host_name`` (str), ``target_location`` (private link location);
                              refs ``origin_group``, ``target_resource`` (``azureOrigin`` / private link),
                              ``host_resource`` (the resource whose deployed address ``host_name`` reads)
public-ip                     ``fqdn`` (lower, when a domain name label is set), ``domain_name_label``,
                              ``sku`` (lower)
storage-account               ``sku`` (lower, ``standard_grs``), ``replication`` ("lrs", "zrs", "grs",
                              "ragrs", "gzrs", "ragzrs"), ``tier`` ("standard"/"premium"),
                              ``account_kind`` (lower)
database-server               ``engine`` ("postgresql"/"mysql"), ``geo_redundant_backup`` (bool),
                              ``create_mode`` (lower, "replica" for a read replica);
                              refs ``source_server`` (the primary of a replica)
sql-server                    (region only)
sql-database                  ``sku`` (lower), ``create_mode`` (lower, "secondary" for a geo-secondary),
                              ``backup_redundancy`` (lower: "geo" — the default when absent —, "local", "zone", "geozone");
                              refs ``server``, ``source_database`` (the primary of a geo-secondary)
sql-failover-group            ``databases`` (list of Ref/Unresolved); refs ``server``,
                              ``partner_server`` (the first partner; ``partner_servers`` in attrs:
                              list of Ref/Unresolved)
cosmos-account                ``locations`` (list of dicts ``region``, ``failover_priority``; ``count_unknown``
                              True: one entry for a loop of unknown length),
                              ``automatic_failover`` (bool), ``multiple_write_locations`` (bool)
pipeline                      one CI/CD pipeline file (GitHub Actions workflow, Azure Pipelines):
                              ``system`` ("github-actions"/"azure-pipelines"), ``deploy_steps``
                              (list of ``DeployStep`` from ``bcdr_lint.model.pipeline``)
============================  ==================================================================

unread-deployment             a Terraform ``module`` call, an ARM linked deployment (``templateLink``)
                              or a Bicep registry/JSON ``module`` whose resources the model does not hold:
                              ``source`` (as written), ``reason`` (why it was not read);
                              located at the call. It may deploy clusters, registries, anything.

Every kind: ``deployed`` — absent when the resource is certainly deployed; an ``Unresolved``
(the ``count``/``for_each``/``condition``/``copy`` expression) when whether it is deployed, or
how many instances there are, cannot be known statically. A resource that is statically not
deployed (``count = 0``, ``condition: false``, a copy count of 0) is not in the model at all.
Every kind: ``children`` — an ``Unresolved`` when the source leaves out the children it writes inline
(node pools, peerings, endpoints; an export row without ``properties``), else absent.

One template deployed with several parameter files (``*.parameters.<env>.json``, ``.bicepparam``,
tfvars given with ``--param-file``) is several deployments: each resource exists once per
deployment, with ``deployment`` set to the parameter file's location and ``@<parameter file path>``
in its key (exactly once; ``base_key`` removes it). Findings at the same template line are merged
across deployments by the engine, with each parameter file as a related location.

Kubernetes resources have no region. ``attr_locations`` maps attribute names (and ``region``,
``name``) to the exact source position of the property, where the source has one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping

from bcdr_lint.model.location import Location
from bcdr_lint.model.values import Ref, Unresolved


class Kind(str, Enum):
    RESOURCE_GROUP = "resource-group"
    AKS_CLUSTER = "aks-cluster"
    NODE_POOL = "aks-node-pool"
    CONTAINER_REGISTRY = "container-registry"
    REGISTRY_REPLICA = "registry-replica"
    VIRTUAL_NETWORK = "virtual-network"
    SUBNET = "subnet"
    VNET_PEERING = "vnet-peering"
    WORKLOAD = "workload"
    PVC = "persistent-volume-claim"
    PV = "persistent-volume"
    STORAGE_CLASS = "storage-class"
    VELERO_SCHEDULE = "velero-schedule"
    VELERO_BACKUP = "velero-backup"
    UNREAD_DEPLOYMENT = "unread-deployment"
    PDB = "pod-disruption-budget"
    HPA = "horizontal-pod-autoscaler"
    TRAFFIC_MANAGER = "traffic-manager-profile"
    TRAFFIC_MANAGER_ENDPOINT = "traffic-manager-endpoint"
    FRONT_DOOR = "front-door-profile"
    FRONT_DOOR_ORIGIN_GROUP = "front-door-origin-group"
    FRONT_DOOR_ORIGIN = "front-door-origin"
    PUBLIC_IP = "public-ip"
    STORAGE_ACCOUNT = "storage-account"
    DATABASE_SERVER = "database-server"
    SQL_SERVER = "sql-server"
    SQL_DATABASE = "sql-database"
    SQL_FAILOVER_GROUP = "sql-failover-group"
    COSMOS_ACCOUNT = "cosmos-account"
    PIPELINE = "pipeline"

    def __str__(self) -> str:
        return self.value


# How each kind is named in messages.
KIND_LABELS: Mapping[Kind, str] = {
    Kind.RESOURCE_GROUP: "resource group",
    Kind.AKS_CLUSTER: "AKS cluster",
    Kind.NODE_POOL: "node pool",
    Kind.CONTAINER_REGISTRY: "container registry",
    Kind.REGISTRY_REPLICA: "registry replica",
    Kind.VIRTUAL_NETWORK: "virtual network",
    Kind.SUBNET: "subnet",
    Kind.VNET_PEERING: "VNet peering",
    Kind.WORKLOAD: "workload",
    Kind.PVC: "PersistentVolumeClaim",
    Kind.PV: "PersistentVolume",
    Kind.STORAGE_CLASS: "StorageClass",
    Kind.VELERO_SCHEDULE: "Velero Schedule",
    Kind.VELERO_BACKUP: "Velero Backup",
    Kind.UNREAD_DEPLOYMENT: "deployment",
    Kind.PDB: "PodDisruptionBudget",
    Kind.HPA: "HorizontalPodAutoscaler",
    Kind.TRAFFIC_MANAGER: "Traffic Manager profile",
    Kind.TRAFFIC_MANAGER_ENDPOINT: "Traffic Manager endpoint",
    Kind.FRONT_DOOR: "Front Door",
    Kind.FRONT_DOOR_ORIGIN_GROUP: "Front Door origin group",
    Kind.FRONT_DOOR_ORIGIN: "Front Door origin",
    Kind.PUBLIC_IP: "public IP address",
    Kind.STORAGE_ACCOUNT: "storage account",
    Kind.DATABASE_SERVER: "database server",
    Kind.SQL_SERVER: "SQL server",
    Kind.SQL_DATABASE: "SQL database",
    Kind.SQL_FAILOVER_GROUP: "SQL failover group",
    Kind.COSMOS_ACCOUNT: "Cosmos DB account",
    Kind.PIPELINE: "pipeline",
}


@dataclass(frozen=True, eq=False)
class Resource:
    """One resource, whatever format declared it.

    ``key`` is unique in the model and stable across edits that only move lines (it is built
    from the file and the resource's address or name, never from a line number): findings'
    fingerprints use it. It reads ``<format>:<deployed from>:<address>``, where the middle part
    is the file or Terraform root folder whose deployment creates the resource (for a module
    instance, the root, not the module's file). ``azure_type`` (lower case) and ``azure_names`` are how other
    resources refer to this one by Azure resource id. ``source_type`` is the native type as
    written (``azurerm_kubernetes_cluster``, ``Microsoft.ContainerService/managedClusters``,
    ``apps/v1/Deployment``), for messages.
    """

    kind: Kind
    key: str
    name: str | Unresolved
    location: Location
    source_type: str
    region: str | Unresolved | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)
    attr_locations: Mapping[str, Location] = field(default_factory=dict)
    refs: Mapping[str, Ref | Unresolved | None] = field(default_factory=dict)
    azure_type: str | None = None
    azure_names: tuple[str, ...] = ()
    resource_group: str | Unresolved | None = None
    # The parameter file this instance was deployed with, when its template has several.
    deployment: Location | None = None

    @property
    def base_key(self) -> str:
        """The key without the deployment marker: the same for every deployment of one template line."""
        if self.deployment is None:
            return self.key
        return self.key.replace(f"@{self.deployment.path}", "", 1)

    def get(self, attr: str, default: Any = None) -> Any:
        return self.attrs.get(attr, default)

    def loc(self, attr: str | None = None) -> Location:
        """The position of ``attr`` where the source has it, else the resource's."""
        if attr is None:
            return self.location
        return self.attr_locations.get(attr, self.location)

    @property
    def label(self) -> str:
        """``AKS cluster 'aks-east'``, ``node pool 'aks-east/system'`` — how messages name this
        resource. A child resource is named by its Azure name path, as ARM and the portal name it,
        whichever format declared it: two clusters' ``system`` pools must not read alike."""
        names = self.azure_names
        if len(names) > 1 and all(isinstance(n, str) for n in names):
            return f"{KIND_LABELS[self.kind]} '{'/'.join(names)}'"
        return f"{KIND_LABELS[self.kind]} '{self.name}'"

    def __repr__(self) -> str:
        return f"Resource({self.kind.value}, {self.key!r}, region={self.region!r})"


@dataclass(frozen=True, slots=True)
class ParseError:
    """A file that could not be read as the format its name says (rule BCDR001)."""

    message: str
    location: Location
