"""Traffic routing and data services for some ARM templates of the benchmark.

Drawn from a random stream of their own (``<seed>-arm-services``), so adding them does not
reshuffle what the rest of an ARM template draws. Each call returns parameters and resources
as teams write them: a Traffic Manager profile in front of the ingress addresses of two
regions, a Front Door (Standard/Premium) with an origin group per app, storage accounts,
PostgreSQL flexible servers (some with a replica in the paired region), Azure SQL with a
failover group, Cosmos DB accounts with one or two locations.
"""

from __future__ import annotations

import random
from typing import Any, Callable

from gen_common import pick_region, region_spelling, short_region

Json = dict[str, Any]

ROUTING = ("Priority", "Priority", "Performance", "Weighted", "Geographic")
STORAGE_SKUS = ("Standard_LRS", "Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_RAGZRS", "Premium_LRS")


def _regions(rng: random.Random) -> tuple[str, str]:
    """A primary region (as written) and its pair (programmatic name)."""
    region = pick_region(rng)
    return region_spelling(rng, region), region[2]


def _ingress_ip(name: str, region: str) -> Json:
    return {"type": "Microsoft.Network/publicIPAddresses", "apiVersion": "2023-09-01", "name": name, "location": region,
            "sku": {"name": "Standard", "tier": "Regional"}, "zones": ["1", "2", "3"],
            "properties": {"publicIPAllocationMethod": "Static", "dnsSettings": {"domainNameLabel": name}}}


def traffic_manager(rng: random.Random, params: Json, team: str, env: str) -> list[Json]:
    primary, pair = _regions(rng)
    profile = f"tm-{team}-{env}"
    method = rng.choice(ROUTING)
    props: Json = {"profileStatus": rng.choice(("Enabled", "Enabled", "Enabled", "Disabled")),
                   "trafficRoutingMethod": method, "dnsConfig": {"relativeName": f"{team}-{env}", "ttl": 30}}
    if rng.random() < 0.8:
        props["monitorConfig"] = {"protocol": "HTTPS", "port": 443, "path": "/healthz",
                                  "intervalInSeconds": 30, "toleratedNumberOfFailures": 3}
    resources: list[Json] = [{"type": "Microsoft.Network/trafficManagerProfiles", "apiVersion": "2022-04-01",
                              "name": profile, "location": "global", "properties": props}]
    regions = [primary, pair][: rng.choice((1, 2, 2))]
    for index, region in enumerate(regions):
        ip = f"pip-{team}-{env}-ingress-{index}"
        resources.append(_ingress_ip(ip, region))
        endpoint: Json = {"endpointStatus": "Enabled", "priority": index + 1, "weight": 50}
        if method == "Geographic":
            endpoint["geoMapping"] = ["GEO-EU"] if index == 0 else ["WORLD"] if rng.random() < 0.6 else ["GEO-NA"]
        if rng.random() < 0.7:
            kind = "azureEndpoints"
            endpoint["targetResourceId"] = f"[resourceId('Microsoft.Network/publicIPAddresses', '{ip}')]"
            depends = [f"[resourceId('Microsoft.Network/publicIPAddresses', '{ip}')]"]
        else:
            kind = "externalEndpoints"
            endpoint["target"] = f"{ip}.{region.replace(' ', '').lower()}.cloudapp.azure.com"
            endpoint["endpointLocation"] = region
            depends = []
        depends.append(f"[resourceId('Microsoft.Network/trafficManagerProfiles', '{profile}')]")
        resources.append({"type": f"Microsoft.Network/trafficManagerProfiles/{kind}", "apiVersion": "2022-04-01",
                          "name": f"{profile}/ingress-{index}", "dependsOn": depends, "properties": endpoint})
    return resources


