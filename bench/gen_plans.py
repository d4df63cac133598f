"""Terraform plans for the benchmark: ``terraform show -json tfplan`` output (format 1.2).

Two plans, as CI pipelines leave them in a monorepo:

- ``terraform/live/platform/prod/stamps/tfplan.json`` beside its root module (``main.tf``,
  ``variables.tf``: a ``for_each`` over regions the pipeline supplies, so the source alone
  leaves them open) that calls ``terraform/modules/aks-stamp``; bcdr-lint merges the plan with
  the source resources;
- ``plans/<team>/prod.tfplan.json`` of a root module kept in another repository (registry
  modules), with nothing beside it.

Each plan has ``planned_values`` with every provider attribute (nulls and empty blocks
included, which is most of a real plan's bulk), ``resource_changes`` with ``after_unknown``
for what only apply knows (ids, a new node pool's cluster id), and ``configuration`` with the
references the expressions make.
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

from gen_common import REGIONS, TEAMS, GeneratedFile, hex_id, short_region, text_file

Json = dict[str, Any]
PROVIDER = "registry.terraform.io/hashicorp/azurerm"
# Attributes a plan lists for a cluster whatever the configuration sets (azurerm 4.x).
CLUSTER_DEFAULTS: Json = {
    "aci_connector_linux": [], "api_server_access_profile": [], "auto_scaler_profile": [],
    "automatic_upgrade_channel": None, "azure_active_directory_role_based_access_control": [],
    "azure_policy_enabled": None, "confidential_computing": [], "cost_analysis_enabled": None,
    "disk_encryption_set_id": None, "dns_prefix_private_cluster": None, "edge_zone": None,
    "http_application_routing_enabled": None, "http_proxy_config": [], "image_cleaner_enabled": None,
    "image_cleaner_interval_hours": None, "ingress_application_gateway": [], "key_management_service": [],
    "key_vault_secrets_provider": [], "linux_profile": [], "local_account_disabled": None,
    "maintenance_window": [], "maintenance_window_auto_upgrade": [], "maintenance_window_node_os": [],
    "microsoft_defender": [], "monitor_metrics": [], "node_os_upgrade_channel": "NodeImage",
    "oidc_issuer_enabled": True, "oms_agent": [], "open_service_mesh_enabled": None,
    "private_cluster_enabled": False, "private_cluster_public_fqdn_enabled": False, "private_dns_zone_id": None,
    "role_based_access_control_enabled": True, "run_command_enabled": True, "service_mesh_profile": [],
    "storage_profile": [], "support_plan": "KubernetesOfficial", "timeouts": None, "upgrade_override": [],
    "web_app_routing": [], "windows_profile": [], "workload_autoscaler_profile": [],
    "workload_identity_enabled": True,
}
POOL_DEFAULTS: Json = {
    "capacity_reservation_group_id": None, "fips_enabled": None, "gpu_instance": None,
    "host_encryption_enabled": None, "host_group_id": None, "kubelet_config": [], "linux_os_config": [],
    "max_pods": 30, "node_labels": None, "node_public_ip_enabled": None, "node_public_ip_prefix_id": None,
    "pod_subnet_id": None, "proximity_placement_group_id": None, "scale_down_mode": "Delete", "snapshot_id": None,
    "tags": None, "type": "VirtualMachineScaleSets", "ultra_ssd_enabled": False, "upgrade_settings": [],
    "workload_runtime": None,
}


class Plan:
    """Collects resources (``planned_values`` tree, ``resource_changes``) and configuration."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.subscription = str(uuid.UUID(int=rng.getrandbits(128)))
        self.root: Json = {"resources": [], "child_modules": []}
        self.changes: list[Json] = []
        self.config_root: Json = {"resources": [], "module_calls": {}}
        self.children: dict[str, Json] = {}

    def azure_id(self, group: str, provider_type: str = "", *names: str) -> str:
        base = f"/subscriptions/{self.subscription}/resourceGroups/{group}"
        if not provider_type:
            return base
        namespace, *types = provider_type.split("/")
        return f"{base}/providers/{namespace}/" + "/".join(f"{t}/{n}" for t, n in zip(types, names))

    def add(self, module: str, resource_type: str, name: str, key: str | None, values: Json,
            unknown: tuple[str, ...] = ("id",), action: str = "create") -> None:
        """A resource at ``module`` (``""`` or ``module.x["k"]``); ``unknown`` attributes are
        known only after apply (absent from ``values``, true in ``after_unknown``)."""
        local = f"{resource_type}.{name}" + (f'["{key}"]' if key is not None else "")
        address = f"{module}.{local}" if module else local
        entry = {"address": address, "mode": "managed", "type": resource_type, "name": name,
                 **({"index": key} if key is not None else {}), "provider_name": PROVIDER, "schema_version": 0,
                 "values": {k: v for k, v in sorted(values.items()) if k not in unknown}, "sensitive_values": {}}
        target = self.root if not module else self.children.setdefault(module, {"resources": [], "address": module})
        target["resources"].append(entry)
        before = None if action == "create" else {**entry["values"], **{k: f"{k}-before" for k in unknown}}
        self.changes.append({"address": address, **({"module_address": module} if module else {}), "mode": "managed",
                             "type": resource_type, "name": name, **({"index": key} if key is not None else {}),
                             "provider_name": PROVIDER,
                             "change": {"actions": [action], "before": before, "after": entry["values"],
                                        "after_unknown": {k: True for k in unknown}, "before_sensitive": False,
                                        "after_sensitive": {}}})

    def document(self, variables: Json) -> str:
        self.root["child_modules"] = [self.children[k] for k in sorted(self.children)]
        if not self.root["child_modules"]:
            del self.root["child_modules"]
        return json.dumps({
            "format_version": "1.2", "terraform_version": "1.9.8",
            "variables": {name: {"value": value} for name, value in variables.items()},
            "planned_values": {"root_module": self.root}, "resource_changes": self.changes,
            "configuration": {"provider_config": {"azurerm": {"name": "azurerm", "full_name": PROVIDER,
                                                              "version_constraint": "~> 4.14"}},
                              "root_module": self.config_root},
            "timestamp": "2026-11-20T09:14:03Z", "applyable": True, "complete": True, "errored": False,
        }, indent=2) + "\n"


