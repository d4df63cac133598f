"""Cross-format equivalence: one topology written as Terraform, ARM, Bicep and a Resource Graph
export gives the same findings (rule id + the resource they are about).

Each scenario under ``fixtures/equivalence/<scenario>/`` holds the same deployment once per
format folder (``terraform``, ``arm``, ``bicep``, ``bicep-params``, ``export``, ...; the part of
the folder name before ``-`` is its format). Every folder is loaded on its own, and every rule's
``check`` runs on the model directly: the engine's merging of one template's findings across its
parameter files is presentation, and would hide a deployment that is read differently.

Findings are compared as a multiset of ``(rule id, subject)``: the same subject twice (two
clusters' pools both named ``system`` in a loader that names them so) is a difference too. Meta
findings are left out — BCDR002 notes say what a format leaves unknown, which legitimately
differs (a Terraform plan computes a public IP's FQDN, an export has it) — but each scenario's
expected findings are written here, so a format that silently yields nothing fails.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest

from bcdr_lint import engine
from bcdr_lint.loaders.discover import discover
from bcdr_lint.model import Model
from bcdr_lint.rules import RULES
from tests.helpers import ROOT

SCENARIOS = ROOT / "fixtures" / "equivalence"
META = frozenset({"BCDR001", "BCDR002", "BCDR003", "BCDR004"})
# The rules about Azure resources, which every IaC format and an export can express.
AZURE_RULES = (
    "BCDR101", "BCDR102", "BCDR103",
    "BCDR201", "BCDR202", "BCDR203", "BCDR204", "BCDR205",
    "BCDR301", "BCDR302",
    "BCDR401", "BCDR402", "BCDR403",
    "BCDR601", "BCDR602",
    "BCDR801", "BCDR802", "BCDR803",
)
MIN_FORMATS = 3


def cluster(name: str) -> str:
    return f"AKS cluster '{name}'"


def pool(cluster_name: str, pool_name: str) -> str:
    # A child resource is named by its Azure name, parent first: `aks-x/system` tells the pools
    # of two clusters apart, as the resource id and an export do.
    return f"node pool '{cluster_name}/{pool_name}'"


EXPECTED: dict[str, Counter] = {
    # Two stamps of one module, the east one never brought up to production grade.
    "two-region-gaps": Counter({
        ("BCDR102", cluster("aks-shop-eastus2")): 1,  # paired with centralus: no cluster there
        ("BCDR102", cluster("aks-shop-westus2")): 1,  # paired with westcentralus: none there
        ("BCDR202", "Traffic Manager profile 'tm-shop'"): 1,  # no endpoint in westus2
        ("BCDR203", "Traffic Manager profile 'tm-shop'"): 1,  # HTTPS monitor without a path
        ("BCDR204", "Traffic Manager profile 'tm-shop'"): 1,  # one endpoint
        ("BCDR301", cluster("aks-shop-eastus2")): 1,  # Basic LB in a peered VNet
        ("BCDR302", cluster("aks-shop-eastus2")): 1,
        ("BCDR401", "container registry 'shopciacr'"): 1,  # Standard
        ("BCDR402", "container registry 'shopprodacr'"): 1,  # replica in centralus, none in westus2
        ("BCDR601", "storage account 'stshopexports'"): 1,  # LRS
        ("BCDR602", "database server 'psql-shop-orders'"): 1,  # no geo-redundant backup
        ("BCDR801", pool("aks-shop-eastus2", "system")): 1,  # no zones
        ("BCDR802", cluster("aks-shop-eastus2")): 1,  # Free tier
        ("BCDR803", pool("aks-shop-eastus2", "system")): 1,  # one node
    }),
    # Healthy stamps in a region pair, and nothing routing users between them.
    "paired-no-router": Counter({
        ("BCDR201", cluster("aks-payments-eastus2")): 1,
    }),
    # One cluster in a region without zones; a replica there; data kept in one region.
    "single-region-data": Counter({
        ("BCDR101", cluster("aks-tailwind-backoffice")): 1,
        ("BCDR403", "registry replica 'tailwindacr/northcentralus'"): 1,
        ("BCDR602", "SQL database 'sql-tailwind-backoffice/reporting'"): 1,  # in no failover group
        ("BCDR602", "Cosmos DB account 'cosmos-tailwind-carts'"): 1,  # one region
        # mysql-tailwind-catalog is not reported: its read replica is in another region.
    }),
    # Front Door balancing two origins without probes; Geographic routing without WORLD.
    "front-door-geo": Counter({
        ("BCDR203", "Front Door origin group 'afd-contoso-media/media-web'"): 1,
        ("BCDR205", "Traffic Manager profile 'tm-contoso-media-api'"): 1,
    }),
    # A replica region typed as "uk-west": not a region, and UK West has no replica.
    "misspelt-region": Counter({
        ("BCDR103", "registry replica 'woodgrovestatementsacr/uk-west'"): 1,
        ("BCDR201", cluster("aks-statements-uksouth")): 1,
        ("BCDR402", "container registry 'woodgrovestatementsacr'"): 1,
    }),
}


def scenario_formats() -> list[tuple[str, str]]:
    return [
        (scenario.name, folder.name)
        for scenario in sorted(SCENARIOS.iterdir()) if scenario.is_dir()
        for folder in sorted(scenario.iterdir()) if folder.is_dir()
    ]


def format_family(folder: str) -> str:
    """``bicep-params`` is Bicep: a second way of writing the scenario in the same format."""
    return folder.split("-", 1)[0]


@cache
def model_of(scenario: str, folder: str) -> Model:
    return engine.load(discover([str(SCENARIOS / scenario / folder)]))


@cache
def findings_of(scenario: str, folder: str) -> Counter:
    model = model_of(scenario, folder)
    found: Counter = Counter()
    for rule in RULES:
        if rule.id in META:
            continue
        for finding in rule.check(model):
            if finding.rule_id not in META:
                found[(finding.rule_id, finding.subject)] += 1
    return found


def only(rule_id: str, findings: Counter) -> Counter:
    return Counter({key: n for key, n in findings.items() if key[0] == rule_id})


def difference(expected: Counter, actual: Counter) -> str:
    missing = sorted((expected - actual).elements())
    extra = sorted((actual - expected).elements())
    return f"missing {missing}, unexpected {extra}"


FORMATS = scenario_formats()


def test_every_scenario_has_expected_findings_and_its_formats():
    assert sorted(EXPECTED) == sorted({scenario for scenario, _ in FORMATS})
    for scenario in EXPECTED:
        families = {format_family(folder) for s, folder in FORMATS if s == scenario}
        assert len(families) >= MIN_FORMATS, (scenario, families)
        assert families <= {"terraform", "arm", "bicep", "export"}, (scenario, families)


@pytest.mark.parametrize(("scenario", "folder"), FORMATS, ids=[f"{s}/{f}" for s, f in FORMATS])
def test_scenario_loads_without_parse_errors(scenario, folder):
    model = model_of(scenario, folder)
    assert [(e.location.path, e.location.start_line, e.message) for e in model.parse_errors] == []
    # An empty model would agree with nothing, but say nothing either.
    assert len(model) > 0


@pytest.mark.parametrize(("scenario", "folder"), FORMATS, ids=[f"{s}/{f}" for s, f in FORMATS])
def test_format_gives_the_expected_findings(scenario, folder):
    expected = EXPECTED[scenario]
    actual = findings_of(scenario, folder)
    assert actual == expected, difference(expected, actual)


@pytest.mark.parametrize("scenario", sorted(EXPECTED))
def test_all_formats_of_a_scenario_agree(scenario):
    groups: dict[tuple, list[str]] = {}
    for s, folder in FORMATS:
        if s == scenario:
            found = findings_of(scenario, folder)
            groups.setdefault(tuple(sorted(found.elements())), []).append(folder)
    # On failure: which formats agree with which, each group's findings beside the others'.
    assert len(groups) == 1, {", ".join(folders): list(found) for found, folders in groups.items()}


@pytest.mark.parametrize("rule_id", AZURE_RULES)
def test_rule_findings_agree_across_formats(rule_id):
    """Each Azure rule fires in some scenario written in at least three formats, and in every
    scenario every format gives exactly the expected findings of that rule (none where none)."""
    covering = [s for s, expected in EXPECTED.items() if only(rule_id, expected)]
    assert covering, f"{rule_id} fires in no equivalence scenario"
    widest = max(len({format_family(f) for s, f in FORMATS if s == scenario}) for scenario in covering)
    assert widest >= MIN_FORMATS, f"{rule_id} is covered in {widest} formats only"
    disagreeing = {}
    for scenario, folder in FORMATS:
        expected = only(rule_id, EXPECTED[scenario])
        actual = only(rule_id, findings_of(scenario, folder))
        if actual != expected:
            disagreeing[f"{scenario}/{folder}"] = difference(expected, actual)
    assert not disagreeing, disagreeing