def front_door(rng: random.Random, params: Json, team: str, env: str) -> list[Json]:
    primary, pair = _regions(rng)
    profile = f"afd-{team}-{env}"
    profile_id = f"[resourceId('Microsoft.Cdn/profiles', '{profile}')]"
    resources: list[Json] = [{"type": "Microsoft.Cdn/profiles", "apiVersion": "2023-05-01", "name": profile,
                              "location": "global",
                              "sku": {"name": rng.choice(("Standard_AzureFrontDoor", "Premium_AzureFrontDoor"))}}]
    for app in ("api", "web")[: rng.randint(1, 2)]:
        group_props: Json = {"loadBalancingSettings": {"sampleSize": 4, "successfulSamplesRequired": 3},
                             "sessionAffinityState": "Disabled"}
        if rng.random() < 0.75:
            group_props["healthProbeSettings"] = {"probePath": "/healthz", "probeRequestType": "HEAD",
                                                  "probeProtocol": "Https", "probeIntervalInSeconds": 60}
        resources.append({"type": "Microsoft.Cdn/profiles/originGroups", "apiVersion": "2023-05-01",
                          "name": f"{profile}/{app}", "dependsOn": [profile_id], "properties": group_props})
        for region in [primary, pair][: rng.choice((1, 2, 2))]:
            host = f"{app}-{team}-{short_region(region.replace(' ', '').lower())}.contoso.com"
            resources.append({"type": "Microsoft.Cdn/profiles/originGroups/origins", "apiVersion": "2023-05-01",
                              "name": f"{profile}/{app}/{short_region(region.replace(' ', '').lower())}",
                              "dependsOn": [f"[resourceId('Microsoft.Cdn/profiles/originGroups', '{profile}', '{app}')]"],
                              "properties": {"hostName": host, "originHostHeader": host, "httpPort": 80,
                                             "httpsPort": 443, "priority": 1, "weight": 1000,
                                             "enabledState": "Enabled", "enforceCertificateNameCheck": True}})
    return resources


def storage(rng: random.Random, params: Json, team: str, env: str) -> list[Json]:
    params.setdefault("storageSku", {"type": "string", "defaultValue": rng.choice(STORAGE_SKUS),
                                     "allowedValues": list(dict.fromkeys(STORAGE_SKUS))})
    return [{"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01",
             "name": f"st{team}{env}{rng.randint(100, 999)}", "location": "[resourceGroup().location]",
             "kind": "StorageV2", "sku": {"name": "[parameters('storageSku')]"},
             "properties": {"minimumTlsVersion": "TLS1_2", "allowBlobPublicAccess": False,
                            "supportsHttpsTrafficOnly": True, "accessTier": "Hot"}}]


def postgres(rng: random.Random, params: Json, team: str, env: str) -> list[Json]:
    primary, pair = _regions(rng)
    params.setdefault("administratorLoginPassword", {"type": "securestring"})
    name = f"psql-{team}-{env}"
    server: Json = {"type": "Microsoft.DBforPostgreSQL/flexibleServers", "apiVersion": "2024-08-01", "name": name,
                    "location": primary, "sku": {"name": "Standard_D4ds_v5", "tier": "GeneralPurpose"},
                    "properties": {"version": "16", "administratorLogin": "pgadmin",
                                   "administratorLoginPassword": "[parameters('administratorLoginPassword')]",
                                   "storage": {"storageSizeGB": rng.choice((64, 128, 512))},
                                   "backup": {"backupRetentionDays": 14,
                                              "geoRedundantBackup": rng.choice(("Enabled", "Disabled", "Disabled"))},
                                   "highAvailability": {"mode": rng.choice(("ZoneRedundant", "Disabled"))}}}
    resources = [server]
    if rng.random() < 0.4:
        resources.append({"type": "Microsoft.DBforPostgreSQL/flexibleServers", "apiVersion": "2024-08-01",
                          "name": f"{name}-replica", "location": pair,
                          "dependsOn": [f"[resourceId('Microsoft.DBforPostgreSQL/flexibleServers', '{name}')]"],
                          "sku": {"name": "Standard_D4ds_v5", "tier": "GeneralPurpose"},
                          "properties": {"createMode": "Replica",
                                         "sourceServerResourceId": f"[resourceId('Microsoft.DBforPostgreSQL/flexibleServers', '{name}')]"}})
    return resources


