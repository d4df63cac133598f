"""Traffic Manager, Front Door and public IP addresses, from ARM templates and azurerm."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcdr_lint.loaders.arm import load_file
from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.loaders.terraform import load_module
from bcdr_lint.model import Kind, Model, Ref, Resource, Unresolved
from bcdr_lint.model import azure_id

ARM = "tests/inputs/traffic/arm/routing.json"
TF = "tests/inputs/traffic/terraform"


def lines(resource: Resource) -> dict[str, int]:
    return {attr: loc.start_line for attr, loc in resource.attr_locations.items()}


@pytest.fixture
def arm(at_root) -> LoadResult:
    result = load_file(ARM)
    assert result.errors == []
    return result


@pytest.fixture
def tf(at_root) -> LoadResult:
    result = load_module(TF, sorted(p.as_posix() for p in Path(TF).glob("*.tf")))
    assert result.errors == []
    return result


def by_name(result: LoadResult) -> dict[str, Resource]:
    return {str(r.name): r for r in result.resources}


def by_address(result: LoadResult) -> dict[str, Resource]:
    return {r.key.split(":", 2)[2]: r for r in result.resources}


# -- ARM ----------------------------------------------------------------------------------


def test_arm_every_spelling_of_endpoints_and_origins(arm):
    assert [(r.kind, str(r.name), r.location.start_line) for r in arm.resources] == [
        (Kind.PUBLIC_IP, "pip-shop-east", 12),
        (Kind.PUBLIC_IP, "pip-shop-west", 23),
        (Kind.PUBLIC_IP, "pip-shop-hashed", 34),
        (Kind.TRAFFIC_MANAGER, "tm-shop", 43),
        (Kind.TRAFFIC_MANAGER_ENDPOINT, "tm-shop/east", 54),      # inline in properties.endpoints
        (Kind.TRAFFIC_MANAGER_ENDPOINT, "tm-shop/partner", 63),
        (Kind.TRAFFIC_MANAGER_ENDPOINT, "tm-shop/standby", 75),   # nested in the profile's resources
        (Kind.TRAFFIC_MANAGER_ENDPOINT, "tm-shop/west", 88),      # top-level child resource
        (Kind.TRAFFIC_MANAGER, "tm-parent", 98),
        (Kind.TRAFFIC_MANAGER_ENDPOINT, "tm-parent/child", 107),
        (Kind.FRONT_DOOR, "afd-shop", 118),
        (Kind.FRONT_DOOR_ORIGIN_GROUP, "afd-shop/web", 125),
        (Kind.FRONT_DOOR_ORIGIN, "afd-shop/web/east", 142),
        (Kind.FRONT_DOOR_ORIGIN, "afd-shop/web/west", 152),
        # cdn-static (Standard_Microsoft) is a plain CDN: not modelled.
        (Kind.FRONT_DOOR, "fd-classic", 168),
        (Kind.FRONT_DOOR_ORIGIN_GROUP, "fd-classic/api", 185),
        (Kind.FRONT_DOOR_ORIGIN, "api-east.contoso.com", 189),
        (Kind.FRONT_DOOR_ORIGIN, "parameters('westLabel')", 190),
        (Kind.FRONT_DOOR_ORIGIN_GROUP, "fd-classic/static", 196),
        (Kind.FRONT_DOOR_ORIGIN, "static.contoso.com", 200),
    ]


def test_arm_traffic_manager_profile(arm):
    profile = by_name(arm)["tm-shop"]
    assert profile.region == "global"
    assert (profile.azure_type, profile.azure_names) == (azure_id.TRAFFIC_MANAGER, ("tm-shop",))
    assert dict(profile.attrs) == {
        "routing_method": "priority",
        "enabled": True,
        "monitor": {"protocol": "https", "port": 443, "path": "/healthz"},
    }
    assert lines(profile) == {"region": 47, "routing_method": 50, "enabled": 49, "monitor": 52, "name": 46}
    # A monitorConfig that is an expression is unknown as a whole, located at the property.
    monitor = by_name(arm)["tm-parent"].get("monitor")
    assert isinstance(monitor, Unresolved)
    assert (monitor.expression, monitor.location.start_line) == ("parameters('westLabel')", 105)


def test_arm_endpoints(arm):
    found = by_name(arm)
    east, partner, standby, west = (found[f"tm-shop/{n}"] for n in ("east", "partner", "standby", "west"))
    profile_key = found["tm-shop"].key
    assert dict(east.attrs) == {"endpoint_type": "azure", "enabled": True}
    assert east.refs["profile"].key == profile_key
    assert east.refs["target_resource"] == Ref(type=azure_id.PUBLIC_IP, names=("pip-shop-east",),
                                               text="variables('eastIp')")
    assert lines(east) == {"endpoint_type": 56, "enabled": 59, "target_resource": 58, "name": 55}
    assert dict(partner.attrs) == {"endpoint_type": "external", "endpoint_location": "northeurope",
                                   "target": "shop.partner.example.com"}
    assert "target_resource" not in partner.refs
    assert standby.get("enabled") is False
    assert standby.source_type == "Microsoft.Network/trafficManagerProfiles/azureEndpoints"
    # A top-level child resource refers to its profile by name; the model resolves it.
    assert west.refs["profile"] == Ref(type=azure_id.TRAFFIC_MANAGER, names=("tm-shop",), text="tm-shop")
    assert west.azure_type == f"{azure_id.TRAFFIC_MANAGER}/externalendpoints"
    mappings = west.get("geo_mappings")
    assert mappings[0] == "WORLD" and isinstance(mappings[1], Unresolved)
    # target = reference(<public IP>).dnsSettings.fqdn: unknown, but which address it reads is known.
    assert isinstance(west.get("target"), Unresolved)
    assert west.refs["host_resource"].type == azure_id.PUBLIC_IP
    assert west.refs["host_resource"].names == ("pip-shop-west",)
    assert lines(west)["host_resource"] == 93
    model = Model(arm.resources)
    assert [e.name for e in model.referrers(found["tm-shop"], "profile")] == [
        "tm-shop/east", "tm-shop/partner", "tm-shop/standby", "tm-shop/west",
    ]
    assert model.target(west, "host_resource") is found["pip-shop-west"]
    # A nested endpoint points at its child profile by resourceId(...).
    assert found["tm-parent/child"].get("endpoint_type") == "nested"
    assert model.target(found["tm-parent/child"], "target_resource") is found["tm-shop"]


def test_arm_front_door_standard_premium(arm):
    found = by_name(arm)
    model = Model(arm.resources)
    assert dict(found["afd-shop"].attrs) == {"sku": "premium_azurefrontdoor"}
    group = found["afd-shop/web"]
    assert dict(group.attrs) == {"health_probe": {"protocol": "https", "path": "/healthz", "interval": 60}}
    assert lines(group)["health_probe"] == 132
    assert model.target(group, "profile") is found["afd-shop"]
    east, west = found["afd-shop/web/east"], found["afd-shop/web/west"]
    assert dict(east.attrs) == {"enabled": True, "host_name": "shop-east.eastus2.cloudapp.azure.com"}
    assert model.target(east, "origin_group") is group
    assert model.target(east, "target_resource") is found["pip-shop-east"]  # azureOrigin.id
    assert west.get("enabled") is False
    assert isinstance(west.get("host_name"), Unresolved)
    assert model.target(west, "host_resource") is found["pip-shop-east"]   # reference(...).ipAddress


def test_arm_classic_front_door_pools_and_backends(arm):
    found = by_name(arm)
    model = Model(arm.resources)
    assert dict(found["fd-classic"].attrs) == {"sku": "classic"}
    api, static = found["fd-classic/api"], found["fd-classic/static"]
    # The pool's probe settings, found by the name its id ends with, switched off.
    assert api.get("health_probe") == {"protocol": "http", "path": "/", "interval": 30, "enabled": False}
    assert lines(api) == {"health_probe": 192, "name": 186}
    # A probe name that no settings entry has is unresolved, not "no probe".
    missing = static.get("health_probe")
    assert isinstance(missing, Unresolved) and "no health probe settings" in missing.reason
    backends = [r for r in model.referrers(api, "origin_group")]
    assert [(b.get("host_name") if isinstance(b.get("host_name"), str) else "?", b.get("enabled")) for b in backends] == [
        ("api-east.contoso.com", True), ("?", False),
    ]
    assert backends[0].key.endswith("/backendPools/api/backends[0]")
    assert model.target(found["static.contoso.com"], "origin_group") is static


def test_arm_public_ip_dns_names(arm):
    found = by_name(arm)
    east = found["pip-shop-east"]
    assert east.region == "eastus2"
    assert dict(east.attrs) == {"sku": "standard", "domain_name_label": "Shop-East",
                                "fqdn": "shop-east.eastus2.cloudapp.azure.com"}
    assert lines(east)["fqdn"] == 20
    # A label that is a parameter without default: the DNS name is unknown for the same reason.
    fqdn = found["pip-shop-west"].get("fqdn")
    assert isinstance(fqdn, Unresolved) and fqdn.expression == "parameters('westLabel')"
    # A label scope makes Azure add a hash: the name cannot be known.
    hashed = found["pip-shop-hashed"].get("fqdn")
    assert isinstance(hashed, Unresolved) and "hash" in hashed.reason


# -- Terraform ------------------------------------------------------------------------------


def test_terraform_resource_kinds(tf):
    assert {a: (r.kind, str(r.name), r.location.start_line) for a, r in by_address(tf).items()} == {
        "azurerm_public_ip.east": (Kind.PUBLIC_IP, "pip-shop-east", 9),
        "azurerm_public_ip.west": (Kind.PUBLIC_IP, "pip-shop-west", 18),
        "azurerm_traffic_manager_profile.shop": (Kind.TRAFFIC_MANAGER, "tm-shop", 26),
        "azurerm_traffic_manager_azure_endpoint.east": (Kind.TRAFFIC_MANAGER_ENDPOINT, "east", 44),
        "azurerm_traffic_manager_external_endpoint.west": (Kind.TRAFFIC_MANAGER_ENDPOINT, "west", 51),
        "azurerm_traffic_manager_nested_endpoint.child": (Kind.TRAFFIC_MANAGER_ENDPOINT, "child", 61),
        "azurerm_traffic_manager_endpoint.legacy": (Kind.TRAFFIC_MANAGER_ENDPOINT, "legacy", 70),
        "azurerm_cdn_frontdoor_profile.afd": (Kind.FRONT_DOOR, "afd-shop", 79),
        "azurerm_cdn_frontdoor_origin_group.web": (Kind.FRONT_DOOR_ORIGIN_GROUP, "web", 85),
        "azurerm_cdn_frontdoor_origin.east": (Kind.FRONT_DOOR_ORIGIN, "east", 99),
        "azurerm_cdn_frontdoor_origin.west": (Kind.FRONT_DOOR_ORIGIN, "west", 106),
        "azurerm_frontdoor.classic": (Kind.FRONT_DOOR, "fd-classic", 119),
        "azurerm_frontdoor.classic/backend_pool[api]": (Kind.FRONT_DOOR_ORIGIN_GROUP, "api", 133),
        "azurerm_frontdoor.classic/backend_pool[api]/backend[0]": (Kind.FRONT_DOOR_ORIGIN, "api-east.contoso.com", 138),
        # generated by a dynamic block over an unknown collection: named by what is unknown
        "azurerm_frontdoor.classic/backend_pool[api]/backend[1]": (Kind.FRONT_DOOR_ORIGIN, "var.west_label", 146),
    }


def test_terraform_traffic_manager(tf):
    found = by_address(tf)
    model = Model(tf.resources)
    profile = found["azurerm_traffic_manager_profile.shop"]
    assert dict(profile.attrs) == {"routing_method": "priority", "enabled": True,
                                   "monitor": {"protocol": "https", "port": 443, "path": "/healthz"}}
    assert lines(profile) == {"routing_method": 29, "enabled": 30, "monitor": 37, "name": 27}
    assert profile.region is None  # azurerm has no location for this global resource
    assert (profile.azure_type, profile.azure_names, profile.resource_group) == (
        azure_id.TRAFFIC_MANAGER, ("tm-shop",), "rg-shop")
    east = found["azurerm_traffic_manager_azure_endpoint.east"]
    assert dict(east.attrs) == {"endpoint_type": "azure"}
    assert model.target(east, "profile") is profile
    assert model.target(east, "target_resource") is found["azurerm_public_ip.east"]
    west = found["azurerm_traffic_manager_external_endpoint.west"]
    assert west.get("endpoint_location") == "westus2" and west.get("enabled") is False
    assert west.get("geo_mappings") == ["WORLD"]
    # target = azurerm_public_ip.west.fqdn: computed at apply time, but the address is known.
    assert isinstance(west.get("target"), Unresolved)
    assert model.target(west, "host_resource") is found["azurerm_public_ip.west"]
    assert lines(west)["host_resource"] == 54


def test_terraform_endpoint_of_unknown_count_and_legacy_endpoint(tf):
    found = by_address(tf)
    child = found["azurerm_traffic_manager_nested_endpoint.child"]
    assert child.get("endpoint_type") == "nested"
    deployed = child.get("deployed")
    assert isinstance(deployed, Unresolved) and deployed.expression == "var.endpoint_count"
    # A literal profile id: matched by type, name and resource group.
    assert child.refs["profile"] == Ref(
        type=azure_id.TRAFFIC_MANAGER, names=("tm-parent",), resource_group="rg-shop",
        text="/subscriptions/0000/resourceGroups/rg-shop/providers/Microsoft.Network/trafficManagerProfiles/tm-parent")
    legacy = found["azurerm_traffic_manager_endpoint.legacy"]
    assert dict(legacy.attrs) == {"endpoint_type": "external", "target": "legacy.contoso.com", "enabled": False}
    model = Model(tf.resources)
    assert model.target(legacy, "profile") is found["azurerm_traffic_manager_profile.shop"]


def test_terraform_front_door(tf):
    found = by_address(tf)
    model = Model(tf.resources)
    assert dict(found["azurerm_cdn_frontdoor_profile.afd"].attrs) == {"sku": "standard_azurefrontdoor"}
    group = found["azurerm_cdn_frontdoor_origin_group.web"]
    assert dict(group.attrs) == {"health_probe": {"protocol": "https", "path": "/healthz", "interval": 60}}
    assert lines(group)["health_probe"] == 91
    assert model.target(group, "profile") is found["azurerm_cdn_frontdoor_profile.afd"]
    east = found["azurerm_cdn_frontdoor_origin.east"]
    assert model.target(east, "origin_group") is group
    assert isinstance(east.get("host_name"), Unresolved)
    assert model.target(east, "host_resource") is found["azurerm_public_ip.east"]
    west = found["azurerm_cdn_frontdoor_origin.west"]
    assert dict(west.attrs) == {"enabled": False, "host_name": "shop-west.westus2.cloudapp.azure.com",
                                "target_location": "westus2"}
    assert west.refs["target_resource"].type == "microsoft.network/privatelinkservices"
    assert lines(west)["target_resource"] == 115
    assert lines(west)["target_location"] == 114


def test_terraform_classic_front_door(tf):
    found = by_address(tf)
    model = Model(tf.resources)
    front_door = found["azurerm_frontdoor.classic"]
    assert dict(front_door.attrs) == {"sku": "classic"}
    pool = found["azurerm_frontdoor.classic/backend_pool[api]"]
    assert pool.get("health_probe") == {"path": "/", "enabled": False}
    assert lines(pool)["health_probe"] == 136
    assert model.target(pool, "profile") is front_door
    assert (pool.azure_type, pool.azure_names) == (azure_id.CLASSIC_FRONT_DOOR_POOL, ("fd-classic", "api"))
    backends = model.referrers(pool, "origin_group")
    assert [b.get("host_name") for b in backends[:1]] == ["api-east.contoso.com"]
    # A dynamic backend over an unknown collection: one stand-in whose existence is unknown.
    stand_in = backends[1]
    assert isinstance(stand_in.get("deployed"), Unresolved)
    assert stand_in.get("deployed").expression == "var.west_label"


def test_terraform_public_ip(tf):
    found = by_address(tf)
    east = found["azurerm_public_ip.east"]
    assert east.region == "eastus2"
    assert dict(east.attrs) == {"sku": "standard", "domain_name_label": "shop-east",
                                "fqdn": "shop-east.eastus2.cloudapp.azure.com"}
    assert (east.azure_type, east.azure_names, east.resource_group) == (azure_id.PUBLIC_IP, ("pip-shop-east",), "rg-shop")
    fqdn = found["azurerm_public_ip.west"].get("fqdn")
    assert isinstance(fqdn, Unresolved) and fqdn.expression == "var.west_label"
    assert fqdn.location.start_line == 23


def test_public_ip_dns_name_needs_label_and_region():
    assert azure_id.public_ip_fqdn("App", "westus2", False) == "app.westus2.cloudapp.azure.com"
    region = Unresolved("resourceGroup().location", "known at deployment")
    assert "region" in azure_id.public_ip_fqdn("app", region, False).reason
    assert azure_id.public_ip_fqdn("app", None, False).expression == "(not set)"
    assert azure_id.public_ip_fqdn("app", "westus2", True).expression == "app"


def test_terraform_children_are_named_by_their_azure_name_path(tf):
    # The parent is written as `azurerm_cdn_frontdoor_profile.afd.id`: its name is its block's.
    found = by_address(tf)
    group = found["azurerm_cdn_frontdoor_origin_group.web"]
    assert group.azure_names == ("afd-shop", "web") and group.label == "Front Door origin group 'afd-shop/web'"
    assert found["azurerm_cdn_frontdoor_origin.east"].azure_names == ("afd-shop", "web", "east")
    assert found["azurerm_traffic_manager_azure_endpoint.east"].azure_names == ("tm-shop", "east")
    # An ARM origin naming the group by id finds it.
    model = Model([*tf.resources])
    assert model.resolve(Ref(type=azure_id.FRONT_DOOR_ORIGIN_GROUP, names=("afd-shop", "web"))) is group
