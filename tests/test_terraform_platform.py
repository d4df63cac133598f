"""A platform repository as teams write one (azurerm 4.x): ``live/prod`` stamps one network and
one AKS module instance per region of a tfvars map of objects with ``optional()`` defaults,
feeds the network module's subnet ids into the AKS module, and replicates one registry to the
other regions; ``live/dr`` calls the same AKS module once, a module outside the checked paths,
a registry module and a git module. ``moved``/``import``/``check`` blocks, a ``cloud`` block,
provider aliases, ``providers = {}`` and ``depends_on`` are there as in real code."""

from __future__ import annotations

from bcdr_lint.engine import load
from bcdr_lint.loaders.discover import discover
from bcdr_lint.model import Kind
from tests.helpers import findings_for

ROOT = "tests/inputs/terraform_platform"
LIVE, MODULES = f"{ROOT}/live", f"{ROOT}/modules"


def addresses(model, kind: Kind) -> list[str]:
    return sorted(r.key.split(":", 2)[2] for r in model.of_kind(kind))


def test_each_root_gets_its_own_module_instances_and_no_module_is_checked_alone(at_root):
    model = load(discover([LIVE, MODULES, f"{MODULES}/aks"]))
    assert model.parse_errors == ()
    assert sorted(r.key for r in model.of_kind(Kind.AKS_CLUSTER)) == [
        f"tf:{LIVE}/dr:module.aks.azurerm_kubernetes_cluster.this",
        f'tf:{LIVE}/prod:module.aks["cus"].azurerm_kubernetes_cluster.this',
        f'tf:{LIVE}/prod:module.aks["eus2"].azurerm_kubernetes_cluster.this',
    ]
    clusters = {r.name: (r.region, r.get("sku_tier")) for r in model.of_kind(Kind.AKS_CLUSTER)}
    # eus2 leaves sku_tier out of terraform.tfvars: the optional() default "Standard".
    assert clusters == {"aks-shop-dr": ("westus3", "standard"), "aks-shop-prod-cus": ("centralus", "free"),
                        "aks-shop-prod-eus2": ("eastus2", "standard")}
    # Pools of the tfvars map (cus has none: the default {} is no pool that "may exist").
    assert addresses(model, Kind.NODE_POOL) == [
        "module.aks.azurerm_kubernetes_cluster.this/default_node_pool",
        'module.aks["cus"].azurerm_kubernetes_cluster.this/default_node_pool',
        'module.aks["eus2"].azurerm_kubernetes_cluster.this/default_node_pool',
        'module.aks["eus2"].azurerm_kubernetes_cluster_node_pool.this["apps"]',
        'module.aks["eus2"].azurerm_kubernetes_cluster_node_pool.this["batch"]',
    ]
    pools = {r.key.split(":", 2)[2]: (r.get("min_count"), r.get("zones"), r.get("mode"))
             for r in model.of_kind(Kind.NODE_POOL) if "node_pool.this[" in r.key}
    assert pools == {'module.aks["eus2"].azurerm_kubernetes_cluster_node_pool.this["apps"]': (3, ["1", "2", "3"], "user"),
                     'module.aks["eus2"].azurerm_kubernetes_cluster_node_pool.this["batch"]': (0, ["1", "2", "3"], "user")}


def test_module_outputs_feed_the_next_module_down_to_the_subnet_and_vnet_instance(at_root):
    model = load(discover([LIVE, MODULES]))
    chains = {}
    for pool in model.of_kind(Kind.NODE_POOL):
        subnet = model.target(pool, "subnet")
        vnet = model.target(subnet, "vnet") if subnet is not None else None
        chains[pool.key.split(":", 2)[2]] = (subnet.key.split(":", 2)[2] if subnet else None,
                                              vnet.region if vnet else None, model.target(pool, "cluster").name)
    assert chains == {
        "module.aks.azurerm_kubernetes_cluster.this/default_node_pool": (None, None, "aks-shop-dr"),
        'module.aks["cus"].azurerm_kubernetes_cluster.this/default_node_pool':
            ('module.network["cus"].azurerm_subnet.this["aks"]', "centralus", "aks-shop-prod-cus"),
        'module.aks["eus2"].azurerm_kubernetes_cluster.this/default_node_pool':
            ('module.network["eus2"].azurerm_subnet.this["aks"]', "eastus2", "aks-shop-prod-eus2"),
        'module.aks["eus2"].azurerm_kubernetes_cluster_node_pool.this["apps"]':
            ('module.network["eus2"].azurerm_subnet.this["aks"]', "eastus2", "aks-shop-prod-eus2"),
        'module.aks["eus2"].azurerm_kubernetes_cluster_node_pool.this["batch"]':
            ('module.network["eus2"].azurerm_subnet.this["aks"]', "eastus2", "aks-shop-prod-eus2"),
    }
    # The replica list is built with [for k, v in var.regions : v.location if k != var.primary_region].
    (replica,) = model.of_kind(Kind.REGISTRY_REPLICA)
    assert (replica.region, model.target(replica, "registry").name) == ("centralus", "acrshopprod")


def test_the_findings_are_the_real_gaps_and_what_is_not_read(at_root):
    assert findings_for([LIVE, MODULES]) == [
        ("BCDR002", f"{LIVE}/dr/main.tf", 10),  # ../../shared/naming: not among the checked paths
        ("BCDR002", f"{LIVE}/dr/main.tf", 15),  # registry module
        ("BCDR002", f"{LIVE}/dr/main.tf", 21),  # git module
        ("BCDR402", f"{MODULES}/acr/main.tf", 9),  # no replica in westus3, where the DR cluster runs
        ("BCDR802", f"{MODULES}/aks/main.tf", 29),  # cus: sku_tier = "Free"
    ]


def test_checking_the_shared_folder_too_reads_that_module(at_root):
    assert findings_for([ROOT], ["BCDR002"]) == [("BCDR002", f"{LIVE}/dr/main.tf", 15),
                                                 ("BCDR002", f"{LIVE}/dr/main.tf", 21)]


def test_a_root_checked_without_its_module_folders_reports_each_call_as_not_read(at_root):
    model = load(discover([f"{LIVE}/prod"]))
    assert sorted((r.name, r.get("reason")) for r in model.of_kind(Kind.UNREAD_DEPLOYMENT)) == [
        ("acr", "the module folder is not among the checked paths"),
        ("aks", "the module folder is not among the checked paths"),
        ("network", "the module folder is not among the checked paths"),
    ]
