"""ARM deployments: linked templates (``templateLink``), which the model cannot see, so rules
about all clusters hold back; and templates deployed with parameter files, one deployment per
file, whose findings at one template line are merged with each parameter file related."""

import json

from click.testing import CliRunner

from bcdr_lint.cli import main
from tests.helpers import findings_for, run

F = "fixtures/BCDR101/unresolved"
LINKED = f"{F}/arm-linked-template"
PARAMS = "fixtures/BCDR101/bad/arm-parameter-file"
STAMPS = "fixtures/BCDR402/bad/arm-parameter-files"
BASIC = "fixtures/BCDR302/bad/arm-parameter-files"
PF = "fixtures/BCDR001/parameter-files"


def _cli(*args: str, exit_code: int = 0) -> list[dict]:
    result = CliRunner().invoke(main, ["check", *args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == exit_code, result.output
    return json.loads(result.output)["findings"]


def _where(findings: list[dict]) -> list[tuple[str, str, int]]:
    return sorted((f["rule_id"], f["location"]["path"], f["location"]["start_line"]) for f in findings)


# -- a linked template ---------------------------------------------------------------------


def test_linked_template_holds_back_single_region_through_the_cli(at_root):
    # One cluster in eastus2, but the linked stamp may deploy more: no BCDR101 warning.
    findings = _cli(LINKED, "--select", "BCDR1", "--select", "BCDR002")
    assert _where(findings) == [("BCDR002", f"{LINKED}/main.json", 26)]
    (note,) = findings
    assert note["location"]["start_column"] == 9  # the templateLink property
    assert "deployment 'dr-stamp'" in note["message"]
    assert "`stamps/aks.json`" in note["message"]
    assert f"it names {LINKED}/stamps/aks.json, which does not exist" in note["message"]
    assert "needed by BCDR101, BCDR102" in note["message"]


def test_linked_template_alone_gives_no_other_finding(at_root):
    assert findings_for([LINKED]) == [("BCDR002", f"{LINKED}/main.json", 26)]


# -- a parameter file beside the template: the deployment uses its values ------------------


def test_parameter_file_values_are_deployed_through_the_cli(at_root):
    # The default says eastus2 with a Standard load balancer; the parameter file deploys
    # westeurope with Basic. Both findings are at the template, with the parameter file related.
    findings = _cli(PARAMS, "--select", "BCDR1,BCDR3,BCDR002", exit_code=1)
    assert _where(findings) == [
        ("BCDR101", f"{PARAMS}/azuredeploy.json", 14),
        ("BCDR302", f"{PARAMS}/azuredeploy.json", 21),
    ]
    single, basic = findings
    assert "is in westeurope" in single["message"]
    assert [(r["location"]["path"], r["location"]["start_line"], r["message"]) for r in basic["related"]] == [
        (f"{PARAMS}/azuredeploy.parameters.json", 4, f"deployed with {PARAMS}/azuredeploy.parameters.json"),
    ]


def test_only_the_template_named_still_uses_its_parameter_file(at_root):
    assert findings_for([f"{PARAMS}/azuredeploy.json"], ["BCDR1", "BCDR002"]) == [
        ("BCDR101", f"{PARAMS}/azuredeploy.json", 14),
    ]


# -- the multi-region reference architecture: one stamp, a parameter file per region ---------


def test_two_regional_deployments_of_one_stamp_and_a_registry_without_their_replica(at_root):
    # azuredeploy.json is deployed with azuredeploy.parameters.eastus2.json and
    # azuredeploy.parameters.centralus.json: clusters in eastus2 and centralus (a pair, so no
    # BCDR101/102); the shared registry lives in eastus2 and has no replica in centralus.
    assert findings_for([STAMPS], ["BCDR1", "BCDR3", "BCDR4", "BCDR002"]) == [
        ("BCDR402", f"{STAMPS}/shared-svcs-stamp.json", 10),
    ]
    (finding,) = run([STAMPS], ["BCDR402"])
    assert finding.message == (
        "container registry 'acrbaselineshared' (home eastus2, no replicas) has no replica in centralus, "
        "where AKS clusters run: centralus ('aks-baseline-centralus')"
    )
    assert [(r.location.path, r.location.start_line, r.message) for r in finding.related] == [
        (f"{STAMPS}/azuredeploy.json", 19, "AKS cluster 'aks-baseline-centralus' runs in centralus"),
    ]


def test_each_deployment_is_in_the_model_once(at_root):
    from bcdr_lint import engine
    from bcdr_lint.model import Kind

    model = engine.check([STAMPS]).model
    clusters = sorted((c.name, c.region, c.deployment.path) for c in model.of_kind(Kind.AKS_CLUSTER))
    assert clusters == [
        ("aks-baseline-centralus", "centralus", f"{STAMPS}/azuredeploy.parameters.centralus.json"),
        ("aks-baseline-eastus2", "eastus2", f"{STAMPS}/azuredeploy.parameters.eastus2.json"),
    ]
    pools = {p.deployment.path.rsplit(".", 2)[-2]: p.get("count") for p in model.of_kind(Kind.NODE_POOL)}
    assert pools == {"eastus2": 3, "centralus": 5}  # the default, and what centralus sets
    # Each pool belongs to the cluster of its own deployment.
    for pool in model.of_kind(Kind.NODE_POOL):
        assert model.target(pool, "cluster").deployment == pool.deployment


def test_the_same_finding_in_two_deployments_is_one_finding_with_both_files_related(at_root):
    # The stamp is linked by metadata.template from both parameter files; both set Basic.
    assert findings_for([BASIC], ["BCDR1", "BCDR3", "BCDR002"]) == [
        ("BCDR302", f"{BASIC}/cluster-stamp.json", 20),
    ]
    (finding,) = run([BASIC], ["BCDR302"])
    # The clusters are named after their region: the messages differ, each file says its own.
    assert finding.message.endswith("(in 2 deployments of this template; see each parameter file)")
    assert [(r.location.path, r.location.start_line) for r in finding.related] == [
        (f"{BASIC}/azuredeploy.parameters.centralus.json", 5),
        (f"{BASIC}/azuredeploy.parameters.eastus2.json", 5),
    ]
    assert "AKS cluster 'aks-inventory-eastus2' uses the Basic load balancer" in finding.related[1].message


def test_param_file_option_replaces_the_pairs_found_by_name_or_link(at_root):
    stamp = f"{BASIC}/cluster-stamp.json"
    findings = _cli(BASIC, "--select", "BCDR1,BCDR3,BCDR002",
                    "--param-file", f"{stamp}={BASIC}/azuredeploy.parameters.eastus2.json", exit_code=1)
    # One deployment left, in eastus2 only: now a single region as well.
    assert _where(findings) == [("BCDR101", stamp, 13), ("BCDR302", stamp, 20)]
    assert all(f["message"].startswith("AKS cluster 'aks-inventory-eastus2'") for f in findings)
    assert {r["location"]["path"] for f in findings for r in f["related"]} == {
        f"{BASIC}/azuredeploy.parameters.eastus2.json",
    }


def test_param_file_option_pairs_a_file_named_for_another_template(at_root):
    # azuredeploy.parameters.centralus.json is named for azuredeploy.json; --param-file gives it
    # to shared-svcs-stamp.json instead, so the registry moves to centralus and the stamp keeps
    # only its eastus2 deployment.
    findings = _cli(STAMPS, "--select", "BCDR4", "--param-file",
                    f"{STAMPS}/shared-svcs-stamp.json={STAMPS}/azuredeploy.parameters.centralus.json", exit_code=1)
    assert _where(findings) == [("BCDR402", f"{STAMPS}/shared-svcs-stamp.json", 10)]
    (finding,) = findings
    assert "(home centralus, no replicas) has no replica in eastus2" in finding["message"]


# -- parameter files that cannot be used -----------------------------------------------------


def test_a_parameter_file_naming_a_missing_template_is_reported_at_the_link(at_root):
    folder = f"{PF}/missing-template"
    findings = _cli(folder, exit_code=1)
    assert _where(findings) == [("BCDR001", f"{folder}/aks.parameters.prod.json", 5)]
    assert findings[0]["message"].startswith(
        f"this parameter file deploys {PF}/templates/aks-stamp.json, which does not exist"
    )


def test_an_unparseable_parameter_file_is_one_error_and_leaves_its_deployment_unknown(at_root):
    folder = f"{PF}/broken"
    assert findings_for([folder], ["BCDR1", "BCDR3", "BCDR002"]) == [
        ("BCDR001", f"{folder}/azuredeploy.parameters.json", 6),
        ("BCDR002", f"{folder}/azuredeploy.json", 13),
    ]
    note = next(f for f in run([folder], ["BCDR1", "BCDR002"]) if f.rule_id == "BCDR002")
    assert f"its parameter file {folder}/azuredeploy.parameters.json could not be read" in note.message
    assert note.needed_by == ("BCDR101", "BCDR102")


def test_sarif_has_one_result_with_each_parameter_file_related(at_root):
    result = CliRunner().invoke(main, ["check", BASIC, "--select", "BCDR302", "--format", "sarif"],
                                catch_exceptions=False)
    assert result.exit_code == 1
    (sarif_result,) = json.loads(result.output)["runs"][0]["results"]
    assert sarif_result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == f"{BASIC}/cluster-stamp.json"
    related = [r["physicalLocation"]["artifactLocation"]["uri"] for r in sarif_result["relatedLocations"]]
    assert related == [f"{BASIC}/azuredeploy.parameters.centralus.json", f"{BASIC}/azuredeploy.parameters.eastus2.json"]


# -- parameter files in another folder ------------------------------------------------------

ELSEWHERE = "fixtures/BCDR102/bad/arm-parameter-files"


def test_parameter_files_in_another_folder_deploy_the_template_they_link(at_root):
    # parameters/prod-*.json name ../main.json by metadata.template: two deployments, westeurope
    # and westus3, each without its pair. Checked with its default alone, the stamp would be a
    # single eastus2 cluster (BCDR101), a finding about a deployment nobody makes.
    assert findings_for([ELSEWHERE], ["BCDR1", "BCDR002"]) == [("BCDR102", f"{ELSEWHERE}/main.json", 17)]
    (finding,) = run([ELSEWHERE], ["BCDR102"])
    assert finding.message.endswith("(in 2 deployments of this template; see each parameter file)")
    deployed = [(r.location.path, r.message) for r in finding.related if r.message.startswith("deployed with")]
    assert [path for path, _ in deployed] == [f"{ELSEWHERE}/parameters/prod-westeurope.json",
                                              f"{ELSEWHERE}/parameters/prod-westus3.json"]
    assert "westus3 is paired with eastus, which has no cluster" in deployed[1][1]


def test_a_parameter_file_checked_without_its_template_deploys_it(at_root):
    # Only one deployment is checked: its template is read for it, with its values alone.
    params = f"{ELSEWHERE}/parameters/prod-westus3.json"
    findings = _cli(params, "--select", "BCDR1,BCDR002", exit_code=1)
    assert _where(findings) == [("BCDR101", f"{ELSEWHERE}/main.json", 17)]
    assert findings[0]["message"].startswith("AKS cluster 'aks-ledger-prod-westus3' is in westus3")
    assert [r["location"]["path"] for r in findings[0]["related"]] == [params]


def test_a_folder_of_parameter_files_deploys_their_template_once_each(at_root):
    assert findings_for([f"{ELSEWHERE}/parameters"], ["BCDR1", "BCDR002"]) == [
        ("BCDR102", f"{ELSEWHERE}/main.json", 17),
    ]


def test_param_file_option_for_a_template_outside_the_checked_paths_is_a_usage_error(at_root):
    result = CliRunner().invoke(main, ["check", f"{STAMPS}/shared-svcs-stamp.json", "--param-file",
                                       f"{BASIC}/cluster-stamp.json={BASIC}/azuredeploy.parameters.eastus2.json"])
    assert result.exit_code == 2
    assert "internal error" not in result.output
    assert f"--param-file: {BASIC}/cluster-stamp.json is not among the checked paths" in result.output


def test_param_file_option_naming_a_missing_file_is_a_usage_error_not_an_internal_one(at_root):
    for value in (f"{BASIC}/nope.json={BASIC}/azuredeploy.parameters.eastus2.json", f"{BASIC}/cluster-stamp.json",
                  f"{BASIC}/cluster-stamp.json={BASIC}/nope.parameters.json"):
        result = CliRunner().invoke(main, ["check", BASIC, "--param-file", value])
        assert result.exit_code == 2, value
        assert "internal error" not in result.output and "Usage:" in result.output, result.output
    result = CliRunner().invoke(main, ["topology", BASIC, "--param-file", f"{BASIC}/nope.json={BASIC}/x.json"])
    assert result.exit_code == 2 and "internal error" not in result.output


def test_three_deployments_one_in_another_region_are_one_finding_per_template_line(at_root, tmp_path, monkeypatch):
    # dev and test deploy the shared registry to eastus2, prod to westeurope; clusters run in
    # eastus2 and centralus. Each deployment misses replicas (prod misses both regions): one
    # BCDR402 at the registry's line, each parameter file related with what it deploys.
    monkeypatch.chdir(tmp_path)
    schema = "https://schema.management.azure.com/schemas/2019-04-01/"
    (tmp_path / "acr.json").write_text(json.dumps({
        "$schema": schema + "deploymentTemplate.json#",
        "parameters": {"location": {"type": "string"}},
        "resources": [{"type": "Microsoft.ContainerRegistry/registries", "apiVersion": "2023-07-01",
                       "name": "acrshared", "location": "[parameters('location')]", "sku": {"name": "Premium"}}],
    }, indent=2), encoding="utf-8")
    for env, region in (("dev", "eastus2"), ("test", "eastus2"), ("prod", "westeurope")):
        (tmp_path / f"acr.parameters.{env}.json").write_text(json.dumps({
            "$schema": schema + "deploymentParameters.json#", "parameters": {"location": {"value": region}}}),
            encoding="utf-8")
    (tmp_path / "aks.json").write_text(json.dumps({"$schema": schema + "deploymentTemplate.json#", "resources": [
        {"type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-02-01", "name": f"aks-{region}",
         "location": region, "properties": {"agentPoolProfiles": [{"name": "system", "mode": "System", "count": 3}]}}
        for region in ("eastus2", "centralus")]}, indent=2), encoding="utf-8")
    (finding,) = run(["."], ["BCDR402"])
    assert (finding.location.path, finding.location.start_line) == ("acr.json", 9)
    assert finding.message.endswith("(in 3 deployments of this template; see each parameter file)")
    deployed = {r.location.path: r.message for r in finding.related if r.message.startswith("deployed with")}
    assert sorted(deployed) == ["acr.parameters.dev.json", "acr.parameters.prod.json", "acr.parameters.test.json"]
    assert "(home westeurope, no replicas) has no replica in centralus, eastus2" in deployed["acr.parameters.prod.json"]
    assert "(home eastus2, no replicas) has no replica in centralus," in deployed["acr.parameters.test.json"]
