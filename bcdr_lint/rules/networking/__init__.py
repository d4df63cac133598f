"""Rules of area: networking."""
