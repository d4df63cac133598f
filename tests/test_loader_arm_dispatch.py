"""What a ``.json`` file is, decided by its content: template, parameter file, Terraform plan,
subscription export, or nothing."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

from bcdr_lint.loaders.arm import load_file
from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.model import Kind
from bcdr_lint.options import RunOptions

GROUP_EXPORT = "tests/inputs/exports/group-export/rg-orders-eastus2.json"
PLAN_MODULE = "bcdr_lint.loaders.terraform_plan"
_PLAN = {"format_version": "1.2", "terraform_version": "1.9.5", "planned_values": {"root_module": {}},
         "resource_changes": []}


@pytest.fixture(autouse=True)
def _at_root(at_root):
    return at_root


def test_az_group_export_output_is_a_template() -> None:
    result = load_file(GROUP_EXPORT)
    assert result.errors == []
    assert [(r.kind, str(r.name), r.region) for r in result.resources] == [
        (Kind.CONTAINER_REGISTRY, "ordersacr", "eastus2"),
        (Kind.REGISTRY_REPLICA, "ordersacr/centralus", "centralus"),
        (Kind.AKS_CLUSTER, "aks-orders-eastus2", "eastus2"),
        (Kind.NODE_POOL, "aks-orders-eastus2/system", None),
    ]
    pool = result.resources[-1]
    assert pool.refs["subnet"].names == ("vnet-orders-eastus2", "snet-aks")


def test_content_decides_not_the_name(tmp_path: Path) -> None:
    # A template under a parameter file's name is a template; a parameter file under a
    # template's name is not.
    template = tmp_path / "cluster.parameters.json"
    template.write_text(Path(GROUP_EXPORT).read_text(encoding="utf-8"), encoding="utf-8")
    assert len(load_file(str(template)).resources) == 4
    params = tmp_path / "azuredeploy.json"
    params.write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "parameters": {"location": {"value": "eastus2"}}}), encoding="utf-8")
    assert load_file(str(params)) == LoadResult()


def test_a_terraform_plan_goes_to_the_plan_loader(tmp_path: Path, monkeypatch) -> None:
    calls: list[tuple] = []
    fake = types.ModuleType(PLAN_MODULE)
    fake.is_plan = lambda data: isinstance(data, dict) and "terraform_version" in data  # type: ignore[attr-defined]
    fake.load_plan = lambda *args: calls.append(args) or LoadResult()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, PLAN_MODULE, fake)
    plan = tmp_path / "tfplan.json"
    plan.write_text(json.dumps(_PLAN), encoding="utf-8")
    options = RunOptions(var_files=("prod.tfvars",))
    assert load_file(str(plan), options) == LoadResult()
    ((path, data, text, passed),) = calls
    assert (path, data, json.loads(text), passed) == (str(plan), _PLAN, _PLAN, options)
    # Templates and exports never reach it.
    load_file(GROUP_EXPORT)
    load_file("tests/inputs/exports/graph/multi-region.json")
    assert len(calls) == 1


def test_without_the_plan_loader_a_plan_yields_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, PLAN_MODULE, None)  # as if this version had no such module
    plan = tmp_path / "tfplan.json"
    plan.write_text(json.dumps(_PLAN), encoding="utf-8")
    assert load_file(str(plan)) == LoadResult()


def test_exports_are_recognised_in_both_shapes() -> None:
    for path in ("tests/inputs/exports/graph/multi-region.json", "tests/inputs/exports/graph-array/multi-region.json",
                 "fixtures/BCDR302/unresolved/export/az-resource-list.json"):
        assert load_file(path).resources, path


def test_an_export_with_a_syntax_error_is_a_parse_error(tmp_path: Path) -> None:
    broken = tmp_path / "graph.json"
    broken.write_text('{"count": 1, "data": [\n  {"id": "/subscriptions/s", "name": "x"\n]}', encoding="utf-8")
    (error,) = load_file(str(broken)).errors
    assert (error.location.start_line, error.message.startswith("invalid JSON")) == (3, True)
