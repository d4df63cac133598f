"""Rules of area: in-region high availability (BCDR8xx)."""
