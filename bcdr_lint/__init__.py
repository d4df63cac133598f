"""bcdr-lint: static business-continuity and disaster-recovery checks for AKS infrastructure."""

__version__ = "0.1.0"
