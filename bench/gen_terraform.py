"""Terraform (azurerm) module folders for the benchmark, 3-6 ``.tf`` files each.

Stacks mix the constructs real code uses: variables with and without defaults, locals,
``"${...}"`` interpolation, references between resources, ``merge()``, conditionals, a
``dynamic`` block or a ``for_each`` now and then, and module calls. Traffic routing and data
services come from ``gen_tf_services``, on a random stream of their own.
"""

from __future__ import annotations

import random

import gen_tf_services
from gen_common import ENVS, TEAMS, GeneratedFile, hex_id, pick_region, region_spelling, short_region, text_file
from gen_hcl import Block
from gen_hcl import assign as _assign
from gen_hcl import nested as _nested
from gen_hcl import output as _output
from gen_hcl import resource as _resource
from gen_hcl import variable as _variable


class Stack:
    """One module folder: collects blocks per file, then pads each file to its drawn size."""

    def __init__(self, rng: random.Random, team: str, env: str) -> None:
        self.rng, self.team, self.env = rng, team, env
        self.files: dict[str, list[Block]] = {}

    def add(self, file: str, block: Block) -> None:
        self.files.setdefault(file, []).append(block)

    def variables(self) -> None:
        rng = self.rng
        primary = pick_region(rng)
        location = f'"{region_spelling(rng, primary)}"' if rng.random() < 0.8 else None
        self.add("variables.tf", _variable("location", "string", location, "Primary region."))
        self.add("variables.tf", _variable("secondary_location", "string", f'"{primary[2]}"', "Paired region for failover."))
        self.add("variables.tf", _variable("team", "string", f'"{self.team}"', "Owning team."))
        self.add("variables.tf", _variable("environment", "string", f'"{self.env}"', "Deployment environment."))
        self.add("variables.tf", _variable("kubernetes_version", "string", '"1.29.2"', "AKS version."))
        self.add("variables.tf", _variable("hub_vnet_id", "string", None, "Resource id of the hub VNet."))
        self.add("variables.tf", _variable("replica_locations", "list(string)",
                                           f'["{pick_region(rng)[0]}", "{primary[2]}"]', "Registry replicas."))
        self.add("locals.tf", "locals {\n" + _assign([
            ("name_prefix", '"${var.team}-${var.environment}"'),
            ("region_short", f'"{short_region(primary[0])}"'),
            ("tags", 'merge(var.extra_tags, {\n    team        = var.team\n    environment = var.environment\n'
                     '    managed_by  = "terraform"\n  })'),
            ("zones", 'var.environment == "prod" ? ["1", "2", "3"] : []'),
        ]) + "\n}\n")
        self.add("variables.tf", _variable("extra_tags", "map(string)", "{}", "Tags added to every resource."))

    def resource_group(self, suffix: str, location: str) -> None:
        self.add("main.tf", _resource("azurerm_resource_group", suffix, [
            ("name", f'"rg-${{local.name_prefix}}-{suffix}"'), ("location", location), ("tags", "local.tags")]))

    def network(self, suffix: str) -> None:
        rng = self.rng
        second = rng.randint(0, 250)
        rg = f"azurerm_resource_group.{suffix}"
        self.add("network.tf", _resource("azurerm_virtual_network", suffix, [
            ("name", f'"vnet-${{local.name_prefix}}-{suffix}"'), ("location", f"{rg}.location"),
            ("resource_group_name", f"{rg}.name"), ("address_space", f'["10.{second}.0.0/16"]'), ("tags", "local.tags")]))
        for index, subnet in enumerate(("aks", "endpoints")[: rng.randint(1, 2)]):
            self.add("network.tf", _resource("azurerm_subnet", f"{suffix}_{subnet}", [
                ("name", f'"snet-{subnet}"'), ("resource_group_name", f"{rg}.name"),
                ("virtual_network_name", f"azurerm_virtual_network.{suffix}.name"),
                ("address_prefixes", f'["10.{second}.{index * 16}.0/20"]')]))

    def peering(self, local: str, remote: str | None) -> None:
        remote_id = f"azurerm_virtual_network.{remote}.id" if remote else "var.hub_vnet_id"
        self.add("network.tf", _resource("azurerm_virtual_network_peering", f"{local}_to_{remote or 'hub'}", [
            ("name", f'"peer-{local}-to-{remote or "hub"}"'), ("resource_group_name", f"azurerm_resource_group.{local}.name"),
            ("virtual_network_name", f"azurerm_virtual_network.{local}.name"), ("remote_virtual_network_id", remote_id),
            ("allow_forwarded_traffic", "true"), ("allow_virtual_network_access", "true")]))

    def cluster(self, suffix: str) -> None:
        rng = self.rng
        rg = f"azurerm_resource_group.{suffix}"
        pool = _nested("default_node_pool", [
            ("name", '"system"'), ("vm_size", '"Standard_D4s_v5"'), ("node_count", str(rng.choice((1, 3)))),
            ("zones", rng.choice(("local.zones", '["1", "2", "3"]', "[]"))),
            ("vnet_subnet_id", f"azurerm_subnet.{suffix}_aks.id"), ("only_critical_addons_enabled", "true")])
        network = _nested("network_profile", [
            ("network_plugin", '"azure"'), ("network_policy", '"calico"'),
            ("load_balancer_sku", rng.choice(('"standard"', '"standard"', '"Standard"', '"basic"')))])
        self.add("main.tf", _resource("azurerm_kubernetes_cluster", suffix, [
            ("name", f'"aks-${{local.name_prefix}}-{suffix}"'), ("location", f"{rg}.location"),
            ("resource_group_name", f"{rg}.name"), ("dns_prefix", f'"${{local.name_prefix}}-{suffix}"'),
            ("kubernetes_version", "var.kubernetes_version"), ("sku_tier", rng.choice(('"Free"', '"Standard"')))],
            [pool, '  identity {\n    type = "SystemAssigned"\n  }', network, "  tags = local.tags"],
            comment=f"{suffix.capitalize()} cluster; workloads fail over between the two regions."))
        for index in range(rng.randint(0, 2)):
            self.add("main.tf", _resource("azurerm_kubernetes_cluster_node_pool", f"{suffix}_user{index}", [
                ("name", f'"user{index}"'), ("kubernetes_cluster_id", f"azurerm_kubernetes_cluster.{suffix}.id"),
                ("vm_size", '"Standard_D8s_v5"'), ("mode", '"User"'), ("zones", "local.zones"),
                ("enable_auto_scaling", "true"), ("min_count", "1"), ("max_count", str(rng.choice((5, 10, 20)))),
                ("vnet_subnet_id", f"azurerm_subnet.{suffix}_aks.id")]))
        self.add("outputs.tf", _output(f"{suffix}_cluster_id", f"azurerm_kubernetes_cluster.{suffix}.id"))
        self.add("outputs.tf", _output(f"{suffix}_kube_config", f"azurerm_kubernetes_cluster.{suffix}.kube_config_raw", True))

    def registry(self) -> None:
        rng = self.rng
        sku = rng.choice(('"Premium"', '"Premium"', '"Standard"', '"Basic"'))
        blocks: list[str] = []
        if sku == '"Premium"':
            if rng.random() < 0.3:
                blocks.append('  dynamic "georeplications" {\n    for_each = var.replica_locations\n    content {\n'
                              "      location                = georeplications.value\n"
                              "      zone_redundancy_enabled = true\n    }\n  }")
            else:
                for _ in range(rng.randint(0, 2)):
                    blocks.append(_nested("georeplications", [
                        ("location", f'"{region_spelling(rng, pick_region(rng))}"'),
                        ("zone_redundancy_enabled", rng.choice(("true", "false")))]))
        self.add("registry.tf", _resource("azurerm_container_registry", "shared", [
            ("name", f'"acr${{var.team}}${{var.environment}}{hex_id(rng, 4)}"'),
            ("resource_group_name", "azurerm_resource_group.primary.name"),
            ("location", "azurerm_resource_group.primary.location"), ("sku", sku), ("admin_enabled", "false")], blocks))
        self.add("outputs.tf", _output("registry_login_server", "azurerm_container_registry.shared.login_server"))

    def filler(self, index: int) -> Block:
        """Bulk the rules ignore: workspaces and network security groups."""
        if index % 2 == 0:
            return _resource("azurerm_log_analytics_workspace", f"logs_{index}", [
                ("name", f'"log-${{local.name_prefix}}-{index}"'), ("location", "azurerm_resource_group.primary.location"),
                ("resource_group_name", "azurerm_resource_group.primary.name"), ("sku", '"PerGB2018"'),
                ("retention_in_days", str(self.rng.choice((30, 90)))), ("tags", "local.tags")])
        rule = _nested("security_rule", [("name", f'"allow-{index}"'), ("priority", str(100 + index)),
                                         ("direction", '"Inbound"'), ("access", '"Allow"'), ("protocol", '"Tcp"'),
                                         ("source_port_range", '"*"'), ("destination_port_range", '"443"'),
                                         ("source_address_prefix", '"VirtualNetwork"'),
                                         ("destination_address_prefix", '"*"')])
        return _resource("azurerm_network_security_group", f"nsg_{index}", [
            ("name", f'"nsg-${{local.name_prefix}}-{index}"'), ("location", "azurerm_resource_group.primary.location"),
            ("resource_group_name", "azurerm_resource_group.primary.name")], [rule])

    def render(self, wanted: list[str]) -> dict[str, str]:
        """Fold the blocks into the ``wanted`` file names (main.tf takes the rest) and pad them."""
        merged: dict[str, list[Block]] = {name: [] for name in wanted}
        for name, blocks in self.files.items():
            merged[name if name in merged else "main.tf"].extend(blocks)
        index = 0
        for name in wanted:
            target = self.rng.randint(30, 200)
            while sum(block.count("\n") + 1 for block in merged[name]) < target:
                if name == "variables.tf":
                    merged[name].append(_variable(f"setting_{index}", "string", f'"{hex_id(self.rng, 6)}"', "Tuning knob."))
                elif name == "outputs.tf":
                    merged[name].append(_output(f"value_{index}", f'"${{local.name_prefix}}-{index}"'))
                else:
                    merged[name].append(self.filler(index))
                index += 1
        return {name: "\n".join(blocks) for name, blocks in merged.items()}


