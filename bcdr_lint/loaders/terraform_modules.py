"""Terraform ``module`` calls across the folders of one run.

A call whose source is a registry, git, https (any non-local) address, or a local folder that is
not among the checked paths, deploys resources the model cannot hold: it becomes one
``unread-deployment`` resource at the call, so that rules about all clusters hold back.

A call to a local folder that *is* checked needs nothing of its own (that folder's resources are
in the model), but that folder is then a child module: the variables a caller sets get their
values from the call, not from their defaults. Until modules are instantiated with the caller's
values, those variables are unresolved; the ones no caller sets keep their defaults, as in
Terraform.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from bcdr_lint.loaders.terraform_eval import Evaluator, ModuleScope
from bcdr_lint.loaders.terraform_hcl import Argument, Block
from bcdr_lint.loaders.terraform_resources import with_deployed
from bcdr_lint.loaders.terraform_tfvars import Literals
from bcdr_lint.loaders.terraform_types import resource_key
from bcdr_lint.model import Kind, ParseError, Resource, Unresolved

REMOTE = "registry and remote modules are not read offline"
NOT_CHECKED = "the module folder is not among the checked paths"

# Module block arguments that are not inputs of the child module.
_META_ARGUMENTS = frozenset({"source", "version", "count", "for_each", "providers", "depends_on"})


@dataclass(frozen=True)
class ModuleCall:
    caller: str  # folder key of the calling module
    name: str
    block: Block
    source: str
    source_argument: Argument
    target: str | None  # folder key of a local source that is checked, else None

    @property
    def inputs(self) -> list[str]:
        return [name for name in self.block.arguments if name not in _META_ARGUMENTS]


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


def caller_inputs(calls: list[ModuleCall]) -> dict[str, Unresolved]:
    """For a child module folder: each variable some call sets, unresolved, naming the calls."""
    callers: dict[str, list[str]] = {}
    for call in calls:
        where = f"{call.block.location.path}:{call.block.location.start_line}"
        for name in call.inputs:
            callers.setdefault(name, []).append(where)
    return {
        name: Unresolved(f"var.{name}", f"set by the module call{'s' if len(places) > 1 else ''} at "
                                        f"{', '.join(places)}; module instantiation comes later")
        for name, places in callers.items()
    }


def unread_deployment(call: ModuleCall, evaluator: Evaluator, errors: list[ParseError]) -> list[Resource]:
    """The call as a deployment the model does not hold; none for a checked local folder, or a
    call that is statically never made (``count = 0``)."""
    if call.target is not None:
        return []
    instances = evaluator.instances(call.block)
    if instances.error is not None:
        errors.append(instances.error)
    if not instances.exist:
        return []
    resource = Resource(
        kind=Kind.UNREAD_DEPLOYMENT,
        key=resource_key(call.caller, f"module.{call.name}"),
        name=call.name,
        location=call.block.location,
        source_type="module",
        attrs={"source": call.source, "reason": NOT_CHECKED if is_local(call.source) else REMOTE},
        attr_locations={"source": call.source_argument.location},
    )
    return [with_deployed(resource, instances.unknown) if instances.unknown is not None else resource]
