"""Bicep projects for the benchmark: ``bicep/<team>/<env>/<project>-N/``, 3-6 files each.

Two shapes, as teams lay them out:

- *orchestrated*: ``main.bicep`` loops over a ``regions`` parameter and calls
  ``modules/network.bicep`` and ``modules/aks.bicep`` once per region (module outputs feed the
  next module), declares a registry whose replications loop over the other regions and, now and
  then, a Traffic Manager profile with an endpoint per region; some projects have one or two
  ``main.<env>.bicepparam`` files;
- *stamps*: ``stamp.bicep`` (network, ingress address, cluster, peering to the paired stamp)
  deployed once per ``stamp.<region>.bicepparam`` (2-4 of them), beside ``shared.bicep`` with the
  registry, storage and a database.

Parameters with and without defaults, variables, string interpolation, ``@allowed``/``@secure``
decorators, ``if`` conditions, ``skip()``, ``resourceGroup().location``. Regions are written as
programmatic names, now and then a display name or (about 1%) a typo.
"""

from __future__ import annotations

import random

from gen_bicep_text import Raw, module, output, pad, param, resource, value, var
from gen_common import ENVS, REGIONS, TEAMS, GeneratedFile, pick_region, region_spelling, short_region, text_file

AKS = "Microsoft.ContainerService/managedClusters@2024-05-01"
POOL = "Microsoft.ContainerService/managedClusters/agentPools@2024-05-01"
VNET = "Microsoft.Network/virtualNetworks@2023-11-01"
ACR = "Microsoft.ContainerRegistry/registries@2023-07-01"
REPLICA = "Microsoft.ContainerRegistry/registries/replications@2023-07-01"
PIP = "Microsoft.Network/publicIPAddresses@2023-11-01"
TAGS = Raw("tags")


def _stamp_regions(rng: random.Random, count: int) -> list[str]:
    """``count`` regions, a pair first: how multi-region setups grow."""
    first = pick_region(rng)
    regions = [first[0], first[2]]
    while len(regions) < count:
        candidate = pick_region(rng)[0]
        if candidate not in regions:
            regions.append(candidate)
    return [region_spelling(rng, next(r for r in REGIONS if r[0] == name), 0.01) if index == 0 else name
            for index, name in enumerate(regions[:count])]


def _cluster(rng: random.Random, name: Raw, subnet: Raw) -> dict:
    return {
        "name": name, "location": Raw("location"), "tags": TAGS,
        "sku": {"name": "Base", "tier": Raw("skuTier")}, "identity": {"type": "SystemAssigned"},
        "properties": {
            "kubernetesVersion": Raw("kubernetesVersion"), "dnsPrefix": name, "enableRBAC": True,
            "agentPoolProfiles": [{"name": "system", "mode": "System", "vmSize": "Standard_D4ds_v5",
                                   "count": Raw("systemNodeCount"), "availabilityZones": Raw("zones"),
                                   "osType": "Linux", "type": "VirtualMachineScaleSets", "vnetSubnetID": subnet}],
            "networkProfile": {"networkPlugin": "azure", "networkPolicy": "calico",
                               "loadBalancerSku": Raw("loadBalancerSku")}}}


def _cluster_params(rng: random.Random) -> list[str]:
    return [
        param("skuTier", "string", rng.choice(("Free", "Standard", "Standard")), decorators=("@allowed([ 'Free', 'Standard', 'Premium' ])",)),
        param("loadBalancerSku", "string", rng.choice(("standard", "standard", "standard", "basic")),
              decorators=("@allowed([ 'basic', 'standard' ])",)),
        param("kubernetesVersion", "string", rng.choice(("1.29.4", "1.30.3", "1.31.1"))),
        param("systemNodeCount", "int", rng.choice((1, 2, 3, 3)), "Nodes in the system pool.", ("@minValue(1)",)),
        param("zones", "array", rng.choice(([], ["1", "2", "3"], ["1", "2", "3"]))),
    ]


