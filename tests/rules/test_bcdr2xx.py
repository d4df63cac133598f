"""BCDR201-205: global traffic routing (Traffic Manager, Front Door) in front of the clusters."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.helpers import findings_for, run


def _related(finding) -> list[tuple[str, int]]:
    return [(r.location.path, r.location.start_line) for r in finding.related]


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")


def _line(folder: Path, snippet: str, name: str = "main.tf") -> int:
    """The line of a generated file where ``snippet`` first appears."""
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return next(number for number, text in enumerate(lines, 1) if snippet in text)


CLUSTERS_TF = """
resource "azurerm_kubernetes_cluster" "east" {
  name                = "aks-east"
  location            = "eastus2"
  resource_group_name = "rg"
  dns_prefix          = "east"
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }
}

resource "azurerm_kubernetes_cluster" "west" {
  name                = "aks-west"
  location            = "westus2"
  resource_group_name = "rg"
  dns_prefix          = "west"
  default_node_pool {
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }
}
"""

PROFILE_TF = """
resource "azurerm_traffic_manager_profile" "{name}" {{
  name                   = "tm-{name}"
  resource_group_name    = "rg"
  traffic_routing_method = "{method}"
  dns_config {{
    relative_name = "{name}"
    ttl           = 30
  }}
  monitor_config {{
    protocol = "HTTPS"
    port     = 443
    path     = "/healthz"
  }}
}}
"""


def _profile(name: str, method: str = "Priority") -> str:
    return PROFILE_TF.format(name=name, method=method)


# -- BCDR201 no-global-traffic-routing ---------------------------------------------------------


def test_clusters_in_two_regions_without_router(at_root):
    F = "fixtures/BCDR201/bad"
    assert findings_for([f"{F}/terraform"], ["BCDR201", "BCDR002"]) == [
        ("BCDR201", f"{F}/terraform/main.tf", 6),
    ]
    (finding,) = run([f"{F}/terraform"], ["BCDR201"])
    assert "2 regions (eastus2, westus2)" in finding.message
    assert _related(finding) == [(f"{F}/terraform/main.tf", 26)]
    # ARM: regions from a parameter default; a classic CDN profile routes nothing between regions.
    assert findings_for([f"{F}/arm"], ["BCDR201", "BCDR002"]) == [
        ("BCDR201", f"{F}/arm/azuredeploy.json", 11),
    ]
    (finding,) = run([f"{F}/arm"], ["BCDR201"])
    assert "(northeurope, westeurope)" in finding.message
    assert _related(finding) == [(f"{F}/arm/azuredeploy.json", 28)]


@pytest.mark.parametrize("variant", ["terraform", "arm", "single-region"])
def test_router_present_or_one_region_passes(at_root, variant):
    assert findings_for([f"fixtures/BCDR201/good/{variant}"], ["BCDR201", "BCDR002"]) == []


def test_unknowns_that_may_hide_a_router_or_a_region_are_notes(at_root):
    F = "fixtures/BCDR201/unresolved"
    # A remote module may deploy the router.
    assert findings_for([f"{F}/terraform-module"], ["BCDR201", "BCDR002"]) == [
        ("BCDR002", f"{F}/terraform-module/main.tf", 29),
    ]
    # A Microsoft.Cdn profile whose SKU is a parameter may be a Front Door or a plain CDN.
    assert findings_for([f"{F}/arm-cdn-sku"], ["BCDR201", "BCDR002"]) == [
        ("BCDR002", f"{F}/arm-cdn-sku/azuredeploy.json", 36),
    ]
    # The second cluster's region is unknown: it may be a second region.
    assert findings_for([f"{F}/terraform-cluster-region"], ["BCDR201", "BCDR002"]) == [
        ("BCDR002", f"{F}/terraform-cluster-region/main.tf", 21),
    ]


def test_an_endpoint_alone_shows_routing_set_up_elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "main.tf", CLUSTERS_TF + """
resource "azurerm_traffic_manager_external_endpoint" "east" {
  name       = "east"
  profile_id = "/subscriptions/s/resourceGroups/rg-global/providers/Microsoft.Network/trafficManagerProfiles/tm-shared"
  target     = "shop-east.contoso.com"
}
""")
    assert findings_for(["."], ["BCDR201", "BCDR002"]) == []


def test_router_of_unknown_existence_is_a_note(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    profile = _profile("shop").replace('  name                   = "tm-shop"',
                                       '  count                  = var.with_routing ? 1 : 0\n  name                   = "tm-shop"')
    _write(tmp_path, "main.tf", 'variable "with_routing" {\n  type = bool\n}\n' + CLUSTERS_TF + profile)
    assert findings_for(["."], ["BCDR201", "BCDR002"]) == [("BCDR002", "main.tf", _line(tmp_path, "count  "))]


def test_many_clusters_are_related_up_to_the_cap(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = "".join(
        CLUSTERS_TF.split("resource \"azurerm_kubernetes_cluster\" \"west\"")[0]
        .replace('"east"', f'"c{i}"').replace('"aks-east"', f'"aks-{i:02d}"')
        .replace('"eastus2"', '"eastus2"' if i == 0 else '"westus2"')
        for i in range(14)
    )
    _write(tmp_path, "main.tf", blocks)
    (finding,) = run(["."], ["BCDR201"])
    assert finding.location.start_line == _line(tmp_path, "resource ")  # the first cluster, by file and line
    assert len(finding.related) == 10
    assert finding.message.endswith("(3 more related locations not listed)")


# -- BCDR202 router-missing-region -------------------------------------------------------------


def test_router_without_endpoint_in_a_cluster_region(at_root):
    F = "fixtures/BCDR202/bad"
    # The westus2 endpoint is disabled; the eastus2 one targets a public IP in eastus2.
    assert findings_for([f"{F}/terraform"], ["BCDR202", "BCDR002"]) == [
        ("BCDR202", f"{F}/terraform/main.tf", 52),
    ]
    (finding,) = run([f"{F}/terraform"], ["BCDR202"])
    assert "routes to eastus2 but has no enabled endpoint in westus2" in finding.message
    assert _related(finding) == [(f"{F}/terraform/main.tf", 23)]
    # Origins placed by reference(...).dnsSettings.fqdn and by a public IP's DNS name.
    assert findings_for([f"{F}/arm"], ["BCDR202", "BCDR002"]) == [
        ("BCDR202", f"{F}/arm/azuredeploy.json", 67),
    ]
    (finding,) = run([f"{F}/arm"], ["BCDR202"])
    assert "routes to eastus2, westus2 but has no enabled origin in centralus" in finding.message
    assert _related(finding) == [(f"{F}/arm/azuredeploy.json", 32)]


def test_router_in_terraform_clusters_in_arm(at_root):
    F = "fixtures/BCDR202/cross-format"
    assert findings_for([F], ["BCDR202", "BCDR002"]) == [("BCDR202", f"{F}/terraform/routing.tf", 1)]
    (finding,) = run([F], ["BCDR202"])
    assert "no enabled endpoint in germanywestcentral" in finding.message
    assert _related(finding) == [(f"{F}/arm/stamps.json", 22)]


@pytest.mark.parametrize("variant", ["terraform", "arm", "other-router", "terraform-static-site"])
def test_every_cluster_region_covered_or_router_elsewhere(at_root, variant):
    # terraform: a parent profile covers both regions through two nested child profiles (the
    # children, one region each, are not checked alone); arm: classic Front Door backends;
    # other-router: a profile whose endpoints are all in regions without clusters;
    # terraform-static-site: an origin group of a storage account's static website, in a cluster
    # region, serves the storage account, not the clusters.
    assert findings_for([f"fixtures/BCDR202/good/{variant}"], ["BCDR202", "BCDR002"]) == []


def test_stamps_made_with_for_each_and_private_link_origins_are_placed(at_root):
    # Origins read `azurerm_public_ip.ingress[each.key].ip_address` (their own stamp's address)
    # or reach a private link service outside the checked files whose location they write.
    assert findings_for(["fixtures/BCDR202/good/terraform-stamps"], ["BCDR202", "BCDR002"]) == []


def test_private_link_origins_are_placed_by_their_private_link_location(at_root):
    F = "fixtures/BCDR202/bad/arm-private-link"
    assert findings_for([F], ["BCDR202", "BCDR002"]) == [("BCDR202", f"{F}/azuredeploy.json", 44)]
    (finding,) = run([F], ["BCDR202"])
    assert "routes to eastus2 but has no enabled origin in centralus" in finding.message
    assert _related(finding) == [(f"{F}/azuredeploy.json", 28)]


def test_endpoints_of_unknown_region_are_notes_not_missing_regions(at_root):
    F = "fixtures/BCDR202/unresolved"
    assert findings_for([f"{F}/terraform"], ["BCDR202", "BCDR002"]) == [("BCDR002", f"{F}/terraform/main.tf", 74)]
    assert findings_for([f"{F}/arm"], ["BCDR202", "BCDR002"]) == [("BCDR002", f"{F}/arm/azuredeploy.json", 61)]
    (note,) = run([f"{F}/arm"], ["BCDR002"])
    assert note.needed_by == ("BCDR202",)
    assert "parameters('secondaryIngressId')" in note.message


def test_endpoint_whose_profile_is_unknown_may_cover_the_region(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "main.tf", 'variable "profile_id" {\n  type = string\n}\n' + CLUSTERS_TF + _profile("shop") + """
resource "azurerm_traffic_manager_external_endpoint" "east" {
  name              = "east"
  profile_id        = azurerm_traffic_manager_profile.shop.id
  target            = "shop-east.contoso.com"
  endpoint_location = "eastus2"
}

