"""Which virtual network a cluster's node pools live in, and which networks are peered.

A network is identified by its model key when the model holds it, else by the identity a
reference gives (name and, where known, resource group): a peering may point at a VNet
declared in another repository, and a cluster at a subnet of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from bcdr_lint.model import Kind, Model, Ref, Resource, Unresolved
from bcdr_lint.model.azure_id import SUBNET, VIRTUAL_NETWORK
from bcdr_lint.rules.common import ref_target


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
    subnet = ref_target(model, holder, ref_name)
    if subnet is None or isinstance(subnet, Unresolved):
        value = holder.refs.get(ref_name)
        return _of_ref(value) if subnet is None and isinstance(value, Ref) else subnet
    vnet = ref_target(model, subnet, "vnet")
    if vnet is None:
        value = subnet.refs.get("vnet")
        return _of_ref(value) if isinstance(value, Ref) else None
    return vnet if isinstance(vnet, Unresolved) else _of_resource(vnet)


def peering_side(model: Model, peering: Resource, side: str) -> VnetId | Unresolved | None:
    vnet = ref_target(model, peering, side)
    if vnet is None:
        value = peering.refs.get(side)
        return _of_ref(value) if isinstance(value, Ref) else None
    return vnet if isinstance(vnet, Unresolved) else _of_resource(vnet)


class PeeredNetworks:
    """Every VNet on either side of a peering, indexed by model key and by name."""

    def __init__(self, model: Model) -> None:
        self.by_key: dict[str, list[tuple[VnetId, Resource]]] = {}
        self.by_name: dict[str, list[tuple[VnetId, Resource]]] = {}
        self.unknown_sides: list[tuple[Resource, str, Unresolved]] = []
        for peering in model.of_kind(Kind.VNET_PEERING):
            for side in ("local_vnet", "remote_vnet"):
                vnet = peering_side(model, peering, side)
                if isinstance(vnet, Unresolved):
                    self.unknown_sides.append((peering, side, vnet))
                elif vnet is not None:
                    if vnet.key is not None:
                        self.by_key.setdefault(vnet.key, []).append((vnet, peering))
                    if vnet.name is not None:
                        self.by_name.setdefault(vnet.name, []).append((vnet, peering))

    def __bool__(self) -> bool:
        return bool(self.by_key or self.by_name or self.unknown_sides)

    def peerings_of(self, vnet: VnetId) -> list[tuple[VnetId, Resource]]:
        found = list(self.by_key.get(vnet.key, ())) if vnet.key is not None else []
        for other, peering in self.by_name.get(vnet.name or "", ()):
            if (other, peering) not in found and vnet.same_as(other):
                found.append((other, peering))
        return found