def _refs(*references: str) -> Json:
    return {"references": list(references)}


def _stamp(plan: Plan, module: str, prefix: str, region: str, suffix: str, second: int) -> None:
    """One region's resources in ``module``: resource group, network, cluster and a user pool,
    named ``<kind>-<prefix>-<suffix>``."""
    rng = plan.rng
    group = f"rg-{prefix}-{suffix}"
    vnet = f"vnet-{prefix}-{suffix}"
    subnet_id = plan.azure_id(group, "Microsoft.Network/virtualNetworks/subnets", vnet, "snet-aks")
    plan.add(module, "azurerm_resource_group", "this", None, {"name": group, "location": region, "tags": {"stamp": region},
                                                             "managed_by": None, "timeouts": None})
    plan.add(module, "azurerm_virtual_network", "this", None, {
        "name": vnet, "location": region, "resource_group_name": group, "address_space": [f"10.{second}.0.0/16"],
        "bgp_community": None, "ddos_protection_plan": [], "dns_servers": [], "edge_zone": None,
        "encryption": [], "flow_timeout_in_minutes": None, "subnet": [], "tags": None, "timeouts": None}, ("id", "guid"))
    plan.add(module, "azurerm_subnet", "aks", None, {
        "name": "snet-aks", "resource_group_name": group, "virtual_network_name": vnet,
        "address_prefixes": [f"10.{second}.0.0/20"], "default_outbound_access_enabled": True, "delegation": [],
        "private_endpoint_network_policies": "Disabled", "private_link_service_network_policies_enabled": True,
        "service_endpoint_policy_ids": None, "service_endpoints": None, "timeouts": None})
    zones = rng.choice(([], ["1", "2", "3"], ["1", "2", "3"]))
    name = f"aks-{prefix}-{suffix}"
    plan.add(module, "azurerm_kubernetes_cluster", "this", None, {
        **CLUSTER_DEFAULTS, "name": name, "location": region, "resource_group_name": group, "dns_prefix": name,
        "kubernetes_version": "1.30.3", "sku_tier": rng.choice(("Free", "Standard", "Standard")),
        "default_node_pool": [{**POOL_DEFAULTS, "name": "system", "vm_size": "Standard_D4ds_v5",
                               "node_count": rng.choice((1, 3)), "auto_scaling_enabled": False, "max_count": None,
                               "min_count": None, "only_critical_addons_enabled": True,
                               "vnet_subnet_id": subnet_id, "zones": zones, "temporary_name_for_rotation": None}],
        "identity": [{"identity_ids": None, "type": "SystemAssigned"}],
        "network_profile": [{"load_balancer_sku": rng.choice(("standard", "standard", "basic")),
                             "network_data_plane": "azure", "network_plugin": "azure", "network_plugin_mode": "overlay",
                             "network_policy": "cilium", "outbound_type": "loadBalancer"}],
        "tags": {"stamp": region}}, ("id", "fqdn", "kube_config", "kube_config_raw", "kubelet_identity",
                                     "node_resource_group_id", "oidc_issuer_url", "portal_fqdn"))
    plan.add(module, "azurerm_kubernetes_cluster_node_pool", "user", None, {
        **POOL_DEFAULTS, "name": "user", "mode": "User", "vm_size": "Standard_D8ds_v5", "auto_scaling_enabled": True,
        "min_count": rng.choice((1, 2, 3)), "max_count": rng.choice((10, 20)), "node_count": None, "zones": zones,
        "vnet_subnet_id": subnet_id, "os_type": "Linux", "priority": "Regular", "eviction_policy": None},
        ("id", "kubernetes_cluster_id"))