resource "azurerm_traffic_manager_external_endpoint" "west" {
  name              = "west"
  profile_id        = var.profile_id
  target            = "shop-west.contoso.com"
  endpoint_location = "westus2"
}
""")
    assert findings_for(["."], ["BCDR202", "BCDR002"]) == [
        ("BCDR002", "main.tf", _line(tmp_path, "var.profile_id")),
    ]
    # An endpoint for another region entirely could not cover westus2: no doubt, a finding.
    text = (tmp_path / "main.tf").read_text().replace('endpoint_location = "westus2"', 'endpoint_location = "japaneast"')
    (tmp_path / "main.tf").write_text(text)
    assert findings_for(["."], ["BCDR202", "BCDR002"]) == [
        ("BCDR202", "main.tf", _line(tmp_path, '"azurerm_traffic_manager_profile" "shop"')),
    ]


def test_nested_profiles_in_a_cycle_do_not_hang(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "main.tf", CLUSTERS_TF + _profile("top") + _profile("a") + _profile("b") + """
resource "azurerm_traffic_manager_nested_endpoint" "top_to_a" {
  name               = "a"
  profile_id         = azurerm_traffic_manager_profile.top.id
  target_resource_id = azurerm_traffic_manager_profile.a.id
}

resource "azurerm_traffic_manager_nested_endpoint" "a_to_b" {
  name               = "b"
  profile_id         = azurerm_traffic_manager_profile.a.id
  target_resource_id = azurerm_traffic_manager_profile.b.id
}

