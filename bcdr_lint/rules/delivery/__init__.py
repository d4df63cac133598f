"""Rules of area: delivery (CI/CD pipelines)."""