def sql(rng: random.Random, params: Json, team: str, env: str) -> list[Json]:
    primary, pair = _regions(rng)
    params.setdefault("sqlAdministratorPassword", {"type": "securestring"})
    server, partner = f"sql-{team}-{env}", f"sql-{team}-{env}-dr"
    login = {"administratorLogin": "sqladmin", "administratorLoginPassword": "[parameters('sqlAdministratorPassword')]",
             "minimalTlsVersion": "1.2"}
    databases = ["orders", "ledger", "audit"][: rng.randint(1, 3)]
    resources: list[Json] = [{"type": "Microsoft.Sql/servers", "apiVersion": "2023-08-01-preview", "name": server,
                              "location": primary, "properties": login}]
    for db in databases:
        resources.append({"type": "Microsoft.Sql/servers/databases", "apiVersion": "2023-08-01-preview",
                          "name": f"{server}/{db}", "location": primary,
                          "dependsOn": [f"[resourceId('Microsoft.Sql/servers', '{server}')]"],
                          "sku": {"name": rng.choice(("GP_Gen5_2", "S2", "BC_Gen5_4"))},
                          "properties": {"zoneRedundant": rng.random() < 0.5}})
    if rng.random() < 0.5:
        resources.append({"type": "Microsoft.Sql/servers", "apiVersion": "2023-08-01-preview", "name": partner,
                          "location": pair, "properties": login})
        resources.append({"type": "Microsoft.Sql/servers/failoverGroups", "apiVersion": "2023-08-01-preview",
                          "name": f"{server}/fog-{team}-{env}",
                          "dependsOn": [f"[resourceId('Microsoft.Sql/servers/databases', '{server}', '{db}')]" for db in databases],
                          "properties": {"readWriteEndpoint": {"failoverPolicy": "Automatic",
                                                               "failoverWithDataLossGracePeriodMinutes": 60},
                                         "partnerServers": [{"id": f"[resourceId('Microsoft.Sql/servers', '{partner}')]"}],
                                         "databases": [f"[resourceId('Microsoft.Sql/servers/databases', '{server}', '{db}')]"
                                                       for db in databases]}})
    return resources


def cosmos(rng: random.Random, params: Json, team: str, env: str) -> list[Json]:
    primary, pair = _regions(rng)
    locations = [{"locationName": primary, "failoverPriority": 0, "isZoneRedundant": True}]
    if rng.random() < 0.5:
        locations.append({"locationName": pair, "failoverPriority": 1, "isZoneRedundant": False})
    return [{"type": "Microsoft.DocumentDB/databaseAccounts", "apiVersion": "2024-05-15",
             "name": f"cosmos-{team}-{env}-{rng.randint(10, 99)}", "location": primary, "kind": "GlobalDocumentDB",
             "properties": {"databaseAccountOfferType": "Standard", "locations": locations,
                            "consistencyPolicy": {"defaultConsistencyLevel": "Session"},
                            "enableAutomaticFailover": rng.random() < 0.6, "enableMultipleWriteLocations": False}}]


SERVICES: tuple[Callable[[random.Random, Json, str, str], list[Json]], ...] = (
    traffic_manager, front_door, storage, storage, postgres, sql, cosmos)


def services(rng: random.Random, params: Json, team: str, env: str) -> list[Json]:
    """One or two services for a template; ``params`` gains what they need."""
    chosen = rng.sample(SERVICES, rng.choice((1, 1, 2)))
    resources: list[Json] = []
    for build in chosen:
        resources.extend(build(rng, params, team, env))
    return resources
