"""CI/CD pipelines (placeholder until the pipeline loader lands)."""

from __future__ import annotations

from bcdr_lint.loaders.base import LoadResult


def load_file(path: str, options=None) -> LoadResult:
    return LoadResult()
