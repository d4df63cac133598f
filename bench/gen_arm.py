"""ARM templates for the benchmark: AKS clusters, registries with replications, VNets with peerings.

Templates use the expression forms real exports and hand-written templates carry:
``[parameters('x')]``, ``[variables('x')]``, ``[concat(...)]``, ``[resourceGroup().location]``,
``[resourceId(...)]`` and, now and then, a ``copy`` loop. Traffic routing and data services
come from ``gen_arm_services``, on a random stream of their own.
"""

from __future__ import annotations

import json
import random
from typing import Any

import gen_arm_services
from gen_common import ENVS, TEAMS, GeneratedFile, pick_region, region_spelling, short_region

TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
PARAMETERS_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"

Json = dict[str, Any]


def _param(kind: str, default: Any = None, description: str = "", allowed: list[str] | None = None) -> Json:
    param: Json = {"type": kind}
    if default is not None:
        param["defaultValue"] = default
    if allowed:
        param["allowedValues"] = allowed
    param["metadata"] = {"description": description or "See the README of this folder."}
    return param


def _location_expression(rng: random.Random, params: Json) -> str:
    """Where a resource's location comes from, in the proportions seen in practice."""
    roll = rng.random()
    if roll < 0.35:
        return "[resourceGroup().location]"
    if roll < 0.85:
        if "location" not in params:
            default = region_spelling(rng, pick_region(rng)) if rng.random() < 0.7 else None
            params["location"] = _param("string", default, "Primary region.")
        return "[parameters('location')]"
    return region_spelling(rng, pick_region(rng))


def _tags(rng: random.Random, team: str, env: str) -> Json:
    return {"team": team, "environment": env, "costCenter": str(rng.randint(1000, 9999)), "managedBy": "arm"}


def _aks(rng: random.Random, params: Json, variables: Json, team: str, env: str) -> list[Json]:
    params.setdefault("clusterName", _param("string", f"aks-{team}-{env}", "Name of the AKS cluster."))
    params.setdefault("kubernetesVersion", _param("string", rng.choice(("1.28.5", "1.29.2", "1.30.0"))))
    params.setdefault("systemNodeCount", _param("int", rng.choice((1, 3)), "Nodes in the system pool."))
    variables.setdefault("dnsPrefix", "[concat(parameters('clusterName'), '-dns')]")
    zones = rng.choice(([], ["1", "2", "3"], ["1", "2", "3"], ["1"]))
    pools: list[Json] = [{"name": "system", "mode": "System", "count": "[parameters('systemNodeCount')]",
                          "vmSize": "Standard_D4s_v5", "osType": "Linux", "type": "VirtualMachineScaleSets",
                          **({"availabilityZones": zones} if zones else {})}]
    for index in range(rng.randint(0, 2)):
        pools.append({"name": f"user{index}", "mode": "User", "enableAutoScaling": True, "minCount": 1,
                      "maxCount": rng.choice((5, 10, 20)), "vmSize": rng.choice(("Standard_D8s_v5", "Standard_E8s_v5")),
                      "osType": "Linux", "type": "VirtualMachineScaleSets", **({"availabilityZones": zones} if zones else {})})
    cluster: Json = {
        "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-02-01",
        "name": "[parameters('clusterName')]", "location": _location_expression(rng, params),
        "tags": _tags(rng, team, env), "sku": {"name": "Base", "tier": rng.choice(("Free", "Standard", "Standard"))},
        "identity": {"type": "SystemAssigned"},
        "properties": {"kubernetesVersion": "[parameters('kubernetesVersion')]", "dnsPrefix": "[variables('dnsPrefix')]",
                       "agentPoolProfiles": pools, "enableRBAC": True,
                       "networkProfile": {"networkPlugin": "azure", "networkPolicy": "calico",
                                          "loadBalancerSku": rng.choice(("standard", "standard", "Standard", "basic"))}},
    }
    resources = [cluster]
    if rng.random() < 0.3:
        resources.append({"type": "Microsoft.ContainerService/managedClusters/agentPools", "apiVersion": "2024-02-01",
                          "name": "[concat(parameters('clusterName'), '/batch')]",
                          "dependsOn": ["[resourceId('Microsoft.ContainerService/managedClusters', parameters('clusterName'))]"],
                          "properties": {"mode": "User", "count": 2, "vmSize": "Standard_F8s_v2", "osType": "Linux"}})
    return resources


