"""Bicep's network address functions: ``parseCidr``, ``cidrSubnet``, ``cidrHost``.

Address plans are often written with them (``cidrSubnet(vnetPrefix, 24, i)``), and their
results are known statically.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Callable

from bcdr_lint.loaders.arm_functions import EvaluationError

Function = Callable[[list[Any], str], Any]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _network(value: Any) -> Network:
    if not isinstance(value, str):
        raise EvaluationError("needs an address range in CIDR notation")
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError as exc:
        raise EvaluationError(f"'{value}' is not an address range in CIDR notation") from exc


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EvaluationError(f"{value!r} is not an integer")
    return value


def _arguments(args: list[Any], text: str, count: int) -> None:
    if len(args) != count:
        raise EvaluationError(f"wrong number of arguments in {text}")


def _usable(network: Network) -> tuple[Any, Any]:
    """The first and last address a host may have (IPv4 keeps the network and broadcast addresses)."""
    if network.version == 4 and network.prefixlen < 31:
        return network.network_address + 1, network.broadcast_address - 1
    return network.network_address, network.broadcast_address


def _parse_cidr(args: list[Any], text: str) -> dict[str, Any]:
    _arguments(args, text, 1)
    network = _network(args[0])
    first, last = _usable(network)
    parsed: dict[str, Any] = {"network": str(network.network_address), "netmask": str(network.netmask)}
    if network.version == 4:
        parsed["broadcast"] = str(network.broadcast_address)
    parsed.update({"firstUsable": str(first), "lastUsable": str(last), "cidr": network.prefixlen})
    return parsed


def _cidr_subnet(args: list[Any], text: str) -> str:
    _arguments(args, text, 3)
    network, prefix, index = _network(args[0]), _integer(args[1]), _integer(args[2])
    if not network.prefixlen <= prefix <= network.max_prefixlen:
        raise EvaluationError(f"/{prefix} does not fit in {network}")
    size = 1 << (network.max_prefixlen - prefix)
    if not 0 <= index < 1 << (prefix - network.prefixlen):
        raise EvaluationError(f"{network} has no subnet /{prefix} number {index}")
    start = network.network_address + index * size
    return f"{start}/{prefix}"


def _cidr_host(args: list[Any], text: str) -> str:
    _arguments(args, text, 2)
    network, index = _network(args[0]), _integer(args[1])
    first, last = _usable(network)
    if index < 0 or first + index > last:
        raise EvaluationError(f"{network} has no usable address number {index}")
    return str(first + index)


CIDR_FUNCTIONS: dict[str, Function] = {
    "parsecidr": _parse_cidr,
    "cidrsubnet": _cidr_subnet,
    "cidrhost": _cidr_host,
}
