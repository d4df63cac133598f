"""Pairing templates with parameter files: which files deploy a template, with which values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bcdr_lint.loaders.pairing import ParameterSet, parameter_sets
from bcdr_lint.model import Location, Unresolved
from bcdr_lint.options import RunOptions

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch) -> Path:
    """An empty folder that is also the current one, so paths are shown relative to it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _write(path: Path, body: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body if isinstance(body, str) else json.dumps(body, indent=2), encoding="utf-8")
    return path


def _params(path: Path, values: dict, **extra) -> Path:
    return _write(path, {"$schema": SCHEMA, "contentVersion": "1.0.0.0", **extra,
                         "parameters": {k: {"value": v} for k, v in values.items()}})


def _template(path: Path) -> Path:
    return _write(path, "{}" if path.suffix == ".json" else "param location string\n")


def _paths(sets: list[ParameterSet]) -> list[str]:
    return [s.path for s in sets]


def test_regional_parameter_files_by_name(folder: Path) -> None:
    _template(folder / "azuredeploy.json")
    _params(folder / "azuredeploy.parameters.eastus2.json", {"location": "eastus2", "nodeCount": 3})
    _params(folder / "azuredeploy.parameters.centralus.json", {"Location": "centralus"})
    _params(folder / "other.parameters.json", {"location": "westus"})
    sets = parameter_sets("azuredeploy.json", RunOptions())
    assert _paths(sets) == ["azuredeploy.parameters.centralus.json", "azuredeploy.parameters.eastus2.json"]
    central, east = sets
    assert central.values == {"location": "centralus"}  # names lower case
    assert east.values == {"location": "eastus2", "nodecount": 3}
    # `parameters` starts on line 4 of the indented file; each value where it is written.
    assert (east.location.path, east.location.start_line, east.location.start_col) == (
        "azuredeploy.parameters.eastus2.json", 4, 3)
    assert east.value_locations["nodecount"] == Location("azuredeploy.parameters.eastus2.json", 9, 7, 9, 17)
    assert east.problem is None and east.errors == ()


def test_paths_are_shown_as_the_template_is(folder: Path) -> None:
    _template(folder / "infra" / "main.json")
    _params(folder / "infra" / "main.parameters.json", {})
    assert _paths(parameter_sets("infra/main.json")) == ["infra/main.parameters.json"]
    absolute = (folder / "infra" / "main.json").as_posix()
    assert _paths(parameter_sets(absolute)) == [f"{folder.as_posix()}/infra/main.parameters.json"]


def test_a_bicep_template_pairs_by_name_and_by_metadata(folder: Path) -> None:
    _template(folder / "main.bicep")
    _params(folder / "main.parameters.json", {"location": "eastus2"})  # the azd convention
    _template(folder / "cluster-stamp.bicep")
    for region in ("eastus2", "centralus"):
        _params(folder / f"azuredeploy.parameters.{region}.json", {"location": region},
                metadata={"template": "cluster-stamp.bicep"})
    assert _paths(parameter_sets("main.bicep")) == ["main.parameters.json"]
    assert _paths(parameter_sets("cluster-stamp.bicep")) == [
        "azuredeploy.parameters.centralus.json", "azuredeploy.parameters.eastus2.json",
    ]


def test_links_relative_to_the_file_or_a_url_of_the_same_name(folder: Path) -> None:
    _template(folder / "registry.json")
    _params(folder / "prod.json", {"sku": "Premium"}, metadata={"template": "./registry.json"})
    _params(folder / "dr.json", {"sku": "Premium"}, templateLink={"uri": "https://example.com/t/registry.json?sv=1"})
    _params(folder / "other.json", {"sku": "Basic"}, metadata={"templateLink": {"relativePath": "acr/registry.json"}})
    _params(folder / "unlinked.json", {"sku": "Basic"})  # names no template
    _write(folder / "package.json", {"name": "site", "parameters": {"a": {"value": 1}}})  # not a parameter file
    assert _paths(parameter_sets("registry.json")) == ["dr.json", "prod.json"]


