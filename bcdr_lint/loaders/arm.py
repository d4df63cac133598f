"""JSON files: the loader the engine calls for every ``.json`` file.

What a JSON file is depends on its content, not its name: an ARM template (``az group export``
output is one), a deployment parameter file (``arm_parameter_files``: nothing to load by itself),
a Terraform plan or state (``terraform_plan``), a subscription export (``az graph query``,
``az resource list``: ``exports``); any other JSON (package.json, tsconfig) yields nothing.

A template is loaded once per deployment: once with its defaults, or once per parameter file
that deploys it (``pairing``), each resource then carrying that file as its ``deployment`` and
``@<parameter file>`` in its key. A template that is not among the checked files is loaded by the
first checked parameter file that deploys it, with those parameter files only. A child written
both inline and as a resource of its own (``az group export`` output) is one resource. A
template's resources are walked with their positions; expressions are evaluated against the
template's parameters and variables (``arm_eval``); the resource types bcdr-lint models are
built by ``arm_resources``, every other type yields nothing.
Which instances of a resource are deployed (``condition``, ``copy``) is decided by ``arm_copy``:
a copy loop of known count is one resource per index (``…/name[0]``, ``…/name[1]``: all at the
declaration, the index bound for everything in it, nested deployments and children included);
statically not deployed means left out, unknown means kept with a ``deployed`` value that what is
nested in it shares. A deployment of a linked template (``templateLink``) is an unread deployment (``arm_links``).
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import Any, Iterable, Iterator

from bcdr_lint.loaders import arm_parameter_files
from bcdr_lint.loaders.arm_copy import Item, instances
from bcdr_lint.loaders.arm_eval import Scope, located, supplied_parameters
from bcdr_lint.loaders.arm_links import DEPLOYMENT, linked_deployment
from bcdr_lint.loaders.arm_resources import BUILDERS, Decl, Parent
from bcdr_lint.loaders.base import LineIndex, LoadResult, UnreadableFile, read_text
from bcdr_lint.loaders.jsonpos import JArray, JNode, JObject, JScalar, parse_jsonc, scan
from bcdr_lint.loaders.pairing import ParameterLinks, ParameterSet, deployment_of, parameter_sets
from bcdr_lint.model import Location, ParseError, Resource, Unresolved
from bcdr_lint.options import RunOptions

_TERRAFORM_PLAN = "bcdr_lint.loaders.terraform_plan"


def load_file(path: str, options: RunOptions | None = None) -> LoadResult:
    try:
        text = read_text(path)
    except UnreadableFile as exc:
        return LoadResult(errors=[exc.error])
    if not text.strip():
        return LoadResult()  # an empty placeholder file declares nothing
    parsed = parse_jsonc(path, text)
    if isinstance(parsed, ParseError):
        return LoadResult(errors=[parsed])
    data, text = parsed
    if is_template(data):
        return load_template(path, text, options)
    deploys = _unchecked_template(path, options)
    if arm_parameter_files.is_parameter_file(data):
        root, locate = _located(path, text)
        deploys.extend(arm_parameter_files.load_parameter_file(path, data, root, locate))
        return deploys
    if deploys.resources or deploys.errors:
        return deploys
    plan = _terraform_plan()
    if plan is not None and plan.is_plan(data):
        return plan.load_plan(path, data, text, options)
    from bcdr_lint.loaders import exports  # it builds rows with this module's helpers

    if exports.is_export(data):
        return exports.load_export(path, data, text)
    return LoadResult()


def load_template(path: str, text: str, options: RunOptions | None = None,
                  deployments: list[ParameterSet] | None = None) -> LoadResult:
    """The resources of the template ``text`` (valid JSON), once per deployment: per parameter
    file that deploys it, or per one of ``deployments`` when given."""
    root, locate = _located(path, text)
    if deployments is None:
        deployments = parameter_sets(path, options)
    if not deployments:
        scope = Scope.of_template(root, path, locate)
        walker = _Walker(scope)
        resources = _one_per_azure_resource(walker.template(root, scope, f"arm:{path}:", None, None))
        return LoadResult(resources=resources, errors=walker.errors)
    declared = _declared_parameters(root).values()
    result = LoadResult()
    for deployment in deployments:
        scope = Scope.of_template(root, path, locate, deployment.supplied(declared))
        walker = _Walker(scope)
        # `@<parameter file>` once in every key (``Resource.base_key`` takes it out again).
        walked = walker.template(root, scope, f"arm:{path}@{deployment.path}:", None, None)
        for resource in _one_per_azure_resource(walked):
            result.resources.append(dataclasses.replace(resource, deployment=deployment.location))
        result.errors.extend((*walker.errors, *deployment.errors))
    # A broken expression in the template is one error, however many deployments met it.
    result.errors = list(dict.fromkeys(result.errors))
    return result


def _one_per_azure_resource(resources: Iterable[Resource]) -> list[Resource]:
    """One resource per Azure resource of a deployment: a child written inline and again as a
    resource of its own (every ``az group export`` does so for pools, subnets and peerings) is
    the later declaration, the one ARM applies last."""
    found: dict[tuple, int] = {}
    kept: list[Resource | None] = []
    for resource in resources:
        group = resource.resource_group
        names = resource.azure_names
        # A resource of unknown existence (a copy loop's stand-in) may be several or none: left alone.
        if resource.azure_type and names and (group is None or isinstance(group, str)) and "deployed" not in resource.attrs:
            identity = (resource.azure_type, tuple(n.lower() for n in names), (group or "").lower())
            earlier = found.get(identity)
            if earlier is not None:
                kept[earlier] = None
            found[identity] = len(kept)
        kept.append(resource)
    return [r for r in kept if r is not None]


def _unchecked_template(path: str, options: RunOptions | None) -> LoadResult:
    """A checked parameter file whose template is not among the checked files deploys it all the
    same (``bcdr-lint check prod.parameters.json``): the first such file of a template loads it,
    deployed with each of them."""
    links = options.parameter_links if options is not None else None
    found = links.unchecked_template(path) if isinstance(links, ParameterLinks) else None
    if found is None:
        return LoadResult()
    template, params = found
    try:
        text = read_text(template)
    except UnreadableFile as exc:
        return LoadResult(errors=[exc.error])
    parsed = parse_jsonc(template, text)
    if isinstance(parsed, ParseError):
        return LoadResult(errors=[parsed])
    data, text = parsed
    if not is_template(data):
        return LoadResult()
    return load_template(template, text, options, [deployment_of(p) for p in params])


def _located(path: str, text: str) -> tuple[JObject, Any]:
    root = scan(text)
    assert isinstance(root, JObject)
    lines = LineIndex(text)

    def locate(start: int, end: int) -> Location:
        return lines.location(path, start, end)

    return root, locate


def _terraform_plan() -> Any:
    """The Terraform plan/state loader, when this version has it."""
    try:
        terraform_plan = importlib.import_module(_TERRAFORM_PLAN)
    except ModuleNotFoundError as exc:
        if exc.name == _TERRAFORM_PLAN:
            return None
        raise
    return terraform_plan if hasattr(terraform_plan, "is_plan") and hasattr(terraform_plan, "load_plan") else None


def _declared_parameters(template: JObject) -> dict[str, str]:
    """Lower-case name -> name as written, of the parameters the template declares."""
    params = template.get("parameters")
    return {key: member.key for key, member in params.members.items()} if isinstance(params, JObject) else {}


def _get(data: dict[str, Any], key: str) -> Any:
    if key in data:
        return data[key]
    lowered = key.lower()
    return next((v for k, v in data.items() if k.lower() == lowered), None)


def is_template(data: Any) -> bool:
    """A deployment template (by ``$schema``, or by resources that have type and apiVersion)."""
    if not isinstance(data, dict):
        return False
    schema = _get(data, "$schema")
    if isinstance(schema, str):
        lowered = schema.lower()
        if "deploymentparameters" in lowered:
            return False
        if "deploymenttemplate" in lowered:
            return True
    resources = _get(data, "resources")
    if isinstance(resources, dict):
        resources = list(resources.values())
    return (
        isinstance(resources, list)
        and bool(resources)
        and all(isinstance(r, dict) and "type" in r and "apiVersion" in r for r in resources)
    )


class _Walker:
    """Walks one file's templates and collects the problems found on the way."""

    def __init__(self, root_scope: Scope) -> None:
        self._problems: list[ParseError] = []
        self._scopes: list[Scope] = [root_scope]

    @property
    def errors(self) -> list[ParseError]:
        # Every instance of a copy loop meets the same broken expression: one error.
        return list(dict.fromkeys([*self._problems, *(error for scope in self._scopes for error in scope.errors)]))

    def template(self, template: JObject, scope: Scope, prefix: str, group: str | Unresolved | None,
                 deployed: Unresolved | None) -> Iterator[Resource]:
        resources = template.get("resources")
        items: list[JNode]
        if isinstance(resources, JArray):
            items = resources.items
        elif isinstance(resources, JObject):  # languageVersion 2.0: keyed by symbolic name
            items = [m.node for m in resources.members.values()]
        else:
            return
        for item in items:
            if isinstance(item, JObject):
                yield from self.resource(item, scope, prefix, group, None, deployed)

    def resource(self, node: JObject, scope: Scope, prefix: str, group: str | Unresolved | None,
                 parent: Parent | None, inherited: Unresolved | None) -> Iterator[Resource]:
        """One declaration and what is nested in it. ``inherited`` is the unknown condition or
        copy count of a resource this one is declared in: if that one is not deployed, neither
        is this (the outer cause is kept when both are unknown)."""
        if _get(node.value, "existing") is True:
            return  # a reference to a resource deployed elsewhere, not a declaration
        written_type = _get(node.value, "type")
        written_name = _get(node.value, "name")
        if not isinstance(written_type, str) or not isinstance(written_name, str):
            self._problems.append(ParseError(
                "ARM resource without a string 'type' and 'name'", scope.locate(node.start, node.end)
            ))
            return
        relative = parent is not None and "/" not in written_type
        full_type = f"{parent.source_type}/{written_type}" if relative and parent else written_type
        azure_type = full_type.lower()
        builder = BUILDERS.get(azure_type)
        children = node.get("resources")
        for instance in instances(node, scope):
            bound = instance.scope
            deployed = inherited or instance.deployed
            name = self._name(node, bound)
            names = _names(name, parent.names if relative and parent else ())
            decl = Decl(node, full_type, f"{prefix}{written_type}/{written_name}{instance.suffix}",
                        _full_name(name, names), names, parent, group, bound, deployed)
            if builder is not None:
                yield from builder(decl, inline_child)
            if azure_type == DEPLOYMENT:
                yield from self.deployment(decl)
            if isinstance(children, JArray):
                me = Parent(decl.key, azure_type, full_type, names)
                for child in children.items:
                    if isinstance(child, JObject):
                        yield from self.resource(child, bound, decl.key + "/", group, me, deployed)

    def _name(self, node: JObject, scope: Scope) -> str | Unresolved:
        member = node.member("name")
        assert member is not None
        value = located(scope, member, scope.value(member.node))
        if isinstance(value, (str, Unresolved)):
            return value
        return Unresolved(str(value), "a resource name must be a string", scope.locate(member.start, member.end))

    def deployment(self, decl: Decl) -> Iterator[Resource]:
        """A nested deployment's inline template; a ``templateLink`` is not followed (yet), so
        it becomes an unread deployment."""
        props = decl.node.get("properties")
        if not isinstance(props, JObject):
            return
        outer = decl.scope
        group = decl.resource_group
        group_member = decl.node.member("resourceGroup")
        if group_member is not None:
            group = located(outer, group_member, outer.value(group_member.node))
        link = props.member("templateLink")
        if link is not None:
            yield linked_deployment(decl, link, group)
            return
        template = props.get("template")
        if not isinstance(template, JObject):
            return
        options = props.get("expressionEvaluationOptions")
        inner_scope = isinstance(options, JObject) and str(options.value.get("scope", "")).lower() == "inner"
        if inner_scope:
            # Values handed to an inner-scope template are evaluated where they are written.
            supplied = supplied_parameters(outer.value(props.get("parameters")))
            scope = Scope.of_template(template, outer.path, outer.locate, supplied, outer.budget)
            self._scopes.append(scope)
        else:
            # ARM's default (outer) scope: the nested template sees the parent's parameters.
            scope = outer
        yield from self.template(template, scope, decl.key + "/", group, decl.deployed)


