"""Rules of area: state."""
