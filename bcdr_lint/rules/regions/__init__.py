"""Rules of area: regions."""
