"""Bicep text for the benchmark generator: values, declarations and the filler resources that
make up most of a real template's bulk.

``Raw`` marks an expression written as is (``region``, ``vnet.id``); every other ``str`` is a
quoted Bicep string. Objects and arrays are written one member per line, as ``bicep format``
does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Raw:
    """A Bicep expression, written without quotes."""

    text: str


def value(item: Any, indent: str = "") -> str:
    """``item`` as Bicep: dicts and lists over several lines, ``Raw`` as written."""
    inner = indent + "  "
    if isinstance(item, Raw):
        return item.text
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, str):
        return "'" + item.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(item, dict):
        if not item:
            return "{}"
        lines = [f"{inner}{key}: {value(member, inner)}" for key, member in item.items()]
        return "{\n" + "\n".join(lines) + f"\n{indent}}}"
    if isinstance(item, list):
        if not item:
            return "[]"
        if all(isinstance(member, (str, int)) and not isinstance(member, bool) for member in item) and len(item) <= 4:
            return "[ " + ", ".join(value(member) for member in item) + " ]"
        return "[\n" + "\n".join(f"{inner}{value(member, inner)}" for member in item) + f"\n{indent}]"
    raise TypeError(f"no Bicep for {type(item).__name__}")


def param(name: str, kind: str, default: Any = None, description: str = "", decorators: tuple[str, ...] = ()) -> str:
    lines = [f"@description({value(description)})"] if description else []
    lines += list(decorators)
    tail = f" = {value(default)}" if default is not None else ""
    return "\n".join([*lines, f"param {name} {kind}{tail}"])


def var(name: str, item: Any) -> str:
    return f"var {name} = {value(item)}"


def resource(symbol: str, type_version: str, body: dict[str, Any], *, loop: str = "", condition: str = "",
             comment: str = "") -> str:
    """``loop``: ``region in regions`` for a resource per element; ``condition``: ``if (...)``."""
    head = f"// {comment}\n" if comment else ""
    text = value(body, "  " if loop else "")
    if loop:
        text = f"[for {loop}: {text}]"
    elif condition:
        text = f"if ({condition}) {text}"
    return f"{head}resource {symbol} '{type_version}' = {text}"


def module(symbol: str, path: str, body: dict[str, Any], *, loop: str = "") -> str:
    text = value(body, "  " if loop else "")
    return f"module {symbol} '{path}' = " + (f"[for {loop}: {text}]" if loop else text)


def output(name: str, kind: str, expression: str) -> str:
    return f"output {name} {kind} = {expression}"


def filler(rng: random.Random, index: int, prefix: Raw) -> str:
    """A resource the rules do not look at: network security groups, workspaces, alerts."""
    choice = index % 3
    if choice == 0:
        ports = rng.sample((22, 80, 443, 1433, 5432, 6379, 8080, 9090), rng.randint(1, 4))
        rules = [{"name": f"allow-{port}", "properties": {
            "priority": 100 + n * 10, "direction": "Inbound", "access": "Allow", "protocol": "Tcp",
            "sourcePortRange": "*", "destinationPortRange": str(port), "sourceAddressPrefix": "VirtualNetwork",
            "destinationAddressPrefix": "*"}} for n, port in enumerate(ports)]
        return resource(f"nsg{index}", "Microsoft.Network/networkSecurityGroups@2023-11-01", {
            "name": Raw(f"'nsg-${{{prefix.text}}}-{index}'"), "location": Raw("location"), "tags": Raw("tags"),
            "properties": {"securityRules": rules}})
    if choice == 1:
        return resource(f"logs{index}", "Microsoft.OperationalInsights/workspaces@2023-09-01", {
            "name": Raw(f"'log-${{{prefix.text}}}-{index}'"), "location": Raw("location"), "tags": Raw("tags"),
            "properties": {"sku": {"name": "PerGB2018"}, "retentionInDays": rng.choice((30, 90, 365)),
                           "features": {"enableLogAccessUsingOnlyResourcePermissions": True}}})
    return resource(f"alerts{index}", "Microsoft.Insights/actionGroups@2023-01-01", {
        "name": Raw(f"'ag-${{{prefix.text}}}-{index}'"), "location": "global", "tags": Raw("tags"),
        "properties": {"groupShortName": f"ops{index}", "enabled": True,
                       "emailReceivers": [{"name": "oncall", "emailAddress": "oncall@contoso.com",
                                           "useCommonAlertSchema": True}]}})


def pad(rng: random.Random, parts: list[str], target_lines: int, prefix: Raw) -> str:
    """The declarations ``parts`` as a file, with filler resources until ``target_lines``."""
    index = 0
    while sum(part.count("\n") + 2 for part in parts) < target_lines:
        parts.append(filler(rng, index, prefix))
        index += 1
    return "\n\n".join(parts) + "\n"