STAMP_CONFIG: Json = {
    "outputs": {"cluster_id": {"expression": _refs("azurerm_kubernetes_cluster.this.id", "azurerm_kubernetes_cluster.this")}},
    "resources": [
        {"address": "azurerm_kubernetes_cluster.this", "mode": "managed", "type": "azurerm_kubernetes_cluster",
         "name": "this", "provider_config_key": "azurerm",
         "expressions": {"name": _refs("var.name"), "location": _refs("var.location"),
                         "resource_group_name": _refs("azurerm_resource_group.this.name", "azurerm_resource_group.this"),
                         "default_node_pool": [{"vnet_subnet_id": _refs("azurerm_subnet.aks.id", "azurerm_subnet.aks")}]},
         "schema_version": 2},
        {"address": "azurerm_kubernetes_cluster_node_pool.user", "mode": "managed",
         "type": "azurerm_kubernetes_cluster_node_pool", "name": "user", "provider_config_key": "azurerm",
         "expressions": {"kubernetes_cluster_id": _refs("azurerm_kubernetes_cluster.this.id", "azurerm_kubernetes_cluster.this"),
                         "vnet_subnet_id": _refs("azurerm_subnet.aks.id", "azurerm_subnet.aks")},
         "schema_version": 1},
    ],
    "variables": {"name": {}, "location": {}, "address_space": {}},
}


def _registry(plan: Plan, prefix: str, group: str, regions: list[str]) -> None:
    plan.add("", "azurerm_resource_group", "shared", None, {"name": group, "location": regions[0], "tags": None,
                                                          "managed_by": None, "timeouts": None})
    plan.add("", "azurerm_container_registry", "shared", None, {
        "name": f"acr{prefix.replace('-', '')}{hex_id(plan.rng, 4)}", "location": regions[0],
        "resource_group_name": group, "sku": "Premium", "admin_enabled": False, "anonymous_pull_enabled": False,
        "data_endpoint_enabled": False, "encryption": [], "export_policy_enabled": True,
        "georeplications": [{"location": region, "regional_endpoint_enabled": True, "tags": None,
                             "zone_redundancy_enabled": True} for region in regions[1: len(regions) - 1]],
        "network_rule_bypass_option": "AzureServices", "public_network_access_enabled": True,
        "quarantine_policy_enabled": False, "retention_policy_in_days": 7, "trust_policy_enabled": False,
        "zone_redundancy_enabled": True, "tags": None, "timeouts": None}, ("id", "login_server", "admin_password"),
        action=plan.rng.choice(("create", "update")))


def _regions(rng: random.Random, count: int) -> list[str]:
    return [name for name, _display, _pair in rng.sample(REGIONS, count)]