def _registry(rng: random.Random, params: Json, variables: Json, team: str, env: str) -> list[Json]:
    params.setdefault("registryName", _param("string", f"acr{team}{env}", "Globally unique registry name."))
    sku = rng.choice(("Premium", "Premium", "Standard", "Basic"))
    registry: Json = {"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01",
                      "name": "[parameters('registryName')]", "location": _location_expression(rng, params),
                      "tags": _tags(rng, team, env), "sku": {"name": sku},
                      "properties": {"adminUserEnabled": False, "zoneRedundancy": rng.choice(("Enabled", "Disabled"))}}
    resources = [registry]
    if sku != "Premium":
        return resources
    replica_regions = [region_spelling(rng, pick_region(rng)) for _ in range(rng.randint(0, 3))]
    depends = ["[resourceId('Microsoft.ContainerRegistry/registries', parameters('registryName'))]"]
    if replica_regions and rng.random() < 0.25:
        params["replicaLocations"] = _param("array", replica_regions, "Regions to replicate to.")
        resources.append({"type": "Microsoft.ContainerRegistry/registries/replications", "apiVersion": "2023-07-01",
                          "name": "[concat(parameters('registryName'), '/', parameters('replicaLocations')[copyIndex()])]",
                          "location": "[parameters('replicaLocations')[copyIndex()]]", "dependsOn": depends,
                          "copy": {"name": "replicas", "count": "[length(parameters('replicaLocations'))]"},
                          "properties": {"zoneRedundancy": "Enabled"}})
        return resources
    for region in replica_regions:
        resources.append({"type": "Microsoft.ContainerRegistry/registries/replications", "apiVersion": "2023-07-01",
                          "name": f"[concat(parameters('registryName'), '/{region.replace(' ', '').lower()}')]",
                          "location": region, "dependsOn": depends, "properties": {"zoneRedundancy": "Disabled"}})
    return resources


def _network(rng: random.Random, params: Json, variables: Json, team: str, env: str) -> list[Json]:
    region = pick_region(rng)
    vnet_name = f"vnet-{team}-{env}-{short_region(region[0])}"
    variables.setdefault("vnetName", vnet_name)
    second = rng.randint(0, 250)
    subnets = [{"name": name, "properties": {"addressPrefix": f"10.{second}.{index * 16}.0/20"}}
               for index, name in enumerate(("aks-system", "aks-user", "private-endpoints", "appgw")[: rng.randint(1, 4)])]
    vnet: Json = {"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01",
                  "name": "[variables('vnetName')]", "location": _location_expression(rng, params),
                  "tags": _tags(rng, team, env),
                  "properties": {"addressSpace": {"addressPrefixes": [f"10.{second}.0.0/16"]}, "subnets": subnets}}
    resources = [vnet]
    for index in range(rng.randint(0, 2)):
        remote = f"vnet-{team}-{env}-{short_region(pick_region(rng)[0])}"
        params.setdefault("hubVnetId", _param("string", None, "Resource id of the hub VNet."))
        remote_id = ("[parameters('hubVnetId')]" if index == 0 and rng.random() < 0.4
                     else f"[resourceId('Microsoft.Network/virtualNetworks', '{remote}')]")
        resources.append({"type": "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "apiVersion": "2023-09-01",
                          "name": f"[concat(variables('vnetName'), '/to-{remote}')]",
                          "dependsOn": ["[resourceId('Microsoft.Network/virtualNetworks', variables('vnetName'))]"],
                          "properties": {"remoteVirtualNetwork": {"id": remote_id}, "allowVirtualNetworkAccess": True,
                                         "allowForwardedTraffic": True, "useRemoteGateways": False}})
    return resources


