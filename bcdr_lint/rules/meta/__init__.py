"""Rules of area: meta."""
