"""``terraform show -json`` plans and states as input, and their reconciliation with the ``.tf``
source of the same root module: one resource, the plan's values, at the source's lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bcdr_lint.engine import load
from bcdr_lint.loaders import arm
from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.loaders.discover import discover
from bcdr_lint.loaders.terraform import load_modules
from bcdr_lint.loaders.terraform_plan import is_plan, load_plan, reconcile
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.model import azure_id
from tests.helpers import findings_for

ROOT = "tests/inputs/terraform_plan"
PLAN = f"{ROOT}/plan.json"
CHILD = f"{ROOT}/modules/aks"


def plan(path: str = PLAN) -> LoadResult:
    text = Path(path).read_text(encoding="utf-8")
    return load_plan(path, json.loads(text), text)


def source() -> LoadResult:
    return load_modules({ROOT: [f"{ROOT}/main.tf"], CHILD: [f"{CHILD}/main.tf"]})


def by_address(resources: list[Resource], space: str) -> dict[str, Resource]:
    prefix = f"tf:{space}:"
    return {r.key[len(prefix):]: r for r in resources if r.key.startswith(prefix)}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"format_version": "1.2", "planned_values": {"root_module": {}}}, True),
        ({"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {}}}, True),
        ({"format_version": "1.0"}, False),  # an empty state: nothing deployed
        ({"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "resources": []}, False),
        ({"planned_values": {}}, False),
        ([], False),
    ],
)
def test_plans_and_states_are_recognized(data, expected):
    assert is_plan(data) is expected


def test_a_plan_yields_the_kinds_the_source_would_located_in_the_json(at_root):
    result = plan()
    assert result.errors == []
    found = by_address(result.resources, PLAN)
    assert {address: (r.kind, r.name, r.region, r.location.start_line) for address, r in found.items()} == {
        "azurerm_container_registry.shop": (Kind.CONTAINER_REGISTRY, "acrshop", "eastus2", 18),
        "azurerm_container_registry.shop/georeplications[centralus]": (Kind.REGISTRY_REPLICA, "centralus", "centralus", 33),
        "azurerm_resource_group.shop": (Kind.RESOURCE_GROUP, "rg-shop", "eastus2", 60),
        'azurerm_subnet.aks["central"]': (Kind.SUBNET, "snet-aks", None, 77),
        'azurerm_subnet.aks["east"]': (Kind.SUBNET, "snet-aks", None, 103),
        'azurerm_virtual_network.stamp["central"]': (Kind.VIRTUAL_NETWORK, "vnet-shop-central", "centralus", 129),
        'azurerm_virtual_network.stamp["east"]': (Kind.VIRTUAL_NETWORK, "vnet-shop-east", "eastus2", 158),
        'module.aks["central"].azurerm_kubernetes_cluster.this': (Kind.AKS_CLUSTER, "aks-shop-central", "centralus", 191),
        'module.aks["central"].azurerm_kubernetes_cluster.this/default_node_pool': (Kind.NODE_POOL, "system", None, 209),
        'module.aks["central"].azurerm_kubernetes_cluster_node_pool.user': (Kind.NODE_POOL, "user", None, 308),
        'module.aks["east"].azurerm_kubernetes_cluster.this': (Kind.AKS_CLUSTER, "aks-shop-east", "eastus2", 366),
        'module.aks["east"].azurerm_kubernetes_cluster.this/default_node_pool': (Kind.NODE_POOL, "system", None, 384),
        'module.aks["east"].azurerm_kubernetes_cluster_node_pool.user': (Kind.NODE_POOL, "user", None, 483),
    }
    registry = found["azurerm_container_registry.shop"]
    assert (registry.get("sku"), registry.loc("sku").start_line) == ("premium", 51)


def test_plan_references_by_id_and_from_the_configuration(at_root):
    result = plan()
    found = by_address(result.resources, PLAN)
    model = Model(result.resources)
    user = found['module.aks["central"].azurerm_kubernetes_cluster_node_pool.user']
    # The subnet exists already: its id is in the plan, and matches by Azure identity.
    assert model.target(user, "subnet") is found['azurerm_subnet.aks["central"]']
    # The cluster is new: its id is known after apply, the configuration says which it is.
    assert user.refs["cluster"].key == f'tf:{PLAN}:module.aks["central"].azurerm_kubernetes_cluster.this'
    assert user.refs["cluster"].names == ("aks-shop-central",) and user.refs["cluster"].type == azure_id.AKS_CLUSTER
    assert model.target(user, "cluster") is found['module.aks["central"].azurerm_kubernetes_cluster.this']
    # Known only after apply, and nothing says more: unresolved, at the values of the resource.
    count = user.get("count")
    assert isinstance(count, Unresolved) and (count.expression, count.reason, count.location.start_line) == (
        "node_count", "known only after apply (the plan does not know it)", 315)
    assert (user.get("min_count"), user.get("max_count"), user.loc("max_count").start_line) == (2, 10, 325)


def test_a_plan_on_one_line_has_its_columns(tmp_path):
    compact = json.dumps(json.loads(Path(PLAN).read_text(encoding="utf-8")), separators=(",", ":"))
    path = tmp_path / "plan.json"
    path.write_text(compact, encoding="utf-8")
    found = by_address(plan(str(path)).resources, str(path))
    registry = found["azurerm_container_registry.shop"]
    start = compact.index('{"address":"azurerm_container_registry.shop"')
    assert (registry.location.start_line, registry.location.start_col) == (1, start + 1)


def test_a_state_yields_its_managed_resources(tmp_path):
    state = {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {"resources": [
        {"address": "data.azurerm_resource_group.hub", "mode": "data", "type": "azurerm_resource_group", "name": "hub",
         "provider_name": "registry.terraform.io/hashicorp/azurerm", "schema_version": 0,
         "values": {"name": "rg-hub", "location": "westeurope"}},
        {"address": "azurerm_container_registry.acr[0]", "mode": "managed", "type": "azurerm_container_registry",
         "name": "acr", "index": 0, "provider_name": "registry.terraform.io/hashicorp/azurerm", "schema_version": 2,
         "values": {"name": "acrhub", "location": "westeurope", "resource_group_name": "rg-hub", "sku": "Basic",
                    "georeplications": []}},
    ]}}}
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state, indent=2), encoding="utf-8")
    (registry,) = arm.load_file(str(path)).resources  # the JSON loader hands it over
    assert (registry.key, registry.kind, registry.get("sku"), registry.region, registry.location.start_line) == (
        f"tf:{path}:azurerm_container_registry.acr[0]", Kind.CONTAINER_REGISTRY, "basic", "westeurope", 19)


def test_an_unknown_major_format_version_is_a_parse_error(tmp_path):
    result = load_plan("p.json", {"format_version": "2.0", "planned_values": {}}, "{}")
    assert [(e.message, e.location.path) for e in result.errors] == [
        ("Terraform JSON format 2.0 is not supported (1.x is)", "p.json")]


# -- reconciling a plan with its source ---------------------------------------------------------


def test_plan_resources_merge_into_the_source_resources_of_the_same_address(at_root):
    merged = reconcile(source().resources + plan().resources)
    assert [r.key for r in merged if r.key.startswith(f"tf:{PLAN}:")] == []  # every one found its source
    found = by_address(merged, ROOT)
    assert {address: (r.location.path, r.location.start_line, r.region) for address, r in found.items()} == {
        "azurerm_resource_group.shop": (f"{ROOT}/main.tf", 12, "eastus2"),
        'azurerm_virtual_network.stamp["central"]': (f"{ROOT}/main.tf", 17, "centralus"),
        'azurerm_virtual_network.stamp["east"]': (f"{ROOT}/main.tf", 17, "eastus2"),
        'azurerm_subnet.aks["central"]': (f"{ROOT}/main.tf", 25, None),
        'azurerm_subnet.aks["east"]': (f"{ROOT}/main.tf", 25, None),
        "azurerm_container_registry.shop": (f"{ROOT}/main.tf", 42, "eastus2"),
        # The source could not count the replicas (a dynamic block over a variable); the plan can.
        "azurerm_container_registry.shop/georeplications[centralus]": (PLAN, 33, "centralus"),
        'module.aks["central"].azurerm_kubernetes_cluster.this': (f"{CHILD}/main.tf", 17, "centralus"),
        'module.aks["central"].azurerm_kubernetes_cluster.this/default_node_pool': (f"{CHILD}/main.tf", 24, None),
        'module.aks["central"].azurerm_kubernetes_cluster_node_pool.user': (f"{CHILD}/main.tf", 46, None),
        'module.aks["east"].azurerm_kubernetes_cluster.this': (f"{CHILD}/main.tf", 17, "eastus2"),
        'module.aks["east"].azurerm_kubernetes_cluster.this/default_node_pool': (f"{CHILD}/main.tf", 24, None),
        'module.aks["east"].azurerm_kubernetes_cluster_node_pool.user': (f"{CHILD}/main.tf", 46, None),
    }
    registry = found["azurerm_container_registry.shop"]
    # The plan's value (the source's is var.acr_sku, unresolved), at the source's argument.
    assert (registry.get("sku"), registry.loc("sku").path, registry.loc("sku").start_line) == (
        "premium", f"{ROOT}/main.tf", 46)
    cluster = found['module.aks["east"].azurerm_kubernetes_cluster.this']
    assert "deployed" not in cluster.attrs  # the plan knows it is deployed
    assert (cluster.loc("region").path, cluster.loc("region").start_line) == (f"{CHILD}/main.tf", 19)


def test_references_follow_the_merged_resources(at_root):
    merged = reconcile(source().resources + plan().resources)
    found = by_address(merged, ROOT)
    model = Model(merged)
    user = found['module.aks["east"].azurerm_kubernetes_cluster_node_pool.user']
    assert model.target(user, "cluster") is found['module.aks["east"].azurerm_kubernetes_cluster.this']
    assert model.target(user, "subnet") is found['azurerm_subnet.aks["east"]']
    replica = found["azurerm_container_registry.shop/georeplications[centralus]"]
    assert model.target(replica, "registry") is found["azurerm_container_registry.shop"]


def test_a_plan_two_roots_fit_equally_is_merged_with_neither(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = ('resource "azurerm_resource_group" "shop" {\n  name = "rg-shop"\n  location = var.where\n}\n'
            'variable "where" {}\n')
    for folder in ("dev", "prod"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "main.tf").write_text(text, encoding="utf-8")
    (tmp_path / "plans").mkdir()
    document = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "azurerm_resource_group.shop", "mode": "managed", "type": "azurerm_resource_group", "name": "shop",
         "values": {"name": "rg-shop", "location": "eastus2"}}]}}}
    (tmp_path / "plans" / "shop.json").write_text(json.dumps(document), encoding="utf-8")
    resources = load_modules({"dev": ["dev/main.tf"], "prod": ["prod/main.tf"]}).resources
    planned = arm.load_file("plans/shop.json").resources
    assert reconcile(resources + planned) == resources + planned
    # In a root's folder, the plan is that root's.
    (tmp_path / "prod" / "plan.json").write_text(json.dumps(document), encoding="utf-8")
    planned = arm.load_file("prod/plan.json").resources
    merged = reconcile(resources + planned)
    assert [(r.key, r.region, r.location.path) for r in merged] == [
        ("tf:dev:azurerm_resource_group.shop", resources[0].region, "dev/main.tf"),
        ("tf:prod:azurerm_resource_group.shop", "eastus2", "prod/main.tf"),
    ]


def test_a_check_of_plan_and_source_together_holds_each_resource_once_at_its_source_line(at_root):
    """Through the engine: the plan beside its .tf files does not double the clusters, and
    findings point at the source, not the JSON."""
    from bcdr_lint import engine

    both = engine.check([ROOT])
    source_only = engine.check([f"{ROOT}/main.tf", CHILD])
    plan_only = engine.check([PLAN])
    clusters = [r for r in both.model.resources if r.kind is Kind.AKS_CLUSTER]
    assert len(clusters) == len(plan_only.model.of_kind(Kind.AKS_CLUSTER)) == 2
    assert {r.location.path for r in clusters} == {f"{CHILD}/main.tf"}
    assert len(both.model) == len(plan_only.model)
    assert [f.location.path for f in both.findings] == [f"{CHILD}/main.tf"] * len(both.findings)
    assert {f.rule_id for f in both.findings} == {f.rule_id for f in plan_only.findings}
    assert source_only.model.resources  # the source alone is read too


# -- what a plan leaves to apply time -----------------------------------------------------------

UNKNOWN = "tests/inputs/terraform_plan_unknown/plan.json"


def test_nested_blocks_a_plan_leaves_to_apply_are_unresolved_not_absent(at_root):
    found = by_address(plan(UNKNOWN).resources, UNKNOWN)
    cus = 'module.stamp["cus"].module.aks.azurerm_kubernetes_cluster.this[0]'
    # "georeplications": true — the replicas are not known, so no registry "without replicas".
    replica = found["azurerm_container_registry.acr/georeplications[0]"]
    assert (replica.kind, replica.region.expression, replica.region.reason, replica.location.start_line) == (
        Kind.REGISTRY_REPLICA, "georeplications", "known only after apply (the plan does not know it)", 14)
    # "network_profile": true — its load balancer SKU is not the provider default, it is unknown.
    lb = found[cus].get("load_balancer_sku")
    assert isinstance(lb, Unresolved) and (lb.expression, lb.location.start_line) == ("network_profile", 82)
    assert isinstance(found[cus].get("sku_tier"), Unresolved)
    assert isinstance(found[f"{cus}/default_node_pool"].get("zones"), Unresolved)
    # The known cluster of the other stamp keeps its values.
    eus2 = found['module.stamp["eus2"].module.aks.azurerm_kubernetes_cluster.this[0]']
    assert (eus2.region, eus2.get("load_balancer_sku"), eus2.get("sku_tier")) == ("eastus2", "standard", "standard")


def test_a_registry_whose_replicas_a_plan_leaves_to_apply_is_no_missing_replica(at_root):
    # Was BCDR402 at line 7 ("no replicas"); now the replicas BCDR402 needs are unresolved.
    assert findings_for([UNKNOWN], ["BCDR402", "BCDR002"]) == [("BCDR002", UNKNOWN, 14)]


def test_a_state_with_module_instances_keys_them_by_address(tmp_path):
    def cluster(address: str, name: str, location: str) -> dict:
        return {"address": address, "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "this",
                "index": 0, "values": {"name": name, "location": location, "resource_group_name": "rg",
                                       "sku_tier": "Standard", "default_node_pool": [{"name": "system",
                                                                                      "zones": ["1", "2"]}]}}

    state = {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {"child_modules": [
        {"address": 'module.aks["east"]', "resources": [
            cluster('module.aks["east"].azurerm_kubernetes_cluster.this[0]', "aks-east", "eastus2")]},
        {"address": 'module.aks["west"]', "resources": [
            cluster('module.aks["west"].azurerm_kubernetes_cluster.this[0]', "aks-west", "westus3"),
            {"address": 'module.aks["west"].data.azurerm_client_config.current', "mode": "data",
             "type": "azurerm_client_config", "name": "current", "values": {}}]},
    ]}}}
    path = tmp_path / "terraform.tfstate.json"
    path.write_text(json.dumps(state, indent=2), encoding="utf-8")
    result = load_plan(str(path), state, path.read_text(encoding="utf-8"))
    assert [(r.key.split(":", 2)[2], r.region, r.get("sku_tier")) for r in result.resources] == [
        ('module.aks["east"].azurerm_kubernetes_cluster.this[0]', "eastus2", "standard"),
        ('module.aks["east"].azurerm_kubernetes_cluster.this[0]/default_node_pool', None, None),
        ('module.aks["west"].azurerm_kubernetes_cluster.this[0]', "westus3", "standard"),
        ('module.aks["west"].azurerm_kubernetes_cluster.this[0]/default_node_pool', None, None),
    ]


def test_a_deposed_object_does_not_hide_what_the_new_instance_leaves_to_apply(tmp_path):
    address = "azurerm_kubernetes_cluster.this"
    values = {"name": "aks", "location": "eastus2", "resource_group_name": "rg",
              "default_node_pool": [{"name": "system", "node_count": 3}]}
    data = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": address, "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "this",
         "values": values}]}},
        "resource_changes": [
            {"address": address, "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "this",
             "change": {"actions": ["create", "delete"], "after": values, "after_unknown": {"sku_tier": True}}},
            # create_before_destroy left an old object behind: it is destroyed, nothing is unknown.
            {"address": address, "mode": "managed", "type": "azurerm_kubernetes_cluster", "name": "this",
             "deposed": "00000001", "change": {"actions": ["delete"], "after": None, "after_unknown": {}}},
        ]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    (cluster, _pool) = load_plan(str(path), data, path.read_text(encoding="utf-8")).resources
    tier = cluster.get("sku_tier")
    assert isinstance(tier, Unresolved) and tier.reason == "known only after apply (the plan does not know it)"


STAMPS = "tests/inputs/terraform_plan_stamps"


def test_a_plan_of_module_and_resource_instances_merges_into_the_source_instances(at_root):
    model = load(discover([STAMPS]))
    assert model.parse_errors == ()
    found = {r.key: r for r in model.resources}
    module = f"{STAMPS}/modules/aks/main.tf"
    # One resource per address, keyed as the source keys it, at the source lines, with the
    # plan's values: the plan says sku_tier "Free" and zone 1 only where the code leaves them open.
    assert {key.split(":", 2)[2]: (r.location.path, r.location.start_line, r.get("sku_tier") or r.get("zones"))
            for key, r in found.items()} == {
        'module.aks["cus"].azurerm_kubernetes_cluster.this': (module, 4, "free"),
        'module.aks["cus"].azurerm_kubernetes_cluster.this/default_node_pool': (module, 9, ["1", "2", "3"]),
        'module.aks["cus"].azurerm_kubernetes_cluster_node_pool.this["apps"]': (module, 15, ["1"]),
        'module.aks["cus"].azurerm_kubernetes_cluster_node_pool.this["batch"]': (module, 15, ["1"]),
        'module.aks["eus2"].azurerm_kubernetes_cluster.this': (module, 4, "free"),
        'module.aks["eus2"].azurerm_kubernetes_cluster.this/default_node_pool': (module, 9, ["1", "2", "3"]),
        'module.aks["eus2"].azurerm_kubernetes_cluster_node_pool.this["apps"]': (module, 15, ["1"]),
    }
    assert all(key.startswith(f"tf:{STAMPS}/root:") for key in found)
    # The pools' kubernetes_cluster_id is unknown in the plan; the configuration names the cluster.
    pool = found[f'tf:{STAMPS}/root:module.aks["cus"].azurerm_kubernetes_cluster_node_pool.this["batch"]']
    assert model.target(pool, "cluster").name == "aks-cus"
    assert findings_for([STAMPS], ["BCDR801"]) == [("BCDR801", module, 20)] * 3


def test_a_plan_says_what_a_module_call_the_model_cannot_read_deploys(at_root):
    # The module folder is not checked: the source alone has an unread deployment at the call,
    # which makes rules about all clusters hold back. The root's plan lists what it deploys.
    model = load(discover([f"{STAMPS}/root"]))
    assert model.of_kind(Kind.UNREAD_DEPLOYMENT) == []
    assert sorted(r.name for r in model.of_kind(Kind.AKS_CLUSTER)) == ["aks-cus", "aks-eus2"]
    assert [f for f in findings_for([f"{STAMPS}/root"]) if f[0] == "BCDR002"] == []


def test_a_system_pool_a_plan_leaves_to_apply_is_unlisted(tmp_path):
    values = {"name": "aks", "location": "eastus2", "resource_group_name": "rg", "sku_tier": "Standard"}
    data = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "azurerm_kubernetes_cluster.c", "mode": "managed", "type": "azurerm_kubernetes_cluster",
         "name": "c", "values": values}]}},
        "resource_changes": [{"address": "azurerm_kubernetes_cluster.c",
                              "change": {"actions": ["create"], "after_unknown": {"default_node_pool": True}}}]}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    (cluster,) = load_plan(str(path), data, path.read_text(encoding="utf-8")).resources
    pools = cluster.get("children")
    assert isinstance(pools, Unresolved)
    assert (pools.expression, pools.reason) == ("default_node_pool", "known only after apply (the plan does not know it)")
