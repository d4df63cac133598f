"""Rules of area: data services (storage accounts, databases) outside the cluster."""
