"""Terraform ``module`` calls across the folders of one run.

A call to a local folder that is checked instantiates that folder as a child module: its
variables take the values the call passes (evaluated in the caller, with the call's own
``count.index``/``each`` bound), its resources are keyed under the root with the instance's
address (``module.aks["east"].azurerm_kubernetes_cluster.this``), and the caller reads its
outputs (``module.aks.cluster_id``). Such a folder is not a root module of its own.

A call whose source is a registry, git, https (any non-local) address, or a local folder that is
not among the checked paths, deploys resources the model cannot hold: it becomes one
``unread-deployment`` resource at the call, so that rules about all clusters hold back.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from bcdr_lint.loaders.terraform_eval import ModuleScope
from bcdr_lint.loaders.terraform_hcl import Argument, Block
from bcdr_lint.loaders.terraform_resources import with_deployed
from bcdr_lint.loaders.terraform_tfvars import Literals
from bcdr_lint.loaders.terraform_types import resource_key
from bcdr_lint.model import Kind, ParseError, Resource, Unresolved

REMOTE = "registry and remote modules are not read offline"
NOT_CHECKED = "the module folder is not among the checked paths"
NO_SOURCE = "its source is not a literal string"


@dataclass(frozen=True)
class ModuleCall:
    caller: str  # folder key of the calling module
    name: str
    block: Block
    source: str
    source_argument: Argument
    target: str | None  # folder key of a local source that is checked, else None

    @property
    def reason(self) -> str:
        """Why the call's resources are not read, when ``target`` is None."""
        return NOT_CHECKED if is_local(self.source) else REMOTE


def is_local(source: str) -> bool:
    """Terraform reads a source as a local path only when it starts with ./ or ../."""
    return source.startswith(("./", "../", ".\\", "..\\")) or source in (".", "..")


def calls_of(scope: ModuleScope, folders: dict[str, str], errors: list[ParseError]) -> list[ModuleCall]:
    """The module calls ``scope`` declares; ``folders`` maps each checked folder's real path to its key."""
    found = []
    literals = Literals()
    for name, block in scope.modules.items():
        argument = block.arguments.get("source")
        if argument is None:
            errors.append(ParseError(f"module {name!r} has no source", block.location))
            continue
        source = literals.eval(argument.expr, argument.file)
        if not isinstance(source, str):
            errors.append(ParseError(f"module source must be a literal string (got {argument.text})",
                                     argument.location))
            continue
        target = None
        if is_local(source):
            target = folders.get(os.path.realpath(os.path.join(scope.folder, source.replace("\\", "/"))))
        found.append(ModuleCall(scope.folder, name, block, source, argument, target))
    return found


class ModuleTree:
    """The module calls of every folder of a run, and the scopes of the folders they call,
    each parsed once (``parse`` reports its errors) and kept for every instance."""

    def __init__(self, calls: dict[str, list[ModuleCall]], parse: Callable[[str], ModuleScope | None]) -> None:
        self._calls = {folder: {call.name: call for call in found} for folder, found in calls.items()}
        self._parse = parse
        self._scopes: dict[str, ModuleScope | None] = {}

    def call(self, folder: str, name: str) -> ModuleCall | None:
        return self._calls.get(folder, {}).get(name)

    def called(self) -> set[str]:
        """The folders some other folder calls: child modules."""
        return {call.target for found in self._calls.values() for call in found.values()
                if call.target is not None and call.target != call.caller}

    def callees(self, folder: str) -> list[str]:
        return [call.target for call in self._calls.get(folder, {}).values() if call.target is not None]

    def child(self, folder: str, name: str) -> ModuleScope | str:
        call = self.call(folder, name)
        if call is None:
            return NO_SOURCE
        if call.target is None:
            return call.reason
        scope = self.scope(call.target)
        return scope if scope is not None else "the module folder could not be read"

    def scope(self, folder: str) -> ModuleScope | None:
        if folder not in self._scopes:
            self._scopes[folder] = self._parse(folder)
        return self._scopes[folder]

    def parsed(self) -> set[str]:
        return set(self._scopes)


def unread_deployment(call: ModuleCall, key: str, deployed: Unresolved | None, reason: str | None = None) -> Resource:
    """The call as a deployment the model does not hold (``key``: its instance's address;
    ``reason``: why, if not that the source is remote or not checked)."""
    resource = Resource(
        kind=Kind.UNREAD_DEPLOYMENT,
        key=key,
        name=call.name,
        location=call.block.location,
        source_type="module",
        attrs={"source": call.source, "reason": reason or call.reason},
        attr_locations={"source": call.source_argument.location},
    )
    return with_deployed(resource, deployed) if deployed is not None else resource


def unread_key(key_space: str, prefix: str, name: str) -> str:
    return resource_key(key_space, f"{prefix}module.{name}")
