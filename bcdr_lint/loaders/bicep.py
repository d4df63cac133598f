"""Bicep (placeholder until the Bicep loader lands)."""

from __future__ import annotations

from bcdr_lint.loaders.base import LoadResult


def load_files(paths: list[str], options=None) -> LoadResult:
    return LoadResult()
