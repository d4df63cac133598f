"""Nested blocks written with ``dynamic``: expanded where their ``for_each`` is known.

A mixin of the evaluator (``terraform_eval.Evaluator``): it reads the generator's arguments
through ``argument`` like any other.
"""

from __future__ import annotations

from typing import Any

from bcdr_lint.loaders.terraform_hcl import Argument, Block, reference
from bcdr_lint.model import Unresolved


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # the argument is not written in the block


class DynamicBlocks:
    def argument(self, block: Block, name: str) -> Any:
        raise NotImplementedError

    def raw(self, block: Block, name: str) -> Any:
        raise NotImplementedError

    def blocks(self, block: Block, block_type: str) -> tuple[list[Block], list[Unresolved]]:
        """The child blocks of ``block_type``, with ``dynamic`` blocks expanded where their
        ``for_each`` is known; each one that is not comes back as an ``Unresolved``."""
        found = block.children(block_type)
        unknown: list[Unresolved] = []
        for generator in block.dynamic(block_type):
            expanded = self._expand(generator, block_type)
            if isinstance(expanded, Unresolved):
                unknown.append(expanded)
            else:
                found.extend(expanded)
        return found, unknown

    def nested_argument(self, block: Block, block_type: str, name: str) -> tuple[Any, Argument | None]:
        """``name`` in the (single) nested ``block_type`` block, wherever it is written: a plain
        block, or the content of a ``dynamic`` one. When a dynamic block whose for_each is
        unknown may set it, the value is unknown too: (``Unresolved``, the argument in its content).
        ``(MISSING, None)`` when no block sets it."""
        found, _unknown = self.blocks(block, block_type)
        if found:
            first = found[0]
            return self.argument(first, name), first.arguments.get(name)
        for generator in block.dynamic(block_type):
            cause = self._expand(generator, block_type)
            if not isinstance(cause, Unresolved):
                continue
            contents = generator.children("content")
            arg = contents[0].arguments.get(name) if contents else None
            if arg is None and contents:
                continue  # whether or not the block exists, it does not set the argument
            where = arg.location if arg is not None else generator.location
            reason = f'in dynamic "{block_type}": {cause.expression}: {cause.reason}'
            return Unresolved(arg.text if arg is not None else cause.expression, reason, where), arg
        return MISSING, None

    def _expand(self, generator: Block, block_type: str) -> list[Block] | Unresolved:
        """The blocks one ``dynamic`` block generates, or why they cannot be known."""
        contents = generator.children("content")
        # Unlocated: the items may be resource objects (for_each = azurerm_subnet.s), which an
        # argument's value cannot hold.
        items = self.raw(generator, "for_each")
        if isinstance(items, Unresolved):
            items = self.argument(generator, "for_each")  # the same value, at the argument
        if items is MISSING or not contents:
            return Unresolved(f'dynamic "{block_type}"', "dynamic block without for_each or content",
                              generator.location)
        if isinstance(items, dict):
            pairs = list(items.items())
        elif isinstance(items, list):
            pairs = list(enumerate(items))
        else:
            return items if isinstance(items, Unresolved) else Unresolved(
                generator.arguments["for_each"].text, "for_each of a dynamic block is not a list or map",
                generator.arguments["for_each"].location)
        iterator = _iterator_name(generator, block_type)
        return [contents[0].bound({iterator: {"key": key, "value": value}}, block_type) for key, value in pairs]


def _iterator_name(generator: Block, block_type: str) -> str:
    argument = generator.arguments.get("iterator")
    if argument is not None:
        found = reference(argument.expr, argument.file)
        if found is not None and not found[1]:
            return found[0]
    return block_type
