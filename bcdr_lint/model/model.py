"""The indexed, read-only model that rules query."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Sequence

from bcdr_lint.model.resource import Kind, ParseError, Resource
from bcdr_lint.model.values import Ref, Unresolved


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
    ) -> None:
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
        for resource in self.resources:
            for ref_name, ref in resource.refs.items():
                if isinstance(ref, Ref):
                    target = self.resolve(ref)
                    if target is not None:
                        self._targets[(resource.key, ref_name)] = target
                        self._referrers[(target.key, ref_name)].append(resource)

    def __len__(self) -> int:
        return len(self.resources)

    def of_kind(self, *kinds: Kind) -> list[Resource]:
        if len(kinds) == 1:
            return list(self._by_kind.get(kinds[0], ()))
        return [r for k in kinds for r in self._by_kind.get(k, ())]

    def by_key(self, key: str) -> Resource | None:
        return self._by_key.get(key)

    def resolve(self, ref: Ref) -> Resource | None:
        """The resource a reference points at, or ``None`` when the model does not hold it
        or holds several that fit equally well (never a guess)."""
        if ref.key is not None:
            found = self._by_key.get(ref.key)
            if found is not None or ref.type is None:
                return found
        if ref.type is None or not ref.names:
            return None
        candidates = self._by_azure_id.get(_azure_id(ref.type, ref.names), [])
        if len(candidates) > 1 and isinstance(ref.resource_group, str):
            wanted = ref.resource_group.lower()
            candidates = [
                c for c in candidates
                if isinstance(c.resource_group, str) and c.resource_group.lower() == wanted
            ]
        return candidates[0] if len(candidates) == 1 else None

    def target(self, resource: Resource, ref_name: str) -> Resource | None:
        """The resource that ``resource.refs[ref_name]`` points at, if the model holds it."""
        return self._targets.get((resource.key, ref_name))

    def referrers(self, resource: Resource, ref_name: str) -> list[Resource]:
        """Resources whose ``refs[ref_name]`` points at ``resource`` (e.g. a cluster's pools)."""
        return list(self._referrers.get((resource.key, ref_name), ()))

    def ref_value(self, resource: Resource, ref_name: str) -> Ref | Unresolved | None:
        return resource.refs.get(ref_name)


def _azure_id(azure_type: str, names: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    return azure_type.lower(), tuple(n.lower() for n in names)
