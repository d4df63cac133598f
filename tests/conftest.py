import pytest

from tests.helpers import ROOT


@pytest.fixture
def at_root(monkeypatch):
    """Run with the repository root as working directory, so finding paths read `fixtures/...`."""
    monkeypatch.chdir(ROOT)
    return ROOT