PROVIDERS = """terraform {
  required_version = ">= 1.5.0"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 3.100"
    }
  }
  backend "azurerm" {
    resource_group_name  = "rg-tfstate"
    storage_account_name = "sttfstate%s"
    container_name       = "tfstate"
    key                  = "%s.tfstate"
  }
}

provider "azurerm" {
  features {}
}
"""


def stack(rng: random.Random, team: str, env: str, files: int, key: str,
          services: random.Random | None = None) -> dict[str, str]:
    """One stack: primary region always, a secondary region and a registry usually; with
    ``services`` (a stream of its own), traffic routing or data services too."""
    wanted = ["main.tf", "variables.tf", "outputs.tf"]
    wanted += rng.sample(["network.tf", "registry.tf", "locals.tf", "providers.tf"], files - 3)
    built = Stack(rng, team, env)
    built.variables()
    regions = ["primary"] + (["secondary"] if rng.random() < 0.6 else [])
    for suffix in regions:
        built.resource_group(suffix, "var.location" if suffix == "primary" else "var.secondary_location")
        built.network(suffix)
        if rng.random() < 0.85:
            built.cluster(suffix)
    if len(regions) == 2:
        built.peering("primary", "secondary")
    if rng.random() < 0.4:
        built.peering("primary", None)
    if rng.random() < 0.7:
        built.registry()
    rendered = built.render(wanted)
    if services is not None:
        # After the padding, so that the main stream draws exactly what it drew without them.
        extra: list[Block] = []
        gen_tf_services.add_services(services, lambda _file, block: extra.append(block), regions)
        rendered["main.tf"] += "\n" + "\n".join(extra)
    if "providers.tf" in rendered:
        rendered["providers.tf"] = PROVIDERS % (team, key) + rendered["providers.tf"]
    return rendered


def generate(rng: random.Random, count: int, services: random.Random | None = None) -> list[GeneratedFile]:
    """``count`` .tf files in folders ``terraform/live/<team>/<env>/<stack>/`` of 3-6 files each;
    with ``services``, about a third of the stacks declare traffic routing or data services."""
    files: list[GeneratedFile] = []
    serial = 0
    while len(files) < count:
        left = count - len(files)
        size = left if left <= 6 else rng.randint(3, min(6, left - 3))
        size = max(size, 3)
        serial += 1
        team, env = rng.choice(TEAMS), rng.choice(ENVS)
        folder = f"terraform/live/{team}/{env}/stack-{serial}"
        extra = services if services is not None and services.random() < 0.35 else None
        for name, text in sorted(stack(rng, team, env, size, f"{team}-{env}-{serial}", extra).items()):
            files.append(text_file(f"{folder}/{name}", text))
    return files
