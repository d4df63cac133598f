"""Traffic routing and data services for some Terraform stacks of the benchmark.

Drawn from a random stream of their own (``<seed>-tf-services``). Blocks go to ``traffic.tf``
or ``data.tf`` (folded into ``main.tf`` when the stack has no such file) and reference the
stack's resource groups, variables and locals: a Traffic Manager profile with an Azure endpoint
per region's ingress address, a Front Door profile with origin groups, storage accounts,
PostgreSQL flexible servers (a replica in the secondary region now and then), Azure SQL with a
failover group when the stack has a secondary region, Cosmos DB accounts.
"""

from __future__ import annotations

import random
from typing import Callable

from gen_hcl import Block, nested, resource

Add = Callable[[str, Block], None]
_RG = "azurerm_resource_group"


def _ingress(add: Add, suffix: str) -> None:
    add("traffic.tf", resource("azurerm_public_ip", f"ingress_{suffix}", [
        ("name", f'"pip-${{local.name_prefix}}-{suffix}-ingress"'), ("location", f"{_RG}.{suffix}.location"),
        ("resource_group_name", f"{_RG}.{suffix}.name"), ("allocation_method", '"Static"'), ("sku", '"Standard"'),
        ("zones", '["1", "2", "3"]'), ("domain_name_label", f'"${{local.name_prefix}}-{suffix}"')]))


def traffic_manager(rng: random.Random, add: Add, regions: list[str]) -> None:
    blocks = ['  dns_config {\n    relative_name = local.name_prefix\n    ttl           = 30\n  }']
    if rng.random() < 0.8:
        blocks.append(nested("monitor_config", [("protocol", '"HTTPS"'), ("port", "443"), ("path", '"/healthz"'),
                                                ("interval_in_seconds", "30"), ("tolerated_number_of_failures", "3")]))
    add("traffic.tf", resource("azurerm_traffic_manager_profile", "ingress", [
        ("name", '"tm-${local.name_prefix}"'), ("resource_group_name", f"{_RG}.primary.name"),
        ("traffic_routing_method", rng.choice(('"Priority"', '"Priority"', '"Performance"', '"Weighted"'))),
        ("tags", "local.tags")], blocks))
    for index, suffix in enumerate(regions):
        _ingress(add, suffix)
        add("traffic.tf", resource("azurerm_traffic_manager_azure_endpoint", suffix, [
            ("name", f'"ingress-{suffix}"'), ("profile_id", "azurerm_traffic_manager_profile.ingress.id"),
            ("target_resource_id", f"azurerm_public_ip.ingress_{suffix}.id"), ("priority", str(index + 1)),
            ("weight", "100")]))


def front_door(rng: random.Random, add: Add, regions: list[str]) -> None:
    add("traffic.tf", resource("azurerm_cdn_frontdoor_profile", "edge", [
        ("name", '"afd-${local.name_prefix}"'), ("resource_group_name", f"{_RG}.primary.name"),
        ("sku_name", rng.choice(('"Standard_AzureFrontDoor"', '"Premium_AzureFrontDoor"'))), ("tags", "local.tags")]))
    blocks = [nested("load_balancing", [("sample_size", "4"), ("successful_samples_required", "3")])]
    if rng.random() < 0.75:
        blocks.append(nested("health_probe", [("protocol", '"Https"'), ("path", '"/healthz"'),
                                              ("request_type", '"HEAD"'), ("interval_in_seconds", "60")]))
    add("traffic.tf", resource("azurerm_cdn_frontdoor_origin_group", "api", [
        ("name", '"api"'), ("cdn_frontdoor_profile_id", "azurerm_cdn_frontdoor_profile.edge.id"),
        ("session_affinity_enabled", "false")], blocks))
    for suffix in regions:
        add("traffic.tf", resource("azurerm_cdn_frontdoor_origin", f"api_{suffix}", [
            ("name", f'"api-{suffix}"'), ("cdn_frontdoor_origin_group_id", "azurerm_cdn_frontdoor_origin_group.api.id"),
            ("host_name", f'"api-${{local.name_prefix}}-{suffix}.contoso.com"'),
            ("certificate_name_check_enabled", "true"), ("enabled", "true")]))