resource "azurerm_traffic_manager_nested_endpoint" "b_to_a" {
  name               = "a"
  profile_id         = azurerm_traffic_manager_profile.b.id
  target_resource_id = azurerm_traffic_manager_profile.a.id
}

resource "azurerm_traffic_manager_external_endpoint" "east" {
  name              = "east"
  profile_id        = azurerm_traffic_manager_profile.a.id
  target            = "shop-east.contoso.com"
  endpoint_location = "eastus2"
}
""")
    # 'top' reaches eastus2 through 'a' (the a <-> b cycle adds nothing); 'a' and 'b' are children.
    (finding,) = run(["."], ["BCDR202", "BCDR002"])
    assert finding.location.start_line == _line(tmp_path, '"azurerm_traffic_manager_profile" "top"')
    assert "routes to eastus2 but has no enabled endpoint in westus2" in finding.message


def test_host_name_of_two_public_ips_is_not_matched_by_guess(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ips = "".join(f"""
resource "azurerm_public_ip" "{name}" {{
  name                = "pip-{name}"
  location            = "{region}"
  resource_group_name = "rg-{name}"
  allocation_method   = "Static"
  domain_name_label   = "shop"
}}
""" for name, region in (("a", "westus2"), ("b", "westus2")))
    _write(tmp_path, "main.tf", CLUSTERS_TF + ips + _profile("shop") + """
resource "azurerm_traffic_manager_external_endpoint" "east" {
  name              = "east"
  profile_id        = azurerm_traffic_manager_profile.shop.id
  target            = "shop-east.contoso.com"
  endpoint_location = "eastus2"
}