def _user_pool(rng: random.Random, parent: str, subnet: Raw) -> str:
    return resource("apps", POOL, {
        "parent": Raw(parent), "name": "apps",
        "properties": {"mode": "User", "vmSize": rng.choice(("Standard_D8ds_v5", "Standard_E8ds_v5")),
                       "enableAutoScaling": True, "minCount": rng.choice((1, 2)), "maxCount": rng.choice((5, 10, 20)),
                       "availabilityZones": Raw("zones"), "vnetSubnetID": subnet}},
        condition="loadBalancerSku == 'standard'",
        comment="A Basic load balancer supports one node pool only: the application pool exists on Standard.")


def _vnet(symbol: str, name: Raw, space: Raw) -> str:
    return resource(symbol, VNET, {
        "name": name, "location": Raw("location"), "tags": TAGS,
        "properties": {"addressSpace": {"addressPrefixes": [space]},
                       "subnets": [{"name": "snet-aks", "properties": {"addressPrefix": Raw(f"cidrSubnet({space.text}, 20, 0)")}},
                                   {"name": "snet-endpoints", "properties": {"addressPrefix": Raw(f"cidrSubnet({space.text}, 24, 16)")}}]}})


def _registry(rng: random.Random, replicas: str) -> list[str]:
    """A registry; ``replicas`` is the expression of the regions it replicates to."""
    sku = rng.choice(("Premium", "Premium", "Premium", "Standard"))
    parts = [resource("acr", ACR, {"name": Raw("take('acr${team}${environmentName}${uniqueString(resourceGroup().id)}', 50)"),
                                   "location": Raw("location"), "tags": TAGS, "sku": {"name": sku},
                                   "properties": {"adminUserEnabled": False,
                                                  "zoneRedundancy": rng.choice(("Enabled", "Disabled"))}})]
    if sku == "Premium":
        parts.append(resource("replicas", REPLICA, {
            "parent": Raw("acr"), "name": Raw("replicaRegion"), "location": Raw("replicaRegion"), "tags": TAGS,
            "properties": {"zoneRedundancy": "Enabled"}}, loop=f"replicaRegion in {replicas}"))
    return parts


def _traffic_manager(rng: random.Random, regions: str, ip_ids: str) -> str:
    monitor = {"protocol": "HTTPS", "port": 443, "path": "/healthz"} if rng.random() < 0.8 else None
    props = {"profileStatus": "Enabled", "trafficRoutingMethod": rng.choice(("Priority", "Performance", "Weighted")),
             "dnsConfig": {"relativeName": Raw("prefix"), "ttl": 30},
             **({"monitorConfig": monitor} if monitor else {}),
             "endpoints": Raw("[for (region, i) in " + regions + ": {\n      name: 'ingress-${region}'\n"
                              "      type: 'Microsoft.Network/trafficManagerProfiles/azureEndpoints'\n"
                              "      properties: {\n        endpointStatus: 'Enabled'\n"
                              f"        targetResourceId: {ip_ids}\n        priority: i + 1\n      }}\n    }}]")}
    return resource("trafficManager", "Microsoft.Network/trafficManagerProfiles@2022-04-01",
                    {"name": Raw("'tm-${prefix}'"), "location": "global", "tags": TAGS, "properties": props})


def _common(team: str, env: str, location: str | None) -> list[str]:
    location_param = param("location", "string", Raw(location) if location else Raw("resourceGroup().location"),
                           "Region of the shared resources.")
    return [location_param, param("team", "string", team), param("environmentName", "string", env,
                                                                     decorators=(f"@allowed({value(list(ENVS))})",)),
            var("prefix", Raw("'${team}-${environmentName}'")),
            var("tags", {"team": Raw("team"), "environment": Raw("environmentName"), "managedBy": "bicep"})]