def storage(rng: random.Random, add: Add, regions: list[str]) -> None:
    add("data.tf", resource("azurerm_storage_account", f"data{rng.randint(1, 99)}", [
        ("name", f'"st${{var.team}}${{var.environment}}{rng.randint(100, 999)}"'),
        ("resource_group_name", f"{_RG}.primary.name"), ("location", f"{_RG}.primary.location"),
        ("account_tier", '"Standard"'),
        ("account_replication_type", rng.choice(('"LRS"', '"LRS"', '"ZRS"', '"GRS"', '"RAGZRS"',
                                                  'var.environment == "prod" ? "GZRS" : "LRS"'))),
        ("min_tls_version", '"TLS1_2"'), ("tags", "local.tags")]))


def postgres(rng: random.Random, add: Add, regions: list[str]) -> None:
    add("data.tf", resource("azurerm_postgresql_flexible_server", "main", [
        ("name", '"psql-${local.name_prefix}"'), ("resource_group_name", f"{_RG}.primary.name"),
        ("location", f"{_RG}.primary.location"), ("version", '"16"'), ("sku_name", '"GP_Standard_D4ds_v5"'),
        ("storage_mb", str(rng.choice((65536, 131072)))), ("backup_retention_days", "14"),
        ("geo_redundant_backup_enabled", rng.choice(("true", "false", "false"))), ("zone", '"1"'),
        ("tags", "local.tags")]))
    if "secondary" in regions and rng.random() < 0.5:
        add("data.tf", resource("azurerm_postgresql_flexible_server", "replica", [
            ("name", '"psql-${local.name_prefix}-replica"'), ("resource_group_name", f"{_RG}.secondary.name"),
            ("location", f"{_RG}.secondary.location"), ("create_mode", '"Replica"'),
            ("source_server_id", "azurerm_postgresql_flexible_server.main.id"), ("tags", "local.tags")]))


def sql(rng: random.Random, add: Add, regions: list[str]) -> None:
    for suffix in regions:
        add("data.tf", resource("azurerm_mssql_server", suffix, [
            ("name", f'"sql-${{local.name_prefix}}-{suffix}"'), ("resource_group_name", f"{_RG}.{suffix}.name"),
            ("location", f"{_RG}.{suffix}.location"), ("version", '"12.0"'),
            ("administrator_login", '"sqladmin"'), ("minimum_tls_version", '"1.2"')]))
    add("data.tf", resource("azurerm_mssql_database", "orders", [
        ("name", '"orders"'), ("server_id", "azurerm_mssql_server.primary.id"),
        ("sku_name", rng.choice(('"S2"', '"GP_Gen5_2"', '"BC_Gen5_4"'))), ("zone_redundant", "true")]))
    if "secondary" in regions:
        add("data.tf", resource("azurerm_mssql_failover_group", "orders", [
            ("name", '"fog-${local.name_prefix}"'), ("server_id", "azurerm_mssql_server.primary.id"),
            ("databases", "[azurerm_mssql_database.orders.id]")],
            [nested("partner_server", [("id", "azurerm_mssql_server.secondary.id")]),
             nested("read_write_endpoint_failover_policy", [("mode", '"Automatic"'), ("grace_minutes", "60")])]))


def cosmos(rng: random.Random, add: Add, regions: list[str]) -> None:
    locations = [nested("geo_location", [("location", f"{_RG}.{suffix}.location"), ("failover_priority", str(index)),
                                         ("zone_redundant", "true")])
                 for index, suffix in enumerate(regions)]
    add("data.tf", resource("azurerm_cosmosdb_account", "sessions", [
        ("name", '"cosmos-${local.name_prefix}"'), ("resource_group_name", f"{_RG}.primary.name"),
        ("location", f"{_RG}.primary.location"), ("offer_type", '"Standard"'), ("kind", '"GlobalDocumentDB"'),
        ("automatic_failover_enabled", rng.choice(("true", "false")))],
        [nested("consistency_policy", [("consistency_level", '"Session"')]), *locations]))


SERVICES = (traffic_manager, front_door, storage, postgres, sql, cosmos)


def add_services(rng: random.Random, add: Add, regions: list[str]) -> None:
    """One or two services (distinct) for a stack whose regions are ``regions``
    (``["primary"]`` or ``["primary", "secondary"]``)."""
    for build in rng.sample(SERVICES, rng.choice((1, 1, 2))):
        build(rng, add, regions)