resource "azurerm_traffic_manager_external_endpoint" "west" {
  name       = "west"
  profile_id = azurerm_traffic_manager_profile.shop.id
  target     = "shop.westus2.cloudapp.azure.com"
}
""")
    (note,) = run(["."], ["BCDR202", "BCDR002"])
    assert (note.rule_id, note.location.start_line) == ("BCDR002", _line(tmp_path, "shop.westus2.cloudapp"))
    assert "DNS name of 2 public IP addresses" in note.message


# -- BCDR203 router-without-health-probe -------------------------------------------------------


def test_profiles_and_origin_groups_without_usable_probes(at_root):
    F = "fixtures/BCDR203/bad"
    assert findings_for([f"{F}/terraform"], ["BCDR203", "BCDR002"]) == [
        ("BCDR203", f"{F}/terraform/main.tf", 11),  # HTTPS monitor without a path
        ("BCDR203", f"{F}/terraform/main.tf", 23),  # two origins, no health_probe block
    ]
    findings = run([f"{F}/terraform"], ["BCDR203"])
    assert "no path, which an HTTPS monitor needs" in findings[0].message
    assert _related(findings[1]) == [(f"{F}/terraform/main.tf", 34), (f"{F}/terraform/main.tf", 41)]
    assert findings_for([f"{F}/arm"], ["BCDR203", "BCDR002"]) == [
        ("BCDR203", f"{F}/arm/azuredeploy.json", 5),   # no monitorConfig at all
        ("BCDR203", f"{F}/arm/azuredeploy.json", 36),  # the pool's probe settings are disabled
    ]
    findings = run([f"{F}/arm"], ["BCDR203"])
    assert "health probe is switched off" in findings[1].message


@pytest.mark.parametrize("variant", ["terraform", "arm"])
def test_usable_probes_pass(at_root, variant):
    # terraform: a TCP monitor needs no path; one origin needs no probe. arm: a disabled profile.
    assert findings_for([f"fixtures/BCDR203/good/{variant}"], ["BCDR203", "BCDR002"]) == []


def test_unresolved_probe_values_are_notes(at_root):
    F = "fixtures/BCDR203/unresolved/arm"
    assert findings_for([F], ["BCDR203", "BCDR002"]) == [
        ("BCDR002", f"{F}/azuredeploy.json", 17),
        ("BCDR002", f"{F}/azuredeploy.json", 37),
    ]


def test_monitor_with_bad_protocol_and_port(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "main.tf", _profile("shop").replace('protocol = "HTTPS"', 'protocol = "UDP"')
           .replace("port     = 443", "port     = 70000"))
    (finding,) = run(["."], ["BCDR203"])
    assert finding.location.start_line == _line(tmp_path, "monitor_config")
    assert "protocol 'udp' (not HTTP, HTTPS or TCP), port 70000 (not 1-65535)" in finding.message


def test_monitor_port_written_as_text_is_a_port(tmp_path, monkeypatch):
    # Terraform converts "443" to the number the argument takes; so does the ARM deployment.
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "main.tf", _profile("shop").replace("port     = 443", 'port     = "443"'))
    assert findings_for(["."], ["BCDR203", "BCDR002"]) == []
    _write(tmp_path, "main.tf", _profile("shop").replace("port     = 443", 'port     = "https"'))
    (finding,) = run(["."], ["BCDR203"])
    assert "port 'https' (not 1-65535)" in finding.message


# -- BCDR204 single-endpoint-router ------------------------------------------------------------


def test_routers_with_one_enabled_member(at_root):
    F = "fixtures/BCDR204/bad"
    assert findings_for([f"{F}/terraform"], ["BCDR204", "BCDR002"]) == [
        ("BCDR204", f"{F}/terraform/main.tf", 1),
        ("BCDR204", f"{F}/terraform/main.tf", 40),
    ]
    profile, group = run([f"{F}/terraform"], ["BCDR204"])
    assert "only one enabled endpoint (1 disabled)" in profile.message
    assert _related(profile) == [(f"{F}/terraform/main.tf", 18), (f"{F}/terraform/main.tf", 31)]
    assert "only one enabled origin" in group.message
    assert findings_for([f"{F}/arm"], ["BCDR204", "BCDR002"]) == [
        ("BCDR204", f"{F}/arm/azuredeploy.json", 5),
        ("BCDR204", f"{F}/arm/azuredeploy.json", 33),
    ]


@pytest.mark.parametrize("variant", ["terraform", "arm"])
def test_two_enabled_members_or_nested_children_pass(at_root, variant):
    # arm: one endpoint inline and one as a child resource; nested origins under the origin
    # group. terraform: regional child profiles with one endpoint each, under a parent.
    assert findings_for([f"fixtures/BCDR204/good/{variant}"], ["BCDR204", "BCDR002"]) == []


def test_endpoint_of_unknown_existence_is_a_note_not_a_count(at_root):
    F = "fixtures/BCDR204/unresolved/terraform"
    assert findings_for([F], ["BCDR204", "BCDR002"]) == [("BCDR002", f"{F}/main.tf", 31)]


def test_child_profile_of_a_geographic_parent_must_fail_over_itself(at_root):
    # A Geographic parent never moves a geography to another child: the americas child, down to
    # one enabled endpoint, is reported; the europe child has two.
    F = "fixtures/BCDR204/bad/geographic-children"
    assert findings_for([F], ["BCDR204", "BCDR002"]) == [("BCDR204", f"{F}/main.tf", 69)]
    (finding,) = run([F], ["BCDR204"])
    assert finding.message.startswith("Traffic Manager profile 'tm-litware-americas' has only one enabled endpoint (1 disabled)")


def test_members_of_unknown_number_may_be_several(at_root):
    # An origin with `count = length(var.ingress_hosts)` (no default) may be any number of origins;
    # so may one from an ARM resource copy loop (its name, and so its origin group, read copyIndex()).
    F = "fixtures/BCDR204/unresolved"
    assert findings_for([f"{F}/terraform-count"], ["BCDR204", "BCDR002"]) == [
        ("BCDR002", f"{F}/terraform-count/main.tf", 26),
    ]
    assert findings_for([f"{F}/arm-copy-loop"], ["BCDR204", "BCDR002"]) == [
        ("BCDR002", f"{F}/arm-copy-loop/azuredeploy.json", 19),  # the origin group: no origin of its own
        ("BCDR002", f"{F}/arm-copy-loop/azuredeploy.json", 32),  # the origins, which may be its
    ]


def test_origins_of_unknown_number_without_a_probe_are_a_note(tmp_path, monkeypatch, at_root):
    text = (at_root / "fixtures/BCDR204/unresolved/terraform-count/main.tf").read_text(encoding="utf-8")
    probe = text[text.index("  health_probe {"):text.index("}\n}\n", text.index("  health_probe {")) + 2]
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "main.tf", text.replace(probe, ""))
    # Several origins without a probe would be a finding; one would not: which it is is unknown.
    (note,) = run(["."], ["BCDR203", "BCDR002"])
    assert (note.rule_id, note.location.start_line) == ("BCDR002", _line(tmp_path, "count "))
    assert note.needed_by == ("BCDR203",)


def test_disabled_profile_is_not_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = _profile("old").replace('traffic_routing_method = "Priority"',
                                    'traffic_routing_method = "Priority"\n  profile_status         = "Disabled"')
    _write(tmp_path, "main.tf", text)
    assert findings_for(["."], ["BCDR2", "BCDR002"]) == []
    endpoint = """
