"""Bicep host names that read a resource's deployed address: ``pip.properties.dnsSettings.fqdn``,
``ingress[i].properties.dnsSettings.fqdn`` — known only after deployment, but which resource they
read is known, so Front Door origins and Traffic Manager endpoints get that ``host_resource``
(as ARM's ``reference(...).dnsSettings.fqdn`` does)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcdr_lint.loaders import bicep
from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.model import Kind, Model, Ref, Resource, Unresolved
from bcdr_lint.model import azure_id
from tests.helpers import findings_for

_ROUTING = """param regions array = [ 'westeurope', 'northeurope' ]
param label string

resource ingress 'Microsoft.Network/publicIPAddresses@2023-11-01' = [for region in regions: {
  name: 'pip-media-${region}'
  location: region
  sku: { name: 'Standard' }
  properties: {
    publicIPAllocationMethod: 'Static'
    dnsSettings: { domainNameLabel: 'media-${region}' }
  }
}]

resource single 'Microsoft.Network/publicIPAddresses@2023-11-01' = {
  name: 'pip-media-single'
  location: 'swedencentral'
  properties: {
    publicIPAllocationMethod: 'Static'
  }
}

resource shared 'Microsoft.Network/publicIPAddresses@2023-11-01' existing = {
  name: 'pip-shared'
  scope: resourceGroup('rg-network')
}

resource frontDoor 'Microsoft.Cdn/profiles@2024-02-01' = {
  name: 'afd-media'
  location: 'global'
  sku: { name: 'Standard_AzureFrontDoor' }
}

resource web 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = {
  parent: frontDoor
  name: 'web'
  properties: {}
}

resource origins 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = [for (region, i) in regions: {
  parent: web
  name: 'web-${region}'
  properties: {
    hostName: ingress[i].properties.dnsSettings.fqdn
  }
}]

resource labelled 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = {
  parent: web
  name: 'labelled'
  properties: {
    hostName: label
  }
}

resource tm 'Microsoft.Network/trafficManagerProfiles@2022-04-01' = {
  name: 'tm-media'
  location: 'global'
  properties: {
    trafficRoutingMethod: 'Priority'
  }
}

resource singleEndpoint 'Microsoft.Network/trafficManagerProfiles/externalEndpoints@2022-04-01' = {
  parent: tm
  name: 'single'
  properties: {
    target: single.properties.ipAddress
  }
}

resource sharedEndpoint 'Microsoft.Network/trafficManagerProfiles/externalEndpoints@2022-04-01' = {
  parent: tm
  name: 'shared'
  properties: {
    target: shared.properties.dnsSettings.fqdn
  }
}
"""


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.fixture
def routing(tmp_path: Path) -> dict[str, Resource]:
    path = tmp_path / "main.bicep"
    path.write_text(_ROUTING, encoding="utf-8")
    result: LoadResult = bicep.load_files([str(path)])
    assert result.errors == []
    return {str(r.name): r for r in result.resources}


def test_an_origin_reading_a_loop_instance_points_at_that_public_ip(routing):
    model = Model(list(routing.values()))
    for region in ("westeurope", "northeurope"):
        origin = routing[f"afd-media/web/web-{region}"]
        assert model.target(origin, "host_resource") is routing[f"pip-media-{region}"]
        assert origin.refs["host_resource"].text == "ingress[i].properties.dnsSettings.fqdn"
        assert origin.attr_locations["host_resource"] == origin.attr_locations["host_name"]
        assert origin.attr_locations["host_resource"].start_line == line_of(_ROUTING, "hostName: ingress[i]")
        # The host name itself stays unknown, and says why.
        host = origin.get("host_name")
        assert isinstance(host, Unresolved)
        assert (host.expression, host.reason) == (
            "ingress[i].properties.dnsSettings.fqdn", "known only once the resource is deployed")


def test_an_endpoint_reading_a_symbol_points_at_that_public_ip(routing):
    model = Model(list(routing.values()))
    endpoint = routing["tm-media/single"]
    assert model.target(endpoint, "host_resource") is routing["pip-media-single"]
    assert endpoint.attr_locations["host_resource"].start_line == line_of(_ROUTING, "target: single.properties")


def test_an_existing_public_ip_is_referred_to_by_its_name(routing):
    endpoint = routing["tm-media/shared"]
    assert endpoint.refs["host_resource"] == Ref(
        type=azure_id.PUBLIC_IP, names=("pip-shared",), resource_group="rg-network",
        text="shared.properties.dnsSettings.fqdn")


def test_a_host_that_reads_no_resource_has_no_host_resource(routing):
    labelled = routing["afd-media/web/labelled"]
    assert isinstance(labelled.get("host_name"), Unresolved)
    assert "host_resource" not in labelled.refs


def test_other_reads_of_a_resource_keep_their_values(routing):
    # What a resource's body says is still read from it: only what Azure computes is unknown.
    pips = [r for r in routing.values() if r.kind is Kind.PUBLIC_IP]
    assert sorted((str(r.name), r.get("fqdn")) for r in pips) == [
        ("pip-media-northeurope", "media-northeurope.northeurope.cloudapp.azure.com"),
        ("pip-media-single", None),
        ("pip-media-westeurope", "media-westeurope.westeurope.cloudapp.azure.com"),
    ]


def test_front_door_geo_in_bicep_places_its_origins_as_arm_does(at_root):
    # Before, each origin's region was unresolved (BCDR002, needed by BCDR202); ARM placed them.
    scenario = "fixtures/equivalence/front-door-geo"
    assert findings_for([f"{scenario}/bicep"], select=["BCDR002"]) == []
    assert findings_for([f"{scenario}/arm"], select=["BCDR002"]) == []


_STAMP = """param region string

