"""Which resource of a plan an attribute known only after apply refers to, from the plan's
``configuration`` (the expressions as written, with the references each one makes).

A new node pool's ``kubernetes_cluster_id`` is unknown in the plan, but its expression
references ``azurerm_kubernetes_cluster.this.id``: the cluster of the same module instance. Only
references that name one resource instance exactly are followed: ``x.y.id``, ``x.y[0].id``, and
``var.v`` when the module call sets ``v`` that way. Anything else (``azurerm_subnet.s[each.key]``,
whose index the configuration does not record, locals, functions) stays unresolved: Terraform
knows, the plan does not say.
"""

from __future__ import annotations

import re
from typing import Any

from bcdr_lint.loaders.terraform_types import IDENTITIES, resource_key
from bcdr_lint.model import Ref

_KEY = r'\[(?:"(?:[^"\\]|\\.)*"|\d+)\]'
_MODULE_STEP = re.compile(rf"module\.([\w-]+)((?:{_KEY})?)\.")
_RESOURCE_ID = re.compile(rf"^([A-Za-z][\w-]*)\.([\w-]+)((?:{_KEY})?)\.id$")
_VARIABLE = re.compile(r"^var\.([\w-]+)$")
_INDEX = re.compile(rf"{_KEY}$")


class ConfigRefs:
    def __init__(self, plan: dict[str, Any], path: str) -> None:
        self.path = path
        configuration = plan.get("configuration")
        self.root = configuration.get("root_module") if isinstance(configuration, dict) else None
        self._plan = plan
        self._resources: dict[str, dict[str, Any]] | None = None
        self._instances: dict[str, list[str]] = {}  # address without its last key -> instances

    def reference(self, address: str, attribute: tuple[Any, ...]) -> Ref | None:
        """A reference to the resource the (unknown) ``attribute`` of ``address`` is the id of."""
        if not isinstance(self.root, dict):
            return None
        steps, local = _split(address)
        module = self._module(steps)
        config_address = _INDEX.sub("", local)
        resource = next((r for r in _list(module, "resources")
                         if isinstance(r, dict) and r.get("address") == config_address), None)
        expression = _expression(resource.get("expressions") if resource else None, attribute)
        return self._target(expression, steps, 0)

    def _target(self, expression: Any, steps: list[tuple[str, str]], depth: int) -> Ref | None:
        references = expression.get("references") if isinstance(expression, dict) else None
        if not isinstance(references, list) or depth > 32:
            return None
        prefix = "".join(f"module.{name}{key}." for name, key in steps)
        for reference in references:
            if not isinstance(reference, str):
                continue
            found = _RESOURCE_ID.match(reference)
            if found and found.group(1) not in ("data", "module", "var", "local", "each", "count"):
                target = self._instance(prefix + reference[: -len(".id")])
                if target is not None:
                    return self._ref(target, reference)
            variable = _VARIABLE.match(reference)
            if variable and steps:
                # The module call that made this instance sets the variable: follow it there.
                parent = steps[:-1]
                call = _dict(self._module(parent), "module_calls").get(steps[-1][0])
                value = _dict(call, "expressions").get(variable.group(1))
                return self._target(value, parent, depth + 1)
        return None

    def _module(self, steps: list[tuple[str, str]]) -> dict[str, Any]:
        module: Any = self.root
        for name, _key in steps:
            module = _dict(_dict(module, "module_calls").get(name), "module")
        return module if isinstance(module, dict) else {}

    def _instance(self, address: str) -> str | None:
        """``address`` if the plan holds it; else its one instance, if it has exactly one."""
        if address in self._planned():
            return address
        instances = self._instances.get(address, [])
        return instances[0] if len(instances) == 1 else None

    def _ref(self, address: str, text: str) -> Ref:
        resource = self._planned()[address]
        values = resource.get("values") if isinstance(resource.get("values"), dict) else {}
        spec = IDENTITIES.get(resource.get("type", ""))
        names: tuple[str, ...] = ()
        if spec is not None and spec.parent_id_argument is None:
            found = [values.get(argument) for argument in spec.name_arguments]
            names = tuple(found) if all(isinstance(n, str) for n in found) else ()
        group = values.get("resource_group_name")
        return Ref(type=spec.azure_type if spec else None, names=names,
                   resource_group=group if isinstance(group, str) else None,
                   key=resource_key(self.path, address), text=text)

    def _planned(self) -> dict[str, dict[str, Any]]:
        if self._resources is None:
            self._resources = {}
            section = self._plan.get("planned_values") or self._plan.get("values") or {}
            pending = [section.get("root_module")] if isinstance(section, dict) else []
            while pending:
                module = pending.pop()
                for resource in _list(module, "resources"):
                    if isinstance(resource, dict) and resource.get("mode") == "managed":
                        address = str(resource.get("address"))
                        self._resources[address] = resource
                        self._instances.setdefault(_INDEX.sub("", address), []).append(address)
                pending.extend(_list(module, "child_modules"))
        return self._resources


def _split(address: str) -> tuple[list[tuple[str, str]], str]:
    """``module.a["x"].module.b.t.n[0]`` -> ([("a", '["x"]'), ("b", "")], "t.n[0]")."""
    steps: list[tuple[str, str]] = []
    position = 0
    while True:
        found = _MODULE_STEP.match(address, position)
        if found is None:
            return steps, address[position:]
        steps.append((found.group(1), found.group(2)))
        position = found.end()


def _expression(expressions: Any, attribute: tuple[Any, ...]) -> Any:
    """The expression of ``attribute`` (a path through nested blocks: name, index, name...)."""
    value = expressions
    for step in attribute:
        if isinstance(step, int):
            # Written blocks are listed in order; a dynamic block is not in the configuration.
            value = value[step] if isinstance(value, list) and step < len(value) else None
        else:
            value = value.get(step) if isinstance(value, dict) else None
    return value


def _dict(value: Any, key: str) -> dict[str, Any]:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, dict) else {}


def _list(value: Any, key: str) -> list[Any]:
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, list) else []