def orchestrated(rng: random.Random, team: str, env: str, folder: str) -> list[GeneratedFile]:
    regions = _stamp_regions(rng, rng.choice((1, 2, 2, 3)))
    main = [f"// {team} {env}: one network and one AKS stamp per region, a shared registry.",
            *_common(team, env, f"'{regions[0]}'" if rng.random() < 0.7 else None),
            param("regions", "array", regions, "Regions with a stamp; the first is primary."),
            module("networks", "modules/network.bicep", {
                "name": Raw("'network-${region}'"),
                "params": {"location": Raw("region"), "prefix": Raw("prefix"), "tags": TAGS,
                           "addressSpace": Raw("'10.${i + " + str(rng.randint(10, 200)) + "}.0.0/16'")}},
                loop="(region, i) in regions"),
            module("clusters", "modules/aks.bicep", {
                "name": Raw("'aks-${region}'"),
                "params": {"location": Raw("region"), "clusterName": Raw("'aks-${prefix}-${region}'"), "tags": TAGS,
                           "subnetId": Raw("networks[i].outputs.aksSubnetId")}},
                loop="(region, i) in regions"),
            *_registry(rng, "skip(regions, 1)")]
    if rng.random() < 0.3:
        main.append(_traffic_manager(rng, "regions", "clusters[i].outputs.ingressIpId"))
    main.append(output("clusterIds", "array", "[for (region, i) in regions: clusters[i].outputs.clusterId]"))
    prefix = Raw("prefix")
    files = [text_file(f"{folder}/main.bicep", pad(rng, main, rng.randint(60, 260), prefix))]
    network = [param("location", "string"), param("prefix", "string"), param("addressSpace", "string"),
               param("tags", "object", {}),
               var("vnetName", Raw("'vnet-${prefix}-${location}'")),
               _vnet("vnet", Raw("vnetName"), Raw("addressSpace")),
               output("aksSubnetId", "string", "vnet.properties.subnets[0].id"),
               output("vnetId", "string", "vnet.id")]
    files.append(text_file(f"{folder}/modules/network.bicep", pad(rng, network, rng.randint(40, 160), prefix)))
    subnet = Raw("subnetId")
    aks = [param("location", "string"), param("clusterName", "string"), param("subnetId", "string"),
           param("tags", "object", {}), *_cluster_params(rng),
           var("prefix", Raw("clusterName")),
           resource("ingressIp", PIP, {"name": Raw("'pip-${clusterName}-ingress'"), "location": Raw("location"),
                                       "sku": {"name": "Standard"}, "zones": [ "1", "2", "3"],
                                       "properties": {"publicIPAllocationMethod": "Static",
                                                      "dnsSettings": {"domainNameLabel": Raw("clusterName")}}}),
           resource("aks", AKS, _cluster(rng, Raw("clusterName"), subnet)),
           _user_pool(rng, "aks", subnet),
           output("clusterId", "string", "aks.id"), output("ingressIpId", "string", "ingressIp.id")]
    files.append(text_file(f"{folder}/modules/aks.bicep", pad(rng, aks, rng.randint(60, 200), prefix)))
    for deployment in ("prod", "dr")[: rng.choice((0, 0, 1, 2))]:
        chosen = regions if deployment == "prod" else list(reversed(regions))
        lines = ["using './main.bicep'", "", f"param environmentName = '{env}'", f"param regions = {value(chosen)}"]
        if rng.random() < 0.5:
            lines.append(f"param location = '{chosen[0]}'")
        files.append(text_file(f"{folder}/main.{deployment}.bicepparam", "\n".join(lines) + "\n"))
    return files


