"""The indexed, read-only model that rules query."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Sequence

from bcdr_lint.model.resource import Kind, ParseError, Resource
from bcdr_lint.model.values import Ref


class Model:
    """All resources of one run, indexed once.

    References are resolved when the model is built, so rules follow them in constant time:
    ``target(resource, "subnet")`` and, the other way, ``referrers(resource, "cluster")``.
    """

    def __init__(
        self,
        resources: Iterable[Resource],
        parse_errors: Sequence[ParseError] = (),
        files: Sequence[str] = (),
        options: Any = None,
    ) -> None:
        # The run's options (a bcdr_lint.options.RunOptions, or None): rule settings from the
        # configuration, such as extra database images. Typed loosely: the model imports nothing of ours.
        self.options = options
        self.resources: tuple[Resource, ...] = tuple(resources)
        self.parse_errors: tuple[ParseError, ...] = tuple(parse_errors)
        self.files: tuple[str, ...] = tuple(files)
        self._by_kind: dict[Kind, list[Resource]] = defaultdict(list)
        self._by_key: dict[str, Resource] = {}
        self._by_azure_id: dict[tuple[str, tuple[str, ...]], list[Resource]] = defaultdict(list)
        for resource in self.resources:
            self._by_kind[resource.kind].append(resource)
            self._by_key.setdefault(resource.key, resource)
            if resource.azure_type and resource.azure_names and all(
                isinstance(n, str) for n in resource.azure_names
            ):
                self._by_azure_id[_azure_id(resource.azure_type, resource.azure_names)].append(resource)
        self._targets: dict[tuple[str, str], Resource] = {}
        self._referrers: dict[tuple[str, str], list[Resource]] = defaultdict(list)
        self._ambiguous: dict[tuple[str, str], list[Resource]] = {}
        for resource in self.resources:
            for ref_name, ref in resource.refs.items():
                if not isinstance(ref, Ref):
                    continue
                candidates = self.candidates(ref, near=resource)
                if len(candidates) == 1:
                    self._targets[(resource.key, ref_name)] = candidates[0]
                    self._referrers[(candidates[0].key, ref_name)].append(resource)
                elif candidates:
                    self._ambiguous[(resource.key, ref_name)] = candidates

    def __len__(self) -> int:
        return len(self.resources)

    def of_kind(self, *kinds: Kind) -> list[Resource]:
        if len(kinds) == 1:
            return list(self._by_kind.get(kinds[0], ()))
        return [r for k in kinds for r in self._by_kind.get(k, ())]

    def by_key(self, key: str) -> Resource | None:
        return self._by_key.get(key)

    def resolve(self, ref: Ref, near: Resource | None = None) -> Resource | None:
        """The resource a reference points at, or ``None`` when the model does not hold it
        or holds several that fit equally well (never a guess)."""
        candidates = self.candidates(ref, near)
        return candidates[0] if len(candidates) == 1 else None

    def candidates(self, ref: Ref, near: Resource | None = None) -> list[Resource]:
        """The resources a reference may mean, narrowed as far as the facts allow.

        By key, the one resource. By Azure identity: every resource of that type and name,
        narrowed by resource group when the reference names one, then — when ``near`` (the
        referring resource) is given — to those of the same deployment of its file (one parameter
        file), then the same file, then the same folder:
        the same template copied into ``dev/`` and ``prod/`` declares two registries of one name,
        and each replica belongs to the registry beside it.
        """
        if ref.key is not None:
            found = self._by_key.get(ref.key)
            if found is not None or ref.type is None:
                return [found] if found is not None else []
        if ref.type is None or not ref.names:
            return []
        candidates = self._by_azure_id.get(_azure_id(ref.type, ref.names), [])
        if len(candidates) > 1 and isinstance(ref.resource_group, str):
            wanted = ref.resource_group.lower()
            candidates = [
                c for c in candidates
                if isinstance(c.resource_group, str) and c.resource_group.lower() == wanted
            ]
        if len(candidates) > 1 and near is not None:
            for same_place in (_same_deployment, _same_file, _same_folder):
                narrowed = [c for c in candidates if same_place(c, near)]
                if narrowed:
                    candidates = narrowed
                    if len(candidates) == 1:
                        break
        return list(candidates)

    def ambiguous(self, resource: Resource, ref_name: str) -> list[Resource]:
        """The resources ``resource.refs[ref_name]`` could mean when it fits several (else [])."""
        return list(self._ambiguous.get((resource.key, ref_name), ()))

    def target(self, resource: Resource, ref_name: str) -> Resource | None:
        """The resource that ``resource.refs[ref_name]`` points at, if the model holds it."""
        return self._targets.get((resource.key, ref_name))

    def referrers(self, resource: Resource, ref_name: str) -> list[Resource]:
        """Resources whose ``refs[ref_name]`` points at ``resource`` (e.g. a cluster's pools)."""
        return list(self._referrers.get((resource.key, ref_name), ()))



def _same_deployment(a: Resource, b: Resource) -> bool:
    # A template deployed with several parameter files declares its registry once per file.
    return a.deployment is not None and a.deployment == b.deployment and _same_file(a, b)


def _same_file(a: Resource, b: Resource) -> bool:
    return a.location.path == b.location.path


def _same_folder(a: Resource, b: Resource) -> bool:
    return a.location.path.rpartition("/")[0] == b.location.path.rpartition("/")[0]


def _azure_id(azure_type: str, names: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    return azure_type.lower(), tuple(n.lower() for n in names)
