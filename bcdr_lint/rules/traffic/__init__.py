"""Rules of area: global traffic routing (Traffic Manager, Front Door)."""
