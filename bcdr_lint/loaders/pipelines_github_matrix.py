"""A GitHub Actions job's ``strategy.matrix`` -> its combinations, as GitHub forms them.

Keys multiply, ``exclude`` removes the combinations it matches, ``include`` extends the
combinations whose original values it does not change (or adds one of its own). GitHub runs at
most 256 jobs from one matrix: a larger matrix fails when the workflow runs, and is not expanded
here either (a matrix of four keys of thirty values each would be 810,000 combinations).
"""

from __future__ import annotations

from itertools import product
from typing import Any

from bcdr_lint.loaders.pipelines_text import Resolver, whole_value
from bcdr_lint.model import Unresolved

MAX_JOBS = 256  # https://docs.github.com/actions/using-jobs/using-a-matrix-for-your-jobs
_MAX_EXAMINED = 100_000  # combinations looked at while excludes remove them, before giving up


def matrix_entries(matrix: Any, resolver: Resolver) -> tuple[list[Any], str | None]:
    """The combinations of a job's matrix, and a problem to report (a matrix beyond GitHub's
    limit). An ``Unresolved`` entry stands for combinations computed when the workflow runs."""
    if isinstance(matrix, str):
        value = whole_value(matrix, resolver)
        if not isinstance(value, dict):
            text = resolver.placeholders.restore(matrix)
            if isinstance(value, Unresolved):
                return [value], None
            return [Unresolved(text, "the matrix is computed when the workflow runs")], None
        matrix = value
    if not isinstance(matrix, dict):
        return [None], None
    keys = [k for k in matrix if k not in ("include", "exclude")]
    values = [_matrix_values(matrix[key], resolver) for key in keys]
    exclude = [r for r in matrix.get("exclude") or () if isinstance(r, dict)] \
        if isinstance(matrix.get("exclude"), list) else []
    combos: list[Any] = []
    examined = 0
    for picked in product(*values):
        examined += 1
        combo = dict(zip(keys, picked))
        if not any(all(_same(combo.get(k), v) for k, v in rule.items()) for rule in exclude):
            combos.append(combo)
        if len(combos) > MAX_JOBS or examined > _MAX_EXAMINED:
            return _too_large(values, bool(exclude))
    include = matrix.get("include")
    if isinstance(include, str):
        combos.append(Unresolved(include, "matrix entries are computed when the workflow runs"))
        include = None
    # An include entry extends the combinations whose original values it does not change;
    # one that fits none (or a matrix of include entries only) is a combination of its own.
    originals = [c for c in combos if isinstance(c, dict)] if keys else []
    added: list[Any] = []
    for extra in include if isinstance(include, list) else ():
        if not isinstance(extra, dict):
            continue
        extra = {k: whole_value(v, resolver) if isinstance(v, str) else v for k, v in extra.items()}
        fits = [c for c in originals if all(k not in keys or _same(c.get(k), v) for k, v in extra.items())]
        for combo in fits:
            combo.update(extra)
        if not fits:
            added.append(dict(extra))
    if not keys and isinstance(include, list):
        combos = [c for c in combos if c]  # the empty base combination only exists with matrix keys
    if len(combos) + len(added) > MAX_JOBS:
        return _too_large(values, True)
    return [*combos, *added] or [None], None


def _too_large(values: list[list[Any]], inexact: bool) -> tuple[list[Any], str]:
    count = 1
    for listed in values:
        count *= len(listed)
    size = f"more than {MAX_JOBS}" if inexact else str(count)
    problem = f"the matrix has {size} combinations; GitHub runs at most {MAX_JOBS} jobs from one matrix"
    return [Unresolved("matrix", problem)], problem


def _matrix_values(value: Any, resolver: Resolver) -> list[Any]:
    if isinstance(value, str):
        value = whole_value(value, resolver)
    if isinstance(value, list):
        return [whole_value(v, resolver) if isinstance(v, str) else v for v in value]
    if isinstance(value, Unresolved):
        return [value]
    return [Unresolved(str(value), "a matrix value that is not a list")]


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    return left == right and type(left) is type(right)