def stamps(rng: random.Random, team: str, env: str, folder: str) -> list[GeneratedFile]:
    count = rng.choice((2, 2, 3, 4))
    regions = _stamp_regions(rng, count)
    subnet = Raw("vnet.properties.subnets[0].id")
    stamp = [f"// One {team} stamp per region, deployed with each stamp.<region>.bicepparam.",
             param("location", "string", None, "The region of this stamp."),
             param("addressSpace", "string"), param("peerRegion", "string", None, "The paired stamp's region."),
             param("team", "string", team), param("environmentName", "string", env),
             *_cluster_params(rng),
             var("prefix", Raw("'${team}-${environmentName}-${location}'")),
             var("tags", {"team": Raw("team"), "environment": Raw("environmentName"), "stamp": Raw("location")}),
             _vnet("vnet", Raw("'vnet-${prefix}'"), Raw("addressSpace")),
             resource("peering", "Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2023-11-01", {
                 "parent": Raw("vnet"), "name": Raw("'peer-to-${peerRegion}'"),
                 "properties": {"remoteVirtualNetwork": {"id": Raw(
                     "resourceId('rg-${team}-${environmentName}-${peerRegion}', 'Microsoft.Network/virtualNetworks', "
                     "'vnet-${team}-${environmentName}-${peerRegion}')")},
                     "allowVirtualNetworkAccess": True, "allowForwardedTraffic": True}}),
             resource("aks", AKS, _cluster(rng, Raw("'aks-${prefix}'"), subnet)),
             _user_pool(rng, "aks", subnet),
             output("clusterId", "string", "aks.id")]
    prefix = Raw("prefix")
    files = [text_file(f"{folder}/stamp.bicep", pad(rng, stamp, rng.randint(80, 260), prefix))]
    second = rng.randint(10, 200)
    for index, region in enumerate(regions):
        peer = regions[1] if index == 0 else regions[0]
        lines = ["using './stamp.bicep'", "", f"param location = '{region}'",
                 f"param addressSpace = '10.{second + index}.0.0/16'", f"param peerRegion = '{peer}'"]
        if rng.random() < 0.5:
            lines.append(f"param systemNodeCount = {rng.choice((1, 3))}")
        if rng.random() < 0.3:
            lines.append("param zones = []" if rng.random() < 0.5 else "param zones = [ '1', '2', '3' ]")
        name = short_region(region.replace(" ", "").lower())
        files.append(text_file(f"{folder}/stamp.{name}.bicepparam", "\n".join(lines) + "\n"))
    shared = [f"// Shared by the {team} stamps: registry replicated to every stamp region, data.",
              *_common(team, env, f"'{regions[0]}'"),
              var("stampRegions", regions),
              *_registry(rng, "skip(stampRegions, 1)"),
              resource("exports", "Microsoft.Storage/storageAccounts@2023-05-01", {
                  "name": Raw("'st${uniqueString(resourceGroup().id)}'"), "location": Raw("location"), "tags": TAGS,
                  "kind": "StorageV2",
                  "sku": {"name": rng.choice(("Standard_LRS", "Standard_ZRS", "Standard_GZRS", "Standard_RAGRS"))},
                  "properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False}})]
    if rng.random() < 0.5:
        shared.append(param("postgresPassword", "string", None, decorators=("@secure()",)))
        shared.append(resource("orders", "Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01", {
            "name": Raw("'psql-${prefix}'"), "location": Raw("location"), "tags": TAGS,
            "sku": {"name": "Standard_D4ds_v5", "tier": "GeneralPurpose"},
            "properties": {"version": "16", "administratorLogin": "pgadmin",
                           "administratorLoginPassword": Raw("postgresPassword"),
                           "storage": {"storageSizeGB": 128},
                           "backup": {"backupRetentionDays": 14,
                                      "geoRedundantBackup": rng.choice(("Enabled", "Disabled"))}}}))
    files.append(text_file(f"{folder}/shared.bicep", pad(rng, shared, rng.randint(60, 220), prefix)))
    return files


def generate(rng: random.Random, count: int) -> list[GeneratedFile]:
    """About ``count`` Bicep files (``.bicep`` and ``.bicepparam``); the last project is cut to fit."""
    files: list[GeneratedFile] = []
    serial = 0
    while len(files) < count:
        serial += 1
        team, env = rng.choice(TEAMS), rng.choice(ENVS)
        shape = rng.choice((orchestrated, stamps))
        project = f"bicep/{team}/{env}/{shape.__name__}-{serial}"
        files.extend(shape(rng, team, env, project))
    return _fit(files, count)


def _fit(files: list[GeneratedFile], count: int) -> list[GeneratedFile]:
    """Exactly ``count`` files: drop parameter files of the last projects first, never a template a
    kept file uses."""
    while len(files) > count:
        drop = next((i for i in range(len(files) - 1, -1, -1) if files[i].path.endswith(".bicepparam")), None)
        if drop is None:
            break
        del files[drop]
    return files
