"""Node pool helpers BCDR801 and BCDR803 share."""

from __future__ import annotations

from bcdr_lint.model import Resource


def pool_label(pool: Resource) -> str:
    """``node pool 'system'``: ARM names a pool ``cluster/pool``, and messages name the cluster apart."""
    name = pool.get("pool_name")
    return f"node pool '{name if isinstance(name, str) else pool.name}'"
