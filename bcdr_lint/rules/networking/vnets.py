"""Which virtual network a cluster's node pools live in, and which networks are peered.

A network is identified by its model key when the model holds it, else by the identity a
reference gives (name and, where known, resource group): a peering may point at a VNet
declared in another repository, and a cluster at a subnet of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bcdr_lint.model import Model, Ref, Resource, Unresolved
from bcdr_lint.model.azure_id import SUBNET, VIRTUAL_NETWORK


@dataclass(frozen=True, slots=True)
class VnetId:
    key: str | None
    name: str | None
    resource_group: str | None
    label: str

    def same_as(self, other: "VnetId") -> bool:
        if self.key is not None and other.key is not None:
            return self.key == other.key
        if self.name is None or self.name != other.name:
            return False
        return self.resource_group is None or other.resource_group is None or self.resource_group == other.resource_group


def _of_resource(vnet: Resource) -> VnetId:
    name = vnet.name.lower() if isinstance(vnet.name, str) else None
    rg = vnet.resource_group.lower() if isinstance(vnet.resource_group, str) else None
    return VnetId(vnet.key, name, rg, vnet.label)


def _of_ref(ref: Ref) -> VnetId | None:
    rg = ref.resource_group.lower() if ref.resource_group else None
    if ref.type == VIRTUAL_NETWORK and ref.names:
        return VnetId(None, ref.names[0].lower(), rg, f"virtual network '{ref.names[0]}'")
    if ref.type == SUBNET and len(ref.names) >= 1:
        return VnetId(None, ref.names[0].lower(), rg, f"virtual network '{ref.names[0]}'")
    return None


def vnet_of_subnet_ref(model: Model, holder: Resource, ref_name: str) -> VnetId | Unresolved | None:
    """The VNet of the subnet that ``holder.refs[ref_name]`` names (None: no subnet set)."""
    value = holder.refs.get(ref_name)
    if value is None or isinstance(value, Unresolved):
        return value
    subnet = model.target(holder, ref_name)
    if subnet is None:
        return _of_ref(value)
    vnet = model.target(subnet, "vnet")
    if vnet is not None:
        return _of_resource(vnet)
    vnet_ref = subnet.refs.get("vnet")
    if isinstance(vnet_ref, Unresolved):
        return vnet_ref
    return _of_ref(vnet_ref) if isinstance(vnet_ref, Ref) else None


def peering_side(model: Model, peering: Resource, side: str) -> VnetId | Unresolved | None:
    value = peering.refs.get(side)
    if value is None or isinstance(value, Unresolved):
        return value
    vnet = model.target(peering, side)
    return _of_resource(vnet) if vnet is not None else _of_ref(value)