resource "azurerm_traffic_manager_external_endpoint" "only" {
  name       = "only"
  profile_id = azurerm_traffic_manager_profile.old.id
  target     = "shop-eastus2.contoso.com"
}
"""
    _write(tmp_path, "main.tf", text.replace('"Disabled"', '"Enabled"') + endpoint)
    assert findings_for(["."], ["BCDR2", "BCDR002"]) == [("BCDR204", "main.tf", _line(tmp_path, "resource "))]


def test_a_router_whose_members_are_all_elsewhere_is_a_note(tmp_path, monkeypatch):
    # No endpoint of the profile (no origin of the group) is in the checked files: they are
    # declared elsewhere (another state or repository, a regional pipeline), which cannot be seen.
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "main.tf", _profile("geo", "Geographic") + """
resource "azurerm_cdn_frontdoor_profile" "afd" {
  name                = "afd-shop"
  resource_group_name = "rg"
  sku_name            = "Standard_AzureFrontDoor"
}

resource "azurerm_cdn_frontdoor_origin_group" "web" {
  name                     = "web"
  cdn_frontdoor_profile_id = azurerm_cdn_frontdoor_profile.afd.id
  load_balancing {}
}
""")
    notes = run(["."], ["BCDR2", "BCDR002"])
    assert [(f.rule_id, f.location.start_line, f.needed_by) for f in notes] == [
        ("BCDR002", _line(tmp_path, 'resource "azurerm_traffic_manager_profile"'), ("BCDR204", "BCDR205")),
        ("BCDR002", _line(tmp_path, 'resource "azurerm_cdn_frontdoor_origin_group"'), ("BCDR204",)),
    ]
    assert "the list of its endpoints is unresolved: `(none in the checked files)` (they are declared elsewhere" \
        in notes[0].message
    assert "the list of its origins is unresolved" in notes[1].message


# -- BCDR205 geographic-routing-without-fallback ------------------------------------------------


def test_geographic_profiles_without_world_or_nested_profiles(at_root):
    F = "fixtures/BCDR205/bad"
    assert findings_for([f"{F}/terraform"], ["BCDR205", "BCDR002"]) == [
        ("BCDR205", f"{F}/terraform/main.tf", 4),
    ]
    (finding,) = run([f"{F}/terraform"], ["BCDR205"])
    assert "no enabled endpoint maps WORLD" in finding.message
    assert "2 mapped endpoints are not nested profiles ('europe', 'americas')" in finding.message
    assert _related(finding) == [(f"{F}/terraform/main.tf", 22), (f"{F}/terraform/main.tf", 29)]
    # arm: the Priority child profile is fine; the Geographic parent lacks WORLD and maps GB to
    # one external endpoint.
    assert findings_for([f"{F}/arm"], ["BCDR205", "BCDR002"]) == [
        ("BCDR205", f"{F}/arm/azuredeploy.json", 26),
    ]
    (finding,) = run([f"{F}/arm"], ["BCDR205"])
    assert "1 mapped endpoint is not a nested profile ('tm-payments-geo/uk')" in finding.message
    assert _related(finding) == [(f"{F}/arm/azuredeploy.json", 44)]


@pytest.mark.parametrize("variant", ["terraform", "arm"])
def test_nested_profiles_with_world_pass(at_root, variant):
    # arm also has a disabled external endpoint with a mapping: it takes no traffic.
    assert findings_for([f"fixtures/BCDR205/good/{variant}"], ["BCDR205", "BCDR002"]) == []


def test_unresolved_mapping_that_may_be_world_is_a_note(at_root):
    F = "fixtures/BCDR205/unresolved/arm"
    assert findings_for([F], ["BCDR205", "BCDR002"]) == [("BCDR002", f"{F}/azuredeploy.json", 24)]


def test_an_endpoint_of_unknown_profile_may_be_the_one_mapping_world(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "main.tf", 'variable "geo_profile_id" {\n  type = string\n}\n' + _profile("geo", "Geographic") + """
resource "azurerm_traffic_manager_nested_endpoint" "europe" {
  name                    = "europe"
  profile_id              = azurerm_traffic_manager_profile.geo.id
  target_resource_id      = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/trafficManagerProfiles/tm-eu"
  minimum_child_endpoints = 1
  geo_mappings            = ["GEO-EU"]
}