resource pip 'Microsoft.Network/publicIPAddresses@2023-11-01' = {
  name: 'pip-shop-${region}'
  location: region
  properties: {
    publicIPAllocationMethod: 'Static'
    dnsSettings: { domainNameLabel: 'shop-${region}' }
  }
}

output ingressFqdn string = pip.properties.dnsSettings.fqdn
output label string = pip.properties.dnsSettings.domainNameLabel
"""

_STAMPS = """param regions array = [ 'eastus2', 'centralus' ]

module stamps 'stamp.bicep' = [for region in regions: {
  name: 'stamp-${region}'
  params: { region: region }
}]

resource frontDoor 'Microsoft.Cdn/profiles@2024-02-01' = {
  name: 'afd-shop'
  location: 'global'
  sku: { name: 'Premium_AzureFrontDoor' }
}

resource web 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = {
  parent: frontDoor
  name: 'web'
  properties: {}
}

resource origins 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = [for (region, i) in regions: {
  parent: web
  name: 'web-${region}'
  properties: {
    hostName: stamps[i].outputs.ingressFqdn
  }
}]

resource byLabel 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = {
  parent: web
  name: 'by-label'
  properties: {
    hostName: '${stamps[0].outputs.label}.eastus2.cloudapp.azure.com'
  }
}
"""


def test_a_host_read_through_a_module_output_points_at_the_modules_public_ip(tmp_path):
    (tmp_path / "stamp.bicep").write_text(_STAMP, encoding="utf-8")
    (tmp_path / "main.bicep").write_text(_STAMPS, encoding="utf-8")
    result = bicep.load_files([str(tmp_path / "main.bicep"), str(tmp_path / "stamp.bicep")])
    assert result.errors == []
    found = {str(r.name): r for r in result.resources}
    model = Model(result.resources)
    for region in ("eastus2", "centralus"):
        origin = found[f"afd-shop/web/web-{region}"]
        assert model.target(origin, "host_resource") is found[f"pip-shop-{region}"]
        assert origin.refs["host_resource"].text == "stamps[i].outputs.ingressFqdn"
        assert origin.attr_locations["host_resource"].start_line == line_of(_STAMPS, "hostName: stamps[i]")
    # A written label, known: the host name is known too, and read from no deployed property.
    by_label = found["afd-shop/web/by-label"]
    assert by_label.get("host_name") == "shop-eastus2.eastus2.cloudapp.azure.com"
    assert "host_resource" not in by_label.refs