def test_a_conventional_name_without_schema_still_counts_but_a_template_does_not(folder: Path) -> None:
    _template(folder / "app.json")
    _write(folder / "app.parameters.json", {"parameters": {"location": {"value": "westus3"}}})
    _write(folder / "app.parameters.test.json", {"parameters": {}, "resources": []})  # a template
    (only,) = parameter_sets("app.json")
    assert (only.path, only.values) == ("app.parameters.json", {"location": "westus3"})


def test_explicit_pairs_replace_the_others_and_are_taken_from_them(folder: Path) -> None:
    _template(folder / "azuredeploy.json")
    _template(folder / "stamp.json")
    _params(folder / "azuredeploy.parameters.eastus2.json", {"location": "eastus2"})
    _params(folder / "azuredeploy.parameters.centralus.json", {"location": "centralus"})
    _params(folder / "stamp.parameters.json", {"location": "westus3"})
    elsewhere = _params(folder.parent / f"{folder.name}-shared" / "dr.json", {"location": "westus2"})
    options = RunOptions(param_files=(
        ("./stamp.json", "azuredeploy.parameters.centralus.json"),
        ("stamp.json", str(elsewhere)),
    ))
    # stamp.json: only what --param-file says, in that order; a file outside the current folder
    # is shown absolute.
    assert _paths(parameter_sets("stamp.json", options)) == [
        "azuredeploy.parameters.centralus.json", elsewhere.resolve().as_posix(),
    ]
    # azuredeploy.json keeps what it is named with, except the file given to another template.
    assert _paths(parameter_sets("azuredeploy.json", options)) == ["azuredeploy.parameters.eastus2.json"]