resource "azurerm_traffic_manager_nested_endpoint" "rest" {
  name                    = "rest"
  profile_id              = var.geo_profile_id
  target_resource_id      = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/trafficManagerProfiles/tm-us"
  minimum_child_endpoints = 1
  geo_mappings            = ["WORLD"]
}
""")
    (note,) = run(["."], ["BCDR205", "BCDR002"])
    assert (note.rule_id, note.location.start_line) == ("BCDR002", _line(tmp_path, "profile_id              = var."))
    assert note.needed_by == ("BCDR205",)


def test_only_geographic_profiles_are_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    endpoint = """
resource "azurerm_traffic_manager_external_endpoint" "eu" {
  name         = "eu"
  profile_id   = azurerm_traffic_manager_profile.geo.id
  target       = "shop-eu.contoso.com"
  geo_mappings = ["GEO-EU"]
}
"""
    _write(tmp_path, "main.tf", _profile("geo", "Weighted") + endpoint)
    assert findings_for(["."], ["BCDR205", "BCDR002"]) == []
    _write(tmp_path, "main.tf", 'variable "method" {\n  type = string\n}\n'
           + _profile("geo", "X").replace('"X"', "var.method") + endpoint)
    assert findings_for(["."], ["BCDR205", "BCDR002"]) == [
        ("BCDR002", "main.tf", _line(tmp_path, "var.method")),
    ]
