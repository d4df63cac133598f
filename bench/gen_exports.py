"""Subscription exports for the benchmark: Azure Resource Graph output (``az graph query -q
"Resources" --first 1000 ...`` pages merged by a script) as ``{"count", "data": [...],
"skip_token", "total_records"}``, a few large files under ``exports/``.

A subscription is a set of regional stamps (resource group with VNet, AKS cluster, ingress
address, security group; the cluster's node resource group with scale sets, disks, NICs and a
load balancer) and shared services (registries with replication rows, storage accounts,
PostgreSQL servers, Key Vaults, identities, private DNS). Types are lower case, as Resource
Graph writes them; rows carry ``properties`` as deployed (provisioning state, power state, ...).
Most rows are types bcdr-lint does not model, as in any real export.
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

from gen_common import TEAMS, GeneratedFile, hex_id, pick_region, short_region

Row = dict[str, Any]


class Subscription:
    def __init__(self, rng: random.Random, name: str) -> None:
        self.rng, self.name = rng, name
        self.id = str(uuid.UUID(int=rng.getrandbits(128)))
        self.tenant = str(uuid.UUID(int=rng.getrandbits(128)))
        self.rows: list[Row] = []

    def guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128)))

    def resource_id(self, group: str, provider_type: str, *names: str) -> str:
        namespace, *types = provider_type.split("/")
        path = "/".join(f"{kind}/{name}" for kind, name in zip(types, names))
        return f"/subscriptions/{self.id}/resourceGroups/{group}/providers/{namespace}/{path}"

    def row(self, group: str, provider_type: str, names: tuple[str, ...], location: str, properties: Any,
            sku: Any = None, kind: str = "", zones: Any = None, identity: Any = None, tags: Any = None) -> Row:
        row: Row = {
            "id": self.resource_id(group, provider_type, *names), "name": "/".join(names),
            "type": provider_type.lower(), "tenantId": self.tenant, "kind": kind, "location": location,
            "resourceGroup": group, "subscriptionId": self.id, "managedBy": "", "sku": sku, "plan": None,
            "properties": properties, "tags": tags if tags is not None else {"costCenter": str(self.rng.randint(1000, 9999))},
            "identity": identity, "zones": zones, "extendedLocation": None,
        }
        self.rows.append(row)
        return row

    def group(self, name: str, location: str) -> None:
        """A resource group, as the ``ResourceContainers`` table spells it."""
        self.rows.append({"id": f"/subscriptions/{self.id}/resourceGroups/{name}", "name": name,
                          "type": "microsoft.resources/subscriptions/resourcegroups", "tenantId": self.tenant,
                          "kind": "", "location": location, "resourceGroup": name, "subscriptionId": self.id,
                          "managedBy": "", "sku": None, "plan": None, "properties": {"provisioningState": "Succeeded"},
                          "tags": {}, "identity": None, "zones": None, "extendedLocation": None})


def _cluster(sub: Subscription, group: str, name: str, region: str, subnet_id: str) -> None:
    rng = sub.rng
    zones = rng.choice((None, ["1", "2", "3"], ["1", "2", "3"]))
    pools = []
    for index, mode in enumerate(("System", *("User",) * rng.randint(0, 2))):
        pools.append({"name": "system" if index == 0 else f"user{index}", "count": rng.choice((1, 2, 3, 5)),
                      "vmSize": rng.choice(("Standard_D4ds_v5", "Standard_D8ds_v5")), "osDiskSizeGB": 128,
                      "osDiskType": "Ephemeral", "maxPods": 30, "type": "VirtualMachineScaleSets",
                      "availabilityZones": zones, "enableAutoScaling": index > 0, "provisioningState": "Succeeded",
                      "powerState": {"code": "Running"}, "orchestratorVersion": "1.30.3", "mode": mode,
                      "osType": "Linux", "osSKU": "AzureLinux", "vnetSubnetID": subnet_id})
    node_group = f"MC_{group}_{name}_{region}"
    sub.row(group, "Microsoft.ContainerService/managedClusters", (name,), region, {
        "provisioningState": "Succeeded", "powerState": {"code": "Running"}, "kubernetesVersion": "1.30.3",
        "dnsPrefix": name, "fqdn": f"{name}-{hex_id(rng, 8)}.hcp.{region}.azmk8s.io", "agentPoolProfiles": pools,
        "nodeResourceGroup": node_group, "enableRBAC": True, "supportPlan": "KubernetesOfficial",
        "networkProfile": {"networkPlugin": "azure", "networkPolicy": "calico",
                           "loadBalancerSku": rng.choice(("standard", "standard", "standard", "basic")),
                           "serviceCidr": "10.0.0.0/16", "dnsServiceIP": "10.0.0.10", "outboundType": "loadBalancer"}},
        sku={"name": "Base", "tier": rng.choice(("Free", "Standard"))},
        identity={"type": "SystemAssigned", "principalId": sub.guid(), "tenantId": sub.tenant})
    for pool in pools:
        vmss = f"aks-{pool['name']}-{rng.randint(10000000, 99999999)}-vmss"
        sub.row(node_group, "Microsoft.Compute/virtualMachineScaleSets", (vmss,), region, {
            "provisioningState": "Succeeded", "orchestrationMode": "Uniform", "overprovision": False,
            "upgradePolicy": {"mode": "Manual"}, "singlePlacementGroup": False,
            "virtualMachineProfile": {"storageProfile": {"osDisk": {"caching": "ReadOnly", "createOption": "FromImage",
                                                                   "diffDiskSettings": {"option": "Local"}}}}},
            sku={"name": pool["vmSize"], "tier": "Standard", "capacity": pool["count"]}, zones=zones)
    sub.row(node_group, "Microsoft.Network/loadBalancers", ("kubernetes",), region, {
        "provisioningState": "Succeeded", "frontendIPConfigurations": [{"name": sub.guid()}],
        "backendAddressPools": [{"name": "kubernetes"}, {"name": "aksOutboundBackendPool"}]},
        sku={"name": "Standard", "tier": "Regional"})
    for index in range(rng.randint(2, 6)):
        sub.row(node_group, "Microsoft.Compute/disks", (f"pvc-{sub.guid()}",), region, {
            "provisioningState": "Succeeded", "diskSizeGB": rng.choice((8, 32, 128)), "diskState": "Attached",
            "creationData": {"createOption": "Empty"}, "encryption": {"type": "EncryptionAtRestWithPlatformKey"}},
            sku={"name": rng.choice(("Premium_LRS", "StandardSSD_LRS", "Premium_ZRS")), "tier": "Premium"},
            zones=[str(index % 3 + 1)] if zones else None)


def _stamp(sub: Subscription, team: str, region: str, second: int) -> None:
    rng = sub.rng
    short = short_region(region)
    group = f"rg-{team}-{short}"
    vnet = f"vnet-{team}-{short}"
    subnet_id = sub.resource_id(group, "Microsoft.Network/virtualNetworks/subnets", vnet, "snet-aks")
    sub.group(group, region)
    peerings = [{"name": f"peer-to-hub-{short}", "type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
                 "properties": {"provisioningState": "Succeeded", "peeringState": "Connected",
                                "remoteVirtualNetwork": {"id": f"/subscriptions/{sub.id}/resourceGroups/rg-hub/providers/"
                                                               f"Microsoft.Network/virtualNetworks/vnet-hub-{short}"},
                                "allowVirtualNetworkAccess": True, "allowForwardedTraffic": True,
                                "useRemoteGateways": rng.random() < 0.5}}]
    sub.row(group, "Microsoft.Network/virtualNetworks", (vnet,), region, {
        "provisioningState": "Succeeded", "addressSpace": {"addressPrefixes": [f"10.{second}.0.0/16"]},
        "subnets": [{"name": name, "type": "Microsoft.Network/virtualNetworks/subnets",
                     "id": sub.resource_id(group, "Microsoft.Network/virtualNetworks/subnets", vnet, name),
                     "properties": {"provisioningState": "Succeeded", "addressPrefix": f"10.{second}.{i * 16}.0/20"}}
                    for i, name in enumerate(("snet-aks", "snet-endpoints", "snet-appgw"))],
        "virtualNetworkPeerings": peerings, "enableDdosProtection": False})
    for index in range(rng.choice((1, 1, 2))):
        _cluster(sub, group, f"aks-{team}-{short}-{index + 1:02d}", region, subnet_id)
    sub.row(group, "Microsoft.Network/publicIPAddresses", (f"pip-{team}-{short}-ingress",), region, {
        "provisioningState": "Succeeded", "publicIPAddressVersion": "IPv4", "publicIPAllocationMethod": "Static",
        "ipAddress": f"20.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        "dnsSettings": {"domainNameLabel": f"{team}-{short}", "fqdn": f"{team}-{short}.{region}.cloudapp.azure.com"}},
        sku={"name": "Standard", "tier": "Regional"}, zones=["1", "2", "3"])
    sub.row(group, "Microsoft.Network/networkSecurityGroups", (f"nsg-{team}-{short}",), region, {
        "provisioningState": "Succeeded", "securityRules": [
            {"name": f"allow-{port}", "properties": {"protocol": "Tcp", "destinationPortRange": str(port),
                                                     "access": "Allow", "priority": 100 + n, "direction": "Inbound"}}
            for n, port in enumerate((443, 80)[: rng.randint(1, 2)])]})
    sub.row(group, "Microsoft.ManagedIdentity/userAssignedIdentities", (f"id-{team}-{short}-workload",), region, {
        "tenantId": sub.tenant, "principalId": sub.guid(), "clientId": sub.guid()})


def _shared(sub: Subscription, team: str, regions: list[str]) -> None:
    rng = sub.rng
    group, region = f"rg-{team}-shared", regions[0]
    registry = f"acr{team}{hex_id(rng, 4)}"
    sku = rng.choice(("Premium", "Premium", "Standard"))
    sub.row(group, "Microsoft.ContainerRegistry/registries", (registry,), region, {
        "provisioningState": "Succeeded", "loginServer": f"{registry}.azurecr.io", "adminUserEnabled": False,
        "zoneRedundancy": rng.choice(("Enabled", "Disabled")), "publicNetworkAccess": "Enabled"},
        sku={"name": sku, "tier": sku})
    if sku == "Premium":
        for replica in regions[1: 1 + rng.randint(0, len(regions) - 1)]:
            sub.row(group, "Microsoft.ContainerRegistry/registries/replications", (registry, replica), replica, {
                "provisioningState": "Succeeded", "status": {"displayStatus": "Ready"},
                "regionEndpointEnabled": True, "zoneRedundancy": "Disabled"})
    sub.row(group, "Microsoft.Storage/storageAccounts", (f"st{team}{hex_id(rng, 6)}",), region, {
        "provisioningState": "Succeeded", "accessTier": "Hot", "minimumTlsVersion": "TLS1_2",
        "primaryLocation": region, "statusOfPrimary": "available", "supportsHttpsTrafficOnly": True},
        sku={"name": rng.choice(("Standard_LRS", "Standard_ZRS", "Standard_RAGRS", "Standard_GZRS")), "tier": "Standard"},
        kind="StorageV2")
    if rng.random() < 0.6:
        sub.row(group, "Microsoft.DBforPostgreSQL/flexibleServers", (f"psql-{team}-{hex_id(rng, 4)}",), region, {
            "provisioningState": "Succeeded", "state": "Ready", "version": "16", "replicationRole": "Primary",
            "storage": {"storageSizeGB": 128, "autoGrow": "Enabled"},
            "backup": {"backupRetentionDays": 7, "geoRedundantBackup": rng.choice(("Enabled", "Disabled", "Disabled"))},
            "highAvailability": {"mode": rng.choice(("ZoneRedundant", "Disabled"))}},
            sku={"name": "Standard_D4ds_v5", "tier": "GeneralPurpose"})
    sub.row(group, "Microsoft.KeyVault/vaults", (f"kv-{team}-{hex_id(rng, 6)}",), region, {
        "provisioningState": "Succeeded", "tenantId": sub.tenant, "enableRbacAuthorization": True,
        "enableSoftDelete": True, "softDeleteRetentionInDays": 90, "sku": {"family": "A", "name": "standard"}})
    sub.row(group, "Microsoft.Network/privateDnsZones", ("privatelink.azurecr.io",), "global", {
        "provisioningState": "Succeeded", "numberOfRecordSets": rng.randint(2, 20)})


def export(rng: random.Random, name: str, rows: int) -> str:
    """A Resource Graph export of about ``rows`` rows (whole stamps: it may end a few rows over)."""
    sub = Subscription(rng, name)
    second = 0
    used: set[str] = set()
    while len(sub.rows) < rows:
        team = rng.choice(TEAMS)
        # Resource ids are unique in a subscription: the second "payments" system is "payments2".
        team = next(f"{team}{n or ''}" for n in range(len(used) + 1) if f"{team}{n or ''}" not in used)
        used.add(team)
        primary = pick_region(rng)
        regions = [primary[0], primary[2]][: rng.choice((1, 2, 2))]
        for region in regions:
            second = (second + 1) % 250
            _stamp(sub, team, region, second)
        _shared(sub, team, regions)
    data = sub.rows
    return json.dumps({"count": len(data), "data": data, "skip_token": None, "total_records": len(data)}, indent=2) + "\n"


def generate(rng: random.Random, files: int, rows: int) -> list[GeneratedFile]:
    """``files`` exports of about ``rows`` rows each, ``exports/<subscription>-resources.json``."""
    names = ("sub-platform-prod", "sub-apps-prod", "sub-apps-nonprod", "sub-data-prod")
    return [GeneratedFile(f"exports/{names[index % len(names)]}{'' if index < len(names) else f'-{index}'}"
                          f"-resources.json", export(rng, names[index % len(names)], rows).encode())
            for index in range(files)]

