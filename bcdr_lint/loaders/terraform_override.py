"""Terraform override files (``override.tf``, ``*_override.tf``): merged into the blocks they
override, as Terraform does (https://developer.hashicorp.com/terraform/language/files/override).

An override block's arguments replace the original's arguments of the same name; its nested
blocks replace *all* the original's blocks of the same type (a ``dynamic "x"`` block counts as
type ``x``); nested blocks are not merged further. Local values are overridden one by one,
whichever ``locals`` block holds them. Later override files win over earlier ones.
(Terraform merges a ``lifecycle`` block argument by argument; nothing here reads lifecycle, so
it is replaced like any other nested block.)
"""

from __future__ import annotations

import os
from dataclasses import replace

from bcdr_lint.loaders.terraform_hcl import Block


def is_override_file(path: str) -> bool:
    stem = os.path.basename(path)[: -len(".tf")]
    return stem == "override" or stem.endswith("_override")


def split(files: list[str]) -> tuple[list[str], list[str]]:
    """(normal files in the given order, override files in lexical order of their names)."""
    normal = [path for path in files if not is_override_file(path)]
    overrides = sorted((path for path in files if is_override_file(path)), key=lambda p: (os.path.basename(p), p))
    return normal, overrides


def merge(original: Block, override: Block) -> Block:
    """``original`` with ``override`` applied. The result keeps the original's position (the
    block is declared there); each argument keeps its own (its value is written there)."""
    replaced_types = {_nested_type(child) for child in override.blocks}
    kept = [child for child in original.blocks if _nested_type(child) not in replaced_types]
    return replace(
        original,
        arguments={**original.arguments, **override.arguments},
        blocks=kept + list(override.blocks),
        duplicates=[],  # reported for each file as it was read
    )


def _nested_type(block: Block) -> str:
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type