def _names(name: str | Unresolved, parent_names: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if isinstance(name, Unresolved) or parent_names is None:
        return None
    own = tuple(part for part in name.split("/") if part)
    return (*parent_names, *own) if own else None


def _full_name(name: str | Unresolved, names: tuple[str, ...] | None) -> str | Unresolved:
    return "/".join(names) if names else name


def inline_child(item: Item, owner: Decl, parent: Parent, segment: str) -> Decl:
    """A child declared inside its parent's properties (``agentPoolProfiles``, ``subnets``),
    written there or made by a property copy loop."""
    node, scope = item.node, item.scope
    member = node.member("name")
    written = member.node.value if member is not None and isinstance(member.node, JScalar) else None
    if member is None:
        name: str | Unresolved = Unresolved("(no name)", f"an inline {segment} entry has no name", scope.locate(node.start, node.end))
    else:
        value = located(scope, member, scope.value(member.node))
        name = value if isinstance(value, (str, Unresolved)) else Unresolved(str(value), "a name must be a string")
    names = _names(name, parent.names)
    label = item.key or (written if isinstance(written, str) else "?")
    key = f"{owner.key}/{segment}/{label}"
    source_type = f"{owner.source_type}/{segment}"
    return Decl(node, source_type, key, _full_name(name, names), names, parent, owner.resource_group, scope,
                owner.deployed or item.deployed)