def test_a_key_vault_reference_is_unresolved_where_it_is_written(folder: Path) -> None:
    _template(folder / "aks.json")
    _write(folder / "aks.parameters.json", {"$schema": SCHEMA, "parameters": {
        "location": {"value": "eastus2"},
        "sshKey": {"reference": {"keyVault": {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"},
                                 "secretName": "ssh"}},
    }})
    (deployment,) = parameter_sets("aks.json")
    value = deployment.values["sshkey"]
    assert isinstance(value, Unresolved)
    assert (value.expression, value.reason) == (
        "parameters('sshKey')", "parameter 'sshKey' is read from Key Vault at deployment (set by aks.parameters.json)")
    assert (value.location.path, value.location.start_line) == ("aks.parameters.json", 7)


def test_an_unreadable_file_is_a_deployment_whose_every_parameter_is_unknown(folder: Path) -> None:
    _template(folder / "aks.json")
    _write(folder / "aks.parameters.json", '{\n  "parameters": {\n    "location": { "value": "eastus2" },\n  }\n')
    (deployment,) = parameter_sets("aks.json")
    assert deployment.problem == "invalid JSON: Expecting ',' delimiter at line 5"
    assert [(e.message, e.location) for e in deployment.errors] == [
        ("invalid JSON: Expecting ',' delimiter", Location("aks.parameters.json", 5, 1)),
    ]
    supplied = deployment.supplied(["location", "clusterName"])
    assert sorted(supplied) == ["clustername", "location"]
    assert supplied["clustername"] == Unresolved(
        "parameters('clusterName')",
        "its parameter file aks.parameters.json could not be read: invalid JSON: Expecting ',' delimiter at line 5",
        Location("aks.parameters.json", 1, 1),
    )


def test_a_readable_file_supplies_only_what_it_sets(folder: Path) -> None:
    _template(folder / "aks.json")
    _params(folder / "aks.parameters.json", {"location": "eastus2"})
    (deployment,) = parameter_sets("aks.json")
    assert deployment.supplied(["location", "clusterName"]) == {"location": "eastus2"}


def test_an_explicit_file_that_is_no_parameter_file_is_reported(folder: Path) -> None:
    _template(folder / "aks.json")
    _write(folder / "values.json", {"replicas": 3})
    (deployment,) = parameter_sets("aks.json", RunOptions(param_files=(("aks.json", "values.json"),)))
    assert deployment.problem == "it is not a deployment parameter file (no 'parameters' object)"
    assert [e.location for e in deployment.errors] == [Location("values.json", 1, 1)]


def test_a_template_with_no_parameter_file_has_no_sets(folder: Path) -> None:
    _template(folder / "aks.json")
    assert parameter_sets("aks.json") == []
    assert parameter_sets("aks.json", None) == []


# -- .bicepparam files (read by the Bicep loader) ---------------------------------------------


def _needs_bicepparam() -> None:
    bicep = pytest.importorskip("bcdr_lint.loaders.bicep")
    if not hasattr(bicep, "read_bicepparam"):
        pytest.skip("this version has no .bicepparam reader")


def test_a_bicepparam_file_deploys_what_it_uses(folder: Path) -> None:
    _needs_bicepparam()
    _template(folder / "main.bicep")
    _write(folder / "prod.bicepparam", "using './main.bicep'\n\nvar region = 'westus3'\nparam location = region\n"
                                       "param nodeCount = 5\n")
    _write(folder / "other.bicepparam", "using 'other.bicep'\nparam location = 'eastus'\n")
    _write(folder / "shared.bicepparam", "using none\nparam location = 'eastus'\n")
    (deployment,) = parameter_sets("main.bicep")
    assert (deployment.path, deployment.values) == ("prod.bicepparam", {"location": "westus3", "nodecount": 5})
    assert deployment.value_locations["location"] == Location("prod.bicepparam", 4, 18, 4, 24)


def test_an_arm_template_deployed_with_a_bicepparam_file(folder: Path) -> None:
    _needs_bicepparam()
    from bcdr_lint.loaders.arm import load_file

    _write(folder / "azuredeploy.json", {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "parameters": {"location": {"type": "string"}},
        "resources": [{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01",
                       "name": "acr", "location": "[parameters('location')]", "sku": {"name": "Premium"}}],
    })
    _write(folder / "dr.bicepparam", "using './azuredeploy.json'\nparam location = 'swedencentral'\n")
    (registry,) = load_file("azuredeploy.json").resources
    assert (registry.region, registry.deployment.path) == ("swedencentral", "dr.bicepparam")


def test_an_unreadable_bicepparam_file_is_reported(folder: Path) -> None:
    _needs_bicepparam()
    _template(folder / "main.bicep")
    _write(folder / "main.bicepparam", "using './main.bicep'\nparam location = \n")
    explicit = RunOptions(param_files=(("main.bicep", "main.bicepparam"),))
    (deployment,) = parameter_sets("main.bicep", explicit)
    assert deployment.problem is not None
    assert [e.location.path for e in deployment.errors] == ["main.bicepparam"]


# -- files that are harder to recognise ----------------------------------------------------------


def test_a_linked_file_whose_schema_comes_last_is_still_paired(folder: Path) -> None:
    # Written by a tool that sorts nothing: `$schema` after a long `parameters` object.
    _template(folder / "main.json")
    values = {"location": {"value": "westeurope"}, **{f"tag{i}": {"value": "x" * 60} for i in range(60)}}
    body = {"metadata": {"template": "main.json"}, "parameters": values, "$schema": SCHEMA}
    assert json.dumps(body, indent=2).lower().index("deploymentparameters") > 2048
    _write(folder / "prod.json", body)
    (deployment,) = parameter_sets("main.json")
    assert (deployment.path, deployment.values["location"]) == ("prod.json", "westeurope")


def test_a_utf16_linked_file_is_paired(folder: Path) -> None:
    # Windows PowerShell's `>` writes UTF-16 with a byte-order mark.
    _template(folder / "main.json")
    body = json.dumps({"$schema": SCHEMA, "metadata": {"template": "main.json"},
                       "parameters": {"location": {"value": "northeurope"}}}, indent=2)
    (folder / "dr.json").write_bytes("\ufeff".encode("utf-16-le") + body.encode("utf-16-le"))
    (deployment,) = parameter_sets("main.json")
    assert (deployment.path, deployment.values, deployment.location.start_line) == (
        "dr.json", {"location": "northeurope"}, 6)


def test_comments_and_trailing_commas_are_read_as_arm_does(folder: Path) -> None:
    _template(folder / "main.json")
    _write(folder / "main.parameters.json", '{\n  // production\n  "$schema": "%s",\n  "parameters": {\n'
                                            '    /* the pair */ "location": { "value": "westus3" }, // primary\n'
                                            '  },\n}\n' % SCHEMA)
    (deployment,) = parameter_sets("main.json")
    assert (deployment.values, deployment.value_locations["location"].start_line) == ({"location": "westus3"}, 5)


# -- parameter files in other folders ---------------------------------------------------------


def test_links_from_other_folders_are_followed_when_the_engine_found_them(folder: Path) -> None:
    from bcdr_lint.loaders.pairing import find_links

    _template(folder / "infra" / "main.json")
    _params(folder / "infra" / "parameters" / "prod.json", {"location": "westeurope"}, metadata={"template": "../main.json"})
    _params(folder / "infra" / "parameters" / "dev.json", {"location": "eastus2"}, metadata={"template": "../main.json"})
    # By name alone a file deploys only the template beside it: this one deploys nothing.
    _params(folder / "infra" / "parameters" / "main.parameters.json", {"location": "westus"})
    checked = ["infra/main.json", "infra/parameters/dev.json", "infra/parameters/main.parameters.json",
               "infra/parameters/prod.json"]
    options = RunOptions(parameter_links=find_links(checked))
    assert _paths(parameter_sets("infra/main.json", options)) == ["infra/parameters/dev.json", "infra/parameters/prod.json"]
    assert parameter_sets("infra/main.json") == []  # without the engine's links: the folder only


def test_a_file_given_with_param_file_is_not_also_linked(folder: Path) -> None:
    from bcdr_lint.loaders.pairing import find_links

    _template(folder / "main.json")
    _template(folder / "other.json")
    _params(folder / "env" / "prod.json", {"location": "westeurope"}, metadata={"template": "../main.json"})
    explicit = RunOptions(param_files=(("other.json", "env/prod.json"),))
    assert find_links(["main.json", "other.json", "env/prod.json"]).elsewhere  # linked, until given explicitly
    links = find_links(["main.json", "other.json", "env/prod.json"], explicit)
    assert links.elsewhere == {}
    options = RunOptions(param_files=explicit.param_files, parameter_links=links)
    assert parameter_sets("main.json", options) == []
    assert _paths(parameter_sets("other.json", options)) == ["env/prod.json"]


def test_the_engine_learns_which_parameter_files_lack_their_template(folder: Path) -> None:
    from bcdr_lint.loaders.pairing import find_links

    _template(folder / "main.json")
    _params(folder / "env" / "prod.json", {"location": "westeurope"}, metadata={"template": "../main.json"})
    _params(folder / "env" / "gone.json", {"location": "westeurope"}, metadata={"template": "../gone.json"})
    _params(folder / "main.parameters.json", {"location": "westus3"})
    links = find_links(["env/gone.json", "env/prod.json", "main.parameters.json"])  # main.json is not checked
    assert links.unchecked == {"main.json": ("env/prod.json", "main.parameters.json")}
    assert links.unchecked_template("env/prod.json") == ("main.json", ("env/prod.json", "main.parameters.json"))
    assert links.unchecked_template("main.parameters.json") is None  # the first file reads it, once


def test_a_bicep_build_output_beside_its_source_is_not_deployed_for_its_parameter_file(folder: Path) -> None:
    # main.json is `az bicep build` output, left out of the check (git-ignored): the parameter
    # file deploys main.bicep, which the Bicep loader pairs; reading main.json too would count twice.
    from bcdr_lint.loaders.pairing import find_links

    _template(folder / "main.bicep")
    _template(folder / "main.json")
    _params(folder / "main.parameters.json", {"location": "westus3"})
    assert find_links(["main.bicep", "main.parameters.json"]).unchecked == {}