def with_source(rng: random.Random) -> list[GeneratedFile]:
    """The stamps root, its module and its plan."""
    plan = Plan(rng)
    regions = _regions(rng, 6)
    prefix = "platform-prod"
    for region in regions:
        # As the module computes them: named after the region, the same address space in each.
        _stamp(plan, f'module.stamp["{region}"]', prefix, region, region, 40)
    _registry(plan, prefix, f"rg-{prefix}-shared", regions)
    plan.config_root["module_calls"]["stamp"] = {
        "source": "../../../../modules/aks-stamp", "for_each_expression": _refs("var.regions"),
        "expressions": {"name": _refs("each.key"), "location": _refs("each.value")}, "module": STAMP_CONFIG}
    root = "terraform/live/platform/prod/stamps"
    module = "terraform/modules/aks-stamp"
    return [
        GeneratedFile(f"{root}/tfplan.json", plan.document({"regions": {r: r for r in regions}}).encode()),
        text_file(f"{root}/main.tf", SOURCE_MAIN % {"prefix": prefix}),
        text_file(f"{root}/variables.tf", 'variable "regions" {\n  description = "Stamp regions, set by the pipeline."\n'
                                          "  type        = map(string)\n}\n"),
        text_file(f"{module}/main.tf", MODULE_MAIN),
        text_file(f"{module}/variables.tf", "".join(f'variable "{name}" {{\n  type = string\n}}\n\n'
                                                    for name in ("name", "location", "prefix")).rstrip() + "\n"),
        text_file(f"{module}/outputs.tf", 'output "cluster_id" {\n  value = azurerm_kubernetes_cluster.this.id\n}\n'),
    ]


def without_source(rng: random.Random) -> list[GeneratedFile]:
    """A plan of a root kept elsewhere: registry modules, eight regions."""
    plan = Plan(rng)
    team = rng.choice(TEAMS)
    regions = _regions(rng, 8)
    prefix = f"{team}-prod"
    for index, region in enumerate(regions):
        _stamp(plan, f'module.aks["{short_region(region)}"]', prefix, region, short_region(region), 100 + index)
    _registry(plan, prefix, f"rg-{prefix}-shared", regions)
    plan.config_root["module_calls"]["aks"] = {
        "source": "Azure/aks/azurerm", "version_constraint": "~> 9.1", "for_each_expression": _refs("local.stamps"),
        "expressions": {"name": _refs("each.key")}, "module": STAMP_CONFIG}
    variables = {"team": team, "stamps": {short_region(r): r for r in regions}}
    return [GeneratedFile(f"plans/{team}/prod.tfplan.json", plan.document(variables).encode())]


def generate(rng: random.Random) -> list[GeneratedFile]:
    return with_source(rng) + without_source(rng)


SOURCE_MAIN = """# One AKS stamp per region. The regions come from the pipeline (-var-file), so the code alone
# leaves them open: tfplan.json (terraform show -json) knows them.
module "stamp" {
  for_each = var.regions
  source   = "../../../../modules/aks-stamp"
  name     = each.key
  location = each.value
  prefix   = "%(prefix)s"
}
"""

MODULE_MAIN = """resource "azurerm_resource_group" "this" {
  name     = "rg-${var.prefix}-${var.name}"
  location = var.location
}

resource "azurerm_virtual_network" "this" {
  name                = "vnet-${var.prefix}-${var.name}"
  location            = var.location
  resource_group_name = azurerm_resource_group.this.name
  address_space       = ["10.40.0.0/16"]
}

resource "azurerm_subnet" "aks" {
  name                 = "snet-aks"
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = ["10.40.0.0/20"]
}

resource "azurerm_kubernetes_cluster" "this" {
  name                = "aks-${var.prefix}-${var.name}"
  location            = var.location
  resource_group_name = azurerm_resource_group.this.name
  dns_prefix          = "aks-${var.prefix}-${var.name}"

  default_node_pool {
    name                         = "system"
    vm_size                      = "Standard_D4ds_v5"
    node_count                   = 3
    only_critical_addons_enabled = true
    vnet_subnet_id               = azurerm_subnet.aks.id
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin    = "azure"
    load_balancer_sku = "standard"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  name                  = "user"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.this.id
  vm_size               = "Standard_D8ds_v5"
  mode                  = "User"
  auto_scaling_enabled  = true
  min_count             = 2
  max_count             = 10
  vnet_subnet_id        = azurerm_subnet.aks.id
}
"""
