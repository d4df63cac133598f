"""azurerm builders for more resource types (being written)."""

from __future__ import annotations

BUILDERS: dict = {}
