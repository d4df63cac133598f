"""Where the Bicep loader locates what rules point at: the property at fault, also when it is
written in a variable or a parameter default rather than in the resource body."""

from __future__ import annotations

from pathlib import Path

from bcdr_lint.loaders import bicep
from bcdr_lint.model import Kind

TEMPLATE = """param location string = 'eastus2'
param defaultPools array = [
  {
    name: 'batch'
    mode: 'User'
    count: 1
    availabilityZones: [ '3' ]
  }
]

var systemPool = {
  name: 'system'
  mode: 'System'
  count: 3
  availabilityZones: [ '1' ]
}

var userPools = [for i in range(0, 2): {
  name: 'user${i}'
  mode: 'User'
  count: 2
  availabilityZones: [ '2' ]
}]

var network = {
  loadBalancerSku: 'basic'
}

resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-vars'
  location: location
  properties: {
    agentPoolProfiles: [
      systemPool
      ...userPools
      ...defaultPools
    ]
    networkProfile: network
  }
}
"""


def _pools(tmp_path: Path, text: str = TEMPLATE):
    (tmp_path / "main.bicep").write_text(text)
    return bicep.load_files([str(tmp_path / "main.bicep")]).resources


def _at(resource, attr: str) -> tuple[int, int]:
    where = resource.loc(attr)
    return where.start_line, where.start_col


def test_properties_written_in_a_variable_are_located_there(tmp_path: Path) -> None:
    cluster, system, user0, user1, batch = _pools(tmp_path)
    assert [p.name for p in (system, user0, user1, batch)] == [
        "aks-vars/system", "aks-vars/user0", "aks-vars/user1", "aks-vars/batch",
    ]
    # `systemPool`: each attribute where the variable writes it.
    assert (_at(system, "zones"), _at(system, "count"), _at(system, "mode")) == ((15, 3), (14, 3), (13, 3))
    # The pool itself is where the list names it; a property whose whole value is a name stays
    # one span there (`location: location`).
    assert system.location.start_line == 34
    assert (cluster.loc("region").start_line, cluster.loc("region").end_line) == (31, 31)
    # `...userPools`: the loop body of the variable.
    assert [_at(p, "zones") for p in (user0, user1)] == [(22, 3), (22, 3)]
    # `...defaultPools`: the parameter's default, which nobody overrides.
    assert _at(batch, "zones") == (7, 5)
    # `networkProfile: network`: the variable's property.
    assert _at(cluster, "load_balancer_sku") == (26, 3)


def test_a_value_a_parameter_file_sets_stays_at_the_template_property(tmp_path: Path) -> None:
    (tmp_path / "main.bicepparam").write_text("using 'main.bicep'\nparam defaultPools = [\n"
                                              "  { name: 'batch', mode: 'User', count: 1, availabilityZones: [ '1' ] }\n]\n")
    batch = [p for p in _pools(tmp_path) if p.kind is Kind.NODE_POOL][-1]
    assert batch.get("zones") == ["1"]
    assert _at(batch, "zones") == (36, 7)  # `...defaultPools` in the template, deployed with that file
    assert batch.deployment.path.endswith("main.bicepparam")


def test_a_variable_that_refers_to_itself_is_unresolved_where_it_is_used(tmp_path: Path) -> None:
    (cluster,) = _pools(tmp_path, """var pools = [ pools ]
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-loop'
  location: 'eastus2'
  properties: {
    networkProfile: { loadBalancerSku: loop, outboundIPs: pools }
  }
}
var loop = loop
""")
    assert cluster.get("load_balancer_sku").reason == "'loop' refers to itself"
    assert _at(cluster, "load_balancer_sku") == (6, 23)