def _filler(rng: random.Random, index: int, team: str, env: str) -> Json:
    """Resources the rules do not look at, which make up most of a real template's bulk."""
    choice = index % 3
    if choice == 0:
        rules = [{"name": f"allow-{port}", "properties": {"priority": 100 + n * 10, "direction": "Inbound", "access": "Allow",
                                                           "protocol": "Tcp", "sourcePortRange": "*",
                                                           "destinationPortRange": str(port), "sourceAddressPrefix": "VirtualNetwork",
                                                           "destinationAddressPrefix": "*"}}
                 for n, port in enumerate(rng.sample((22, 80, 443, 1433, 5432, 6379, 8080, 9090), rng.randint(1, 4)))]
        return {"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-09-01",
                "name": f"nsg-{team}-{env}-{index}", "location": "[resourceGroup().location]",
                "tags": _tags(rng, team, env), "properties": {"securityRules": rules}}
    if choice == 1:
        return {"type": "Microsoft.OperationalInsights/workspaces", "apiVersion": "2022-10-01",
                "name": f"log-{team}-{env}-{index}", "location": "[resourceGroup().location]",
                "properties": {"sku": {"name": "PerGB2018"}, "retentionInDays": rng.choice((30, 90, 365))}}
    return {"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2023-09-01", "name": f"pip-{team}-{env}-{index}",
            "location": "[resourceGroup().location]", "sku": {"name": "Standard", "tier": "Regional"},
            "zones": ["1", "2", "3"], "properties": {"publicIPAllocationMethod": "Static"}}


BUILDERS = {"aks": (_aks,), "acr": (_registry,), "network": (_network,), "platform": (_network, _aks, _registry)}


def template(rng: random.Random, kind: str, team: str, env: str, target_lines: int,
             services: random.Random | None = None) -> str:
    """``services``: when given, the random stream that adds traffic routing or data services."""
    params: Json = {}
    variables: Json = {}
    resources: list[Json] = []
    for build in BUILDERS[kind]:
        resources.extend(build(rng, params, variables, team, env))
    own = len(resources)
    document: Json = {"$schema": TEMPLATE_SCHEMA, "contentVersion": "1.0.0.0",
                      "metadata": {"_generator": {"name": "bicep", "version": "0.24.24.22086"}},
                      "parameters": params, "variables": variables, "resources": resources,
                      "outputs": {"deployedBy": {"type": "string", "value": "[deployment().name]"}}}
    indent = rng.choice((2, 2, 4))
    text = json.dumps(document, indent=indent)
    index = 0
    while text.count("\n") < target_lines:
        resources.append(_filler(rng, index, team, env))
        index += 1
        text = json.dumps(document, indent=indent)
    if services is not None:
        # After the padding, so that the main stream draws exactly what it drew without them.
        resources[own:own] = gen_arm_services.services(services, params, team, env)
        text = json.dumps(document, indent=indent)
    return text + "\n"


def parameters_file(rng: random.Random, team: str, env: str) -> str:
    region = pick_region(rng)
    values = {"location": {"value": region_spelling(rng, region)}, "clusterName": {"value": f"aks-{team}-{env}"},
              "registryName": {"value": f"acr{team}{env}"},
              "replicaLocations": {"value": [region[2]]},
              "hubVnetId": {"value": f"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hub/providers/"
                                     f"Microsoft.Network/virtualNetworks/vnet-hub-{short_region(region[0])}"}}
    return json.dumps({"$schema": PARAMETERS_SCHEMA, "contentVersion": "1.0.0.0", "parameters": values}, indent=2) + "\n"


def generate(rng: random.Random, count: int, services: random.Random | None = None) -> list[GeneratedFile]:
    """``count`` JSON files under ``arm/<team>/<env>/``: templates, a quarter with a parameters file.
    With ``services`` (a stream of its own), about a third of the templates also declare traffic
    routing or data services (``gen_arm_services``)."""
    files: list[GeneratedFile] = []
    serial = 0
    while len(files) < count:
        serial += 1
        team, env = rng.choice(TEAMS), rng.choice(ENVS)
        kind = rng.choice(("aks", "acr", "network", "platform"))
        base = f"arm/{team}/{env}/{kind}-{serial}"
        extra = services if services is not None and services.random() < 0.35 else None
        files.append(GeneratedFile(f"{base}.json", template(rng, kind, team, env, rng.randint(100, 600), extra).encode()))
        if len(files) < count and rng.random() < 0.25:
            files.append(GeneratedFile(f"{base}.parameters.json", parameters_file(rng, team, env).encode()))
    return files
