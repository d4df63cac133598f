"""The model: indexes, reference resolution in both directions, never a guess."""

from bcdr_lint.model import Kind, Location, Model, Ref, Resource, Unresolved, is_resolved, lower_or_none, normalize_region
from bcdr_lint.model.azure_id import SUBNET, VIRTUAL_NETWORK, ref_from_azure_id


def res(kind, key, name, **kw):
    return Resource(kind=kind, key=key, name=name, location=Location("x.tf", 1), source_type="t", **kw)


def test_normalize_region():
    assert normalize_region("East US 2") == "eastus2"
    assert normalize_region(" WestEurope ") == "westeurope"
    value = Unresolved("var.location")
    assert normalize_region(value) is value
    assert normalize_region(None) is None


def test_is_resolved_looks_inside_containers():
    assert is_resolved(["a", {"b": 1}])
    assert not is_resolved(["a", {"b": Unresolved("x")}])


def test_parse_azure_id():
    ref = ref_from_azure_id(
        "/subscriptions/s/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-a/subnets/aks"
    )
    assert ref.type == SUBNET and ref.names == ("vnet-a", "aks") and ref.resource_group == "rg-net"
    assert ref_from_azure_id("not an id") is None
    assert ref_from_azure_id("/subscriptions/s/resourceGroups/rg").names == ("rg",)


def test_refs_resolve_by_key_and_by_identity_and_back():
    vnet = res(Kind.VIRTUAL_NETWORK, "v", "vnet-a", azure_type=VIRTUAL_NETWORK, azure_names=("vnet-a",), resource_group="rg")
    subnet = res(Kind.SUBNET, "s", "aks", azure_type=SUBNET, azure_names=("vnet-a", "aks"),
                 refs={"vnet": Ref(key="v")})
    pool = res(Kind.NODE_POOL, "p", "system", refs={"subnet": Ref(type=SUBNET, names=("VNET-A", "aks")), "cluster": Ref(key="c")})
    cluster = res(Kind.AKS_CLUSTER, "c", "aks")
    model = Model([vnet, subnet, pool, cluster])
    assert model.target(pool, "subnet") is subnet
    assert model.target(subnet, "vnet") is vnet
    assert model.referrers(cluster, "cluster") == [pool]
    assert model.of_kind(Kind.AKS_CLUSTER) == [cluster]
    assert model.of_kind(Kind.SUBNET, Kind.VIRTUAL_NETWORK) == [subnet, vnet]


def test_ambiguous_identity_resolves_to_nothing_unless_resource_group_decides():
    a = res(Kind.VIRTUAL_NETWORK, "a", "hub", azure_type=VIRTUAL_NETWORK, azure_names=("hub",), resource_group="rg-a")
    b = res(Kind.VIRTUAL_NETWORK, "b", "hub", azure_type=VIRTUAL_NETWORK, azure_names=("hub",), resource_group="rg-b")
    model = Model([a, b])
    assert model.resolve(Ref(type=VIRTUAL_NETWORK, names=("hub",))) is None
    assert model.resolve(Ref(type=VIRTUAL_NETWORK, names=("hub",), resource_group="RG-B")) is b


def test_location_of_property_falls_back_to_resource():
    r = res(Kind.AKS_CLUSTER, "c", "aks", attr_locations={"region": Location("x.tf", 7, 3, 7, 20)})
    assert r.loc("region").start_line == 7
    assert r.loc("sku_tier") == r.location


def test_same_named_resources_resolve_to_the_one_beside_the_reference():
    def at(path, kind, key, name, **kw):
        return Resource(kind=kind, key=key, name=name, location=Location(path, 1), source_type="t", **kw)

    dev = at("dev/a.json", Kind.VIRTUAL_NETWORK, "d", "hub", azure_type=VIRTUAL_NETWORK, azure_names=("hub",))
    prod = at("prod/a.json", Kind.VIRTUAL_NETWORK, "p", "hub", azure_type=VIRTUAL_NETWORK, azure_names=("hub",))
    peering = at("prod/b.json", Kind.VNET_PEERING, "x", "peer", refs={"local_vnet": Ref(type=VIRTUAL_NETWORK, names=("hub",))})
    stray = at("other/c.json", Kind.VNET_PEERING, "y", "peer", refs={"local_vnet": Ref(type=VIRTUAL_NETWORK, names=("hub",))})
    model = Model([dev, prod, peering, stray])
    assert model.target(peering, "local_vnet") is prod  # same folder
    assert model.target(stray, "local_vnet") is None
    assert model.ambiguous(stray, "local_vnet") == [dev, prod]
    assert model.ambiguous(peering, "local_vnet") == []


def test_enum_values_of_the_wrong_type_are_unresolved_not_passed_on():
    assert lower_or_none(" Standard_LRS ") == "standard_lrs"
    assert lower_or_none(None) is None
    odd = lower_or_none(42)
    assert isinstance(odd, Unresolved) and odd.expression == "42" and "a number" in odd.reason
