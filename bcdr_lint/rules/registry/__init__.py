"""Rules of area: registry."""
