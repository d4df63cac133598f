"""Azure resource ids and types: one spelling for every format."""

from __future__ import annotations

from bcdr_lint.model.values import Ref

AKS_CLUSTER = "microsoft.containerservice/managedclusters"
AKS_AGENT_POOL = "microsoft.containerservice/managedclusters/agentpools"
REGISTRY = "microsoft.containerregistry/registries"
REGISTRY_REPLICATION = "microsoft.containerregistry/registries/replications"
VIRTUAL_NETWORK = "microsoft.network/virtualnetworks"
SUBNET = "microsoft.network/virtualnetworks/subnets"
VNET_PEERING = "microsoft.network/virtualnetworks/virtualnetworkpeerings"
RESOURCE_GROUP = "microsoft.resources/resourcegroups"


def ref_from_azure_id(text: str) -> Ref | None:
    """``/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s``
    -> ``Ref(type="microsoft.network/virtualnetworks/subnets", names=("v", "s"), resource_group="rg")``.

    Returns None for text that is not a resource id.
    """
    parts = [p for p in text.strip().split("/") if p]
    lowered = [p.lower() for p in parts]
    if "providers" not in lowered:
        if len(parts) == 4 and lowered[0] == "subscriptions" and lowered[2] == "resourcegroups":
            return Ref(type=RESOURCE_GROUP, names=(parts[3],), text=text)
        return None
    index = len(lowered) - 1 - lowered[::-1].index("providers")
    resource_group = None
    if "resourcegroups" in lowered[:index]:
        rg_index = lowered.index("resourcegroups")
        if rg_index + 1 < index:
            resource_group = parts[rg_index + 1]
    rest = parts[index + 1:]
    if len(rest) < 3 or len(rest) % 2 == 0:
        return None
    namespace, pairs = rest[0], rest[1:]
    types = [pairs[i] for i in range(0, len(pairs), 2)]
    names = tuple(pairs[i] for i in range(1, len(pairs), 2))
    return Ref(type="/".join([namespace, *types]).lower(), names=names, resource_group=resource_group, text=text)


def ref_from_type_and_names(resource_type: str, names: tuple[str, ...], resource_group: str | None = None, text: str = "") -> Ref:
    return Ref(type=resource_type.lower(), names=tuple(names), resource_group=resource_group, text=text)
