"""BCDR701 pipeline-misses-cluster."""

import textwrap

from tests.helpers import findings_for, run

F = "fixtures/BCDR701"
RULES = ["BCDR701", "BCDR002"]


def related_of(finding):
    return [(r.location.path, r.location.start_line) for r in finding.related]


def test_github_matrix_over_two_of_three_terraform_clusters(at_root):
    workflow = f"{F}/bad/github/.github/workflows/deploy.yml"
    assert findings_for([f"{F}/bad/github"], RULES) == [("BCDR701", workflow, 40)]
    (finding,) = run([f"{F}/bad/github"], RULES)
    assert finding.level == "warning"
    assert "deploys to 2 of the 3 AKS clusters" in finding.message
    assert "not to 'aks-storefront-westus3' in rg-storefront-westus3" in finding.message
    assert related_of(finding) == [(f"{F}/bad/github/infra/main.tf", 69)]


def test_azure_pipelines_loop_over_two_of_three_arm_clusters(at_root):
    # The first deploy step is in the stage template the loop includes once per region.
    template = f"{F}/bad/azure-pipelines/templates/deploy-cluster.yml"
    assert findings_for([f"{F}/bad/azure-pipelines"], RULES) == [("BCDR701", template, 20)]
    (finding,) = run([f"{F}/bad/azure-pipelines"], RULES)
    assert f"'{F}/bad/azure-pipelines/azure-pipelines.yml'" in finding.message
    assert "('aks-payments-eastus2', 'aks-payments-westus3') but not to 'aks-payments-centralus'" in finding.message
    assert related_of(finding) == [(f"{F}/bad/azure-pipelines/infra/azuredeploy.json", 32)]


def test_azure_pipelines_matrix_over_two_of_three_terraform_clusters(at_root):
    folder = f"{F}/bad/azure-pipelines-matrix"
    assert findings_for([folder], RULES) == [("BCDR701", f"{folder}/azure-pipelines.yml", 26)]
    (finding,) = run([folder], RULES)
    assert "not to 'aks-ledger-swc'" in finding.message
    assert related_of(finding) == [(f"{folder}/infra/clusters.tf", 51)]


def test_terraform_apply_of_a_root_deploys_the_clusters_of_its_modules(at_root):
    # infra/prod instantiates ../../modules/aks twice; infra/dr once, and no step applies it.
    folder = f"{F}/bad/terraform-roots"
    assert findings_for([folder], RULES) == [("BCDR701", f"{folder}/.github/workflows/deploy.yml", 8)]
    (finding,) = run([folder], RULES)
    assert "deploys to 2 of the 3 AKS clusters ('aks-east' in rg, 'aks-central' in rg) but not to 'aks-west'" in finding.message
    assert related_of(finding) == [(f"{folder}/modules/aks/main.tf", 4)]


def test_pipelines_that_deploy_every_cluster_pass(at_root):
    for variant in ("github", "azure-pipelines", "template-deploy"):
        assert findings_for([f"{F}/good/{variant}"], RULES) == [], variant


def test_cluster_list_outside_the_code_is_unresolved_not_a_miss(at_root):
    folder = f"{F}/unresolved/github"
    assert findings_for([folder], RULES) == [("BCDR002", f"{folder}/.github/workflows/deploy.yml", 25)]
    (note,) = run([folder], RULES)
    assert note.needed_by == ("BCDR701",)
    assert "`${{ matrix.cluster.name }}`" in note.message
    assert "vars.AKS_CLUSTERS" in note.message


def test_kubernetes_service_connection_is_unresolved_not_a_miss(at_root):
    folder = f"{F}/unresolved/azure-pipelines"
    assert findings_for([folder], RULES) == [("BCDR002", f"{folder}/azure-pipelines.yml", 26)]
    (note,) = run([folder], RULES)
    assert "service connection k8s-payments-secondary" in note.message


CLUSTER = """
resource "azurerm_kubernetes_cluster" "{key}" {{
  name                = "{name}"
  location            = "{region}"
  resource_group_name = "{group}"
  dns_prefix          = "{key}"
  {extra}
  default_node_pool {{
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }}
}}
"""


def write_repo(tmp_path, clusters, workflow, extra_files=None):
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text("".join(
        CLUSTER.format(key=f"c{i}", name=n, region="eastus2", group=g, extra=x) for i, (n, g, x) in enumerate(clusters)
    ))
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "deploy.yml").write_text(textwrap.dedent(workflow))
    for name, text in (extra_files or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)


WORKFLOW = """\
    on: push
    jobs:
      deploy:
        runs-on: ubuntu-latest
        steps:
          - run: az aks get-credentials -n aks-b -g rg-b
          - run: az aks get-credentials -n aks-a -g ${{ secrets.GROUP }}
    """


def test_a_name_in_several_groups_holds_back_only_for_those_clusters(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # Two clusters named aks-a: the step with an unknown group may deploy to either.
    write_repo(tmp_path, [("aks-a", "rg-a1", ""), ("aks-a", "rg-a2", ""), ("aks-b", "rg-b", "")], WORKFLOW)
    assert findings_for(["."], RULES) == [("BCDR002", ".github/workflows/deploy.yml", 7)]


def test_a_cluster_no_step_can_reach_is_missed_despite_unknown_steps(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_repo(tmp_path, [("aks-a", "rg-a1", ""), ("aks-a", "rg-a2", ""), ("aks-b", "rg-b", ""),
                          ("aks-c", "rg-c", "")], WORKFLOW)
    assert findings_for(["."], RULES) == [
        ("BCDR002", ".github/workflows/deploy.yml", 7),
        ("BCDR701", ".github/workflows/deploy.yml", 6),
    ]
    finding = next(f for f in run(["."], RULES) if f.rule_id == "BCDR701")
    assert "but not to 'aks-c' in rg-c" in finding.message
    assert related_of(finding) == [("infra/main.tf", 3 * 13 + 3)]  # each cluster block is 13 lines


def test_a_target_from_a_secret_may_be_any_cluster(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_repo(tmp_path, [("aks-a", "rg-a", ""), ("aks-b", "rg-b", "")], """\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - run: az aks get-credentials -n aks-a -g rg-a
              - run: kubectl --context ${{ secrets.SECOND_CONTEXT }} apply -f k8s/
        """)
    assert findings_for(["."], RULES) == [("BCDR002", ".github/workflows/deploy.yml", 7)]


def test_a_template_that_is_not_checked_may_declare_any_cluster(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_repo(tmp_path, [("aks-a", "rg-a", ""), ("aks-b", "rg-b", "")], """\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - run: az deployment group create -g rg -f build/main.json
              - run: az aks get-credentials -n aks-a -g rg-a
        """)
    assert findings_for(["."], RULES) == [("BCDR002", ".github/workflows/deploy.yml", 6)]
    (note,) = run(["."], RULES)
    assert "`build/main.json`" in note.message and "not among the checked files" in note.message


def test_a_cluster_that_may_not_exist_is_not_claimed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_repo(tmp_path, [("aks-a", "rg-a", ""), ("aks-dr", "rg-dr", "count = var.with_dr ? 1 : 0")], """\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - run: az aks get-credentials -n aks-a -g rg-a
        """, {"infra/variables.tf": 'variable "with_dr" {\n  type = bool\n}\n'})
    assert findings_for(["."], RULES) == [("BCDR002", "infra/main.tf", 13 + 7)]  # the second cluster's count
    (note,) = run(["."], RULES)
    assert "whether it is deployed" in note.message


def test_pipelines_deploying_to_no_cluster_of_the_model_pass(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_repo(tmp_path, [("aks-a", "rg-a", ""), ("aks-b", "rg-b", "")], """\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - run: az aks get-credentials -n aks-sandbox -g rg-sandbox
              - run: kubectl --context kind-ci apply -f k8s/
        """)
    assert findings_for(["."], RULES) == []


def test_no_clusters_no_findings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "deploy.yml").write_text(
        "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: kubectl --context ${{ secrets.CTX }} apply -f k8s/\n"
    )
    assert findings_for(["."], RULES) == []


def test_a_repeated_cluster_name_is_told_apart_by_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_repo(tmp_path, [("aks-a", "rg-prod", ""), ("aks-b", "rg-prod", "")], """\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                cluster: [aks-a, aks-b]
            steps:
              - run: az aks get-credentials -n ${{ matrix.cluster }} -g rg-prod
        """, {"dr/main.tf": CLUSTER.format(key="dr", name="aks-a", region="westus3", group="rg-prod-dr", extra=""),
              # Another environment's cluster of the same name is not this pipeline's to deploy.
              "dev/main.tf": CLUSTER.format(key="dev", name="aks-a", region="eastus2", group="rg-dev", extra="")})
    assert findings_for(["."], RULES) == [("BCDR701", ".github/workflows/deploy.yml", 9)]
    (finding,) = run(["."], RULES)
    assert ("('aks-a' in rg-prod (infra/main.tf), 'aks-b' in rg-prod) "
            "but not to 'aks-a' in rg-prod-dr (dr/main.tf)") in finding.message
    assert related_of(finding) == [("dr/main.tf", 3)]


def test_deploying_a_bicep_file_deploys_the_clusters_of_its_modules(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    aks = ("param name string\nresource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {\n"
           "  name: name\n  location: 'eastus2'\n  properties: { dnsPrefix: name }\n}\n")
    main = ("module east 'modules/aks.bicep' = {\n  name: 'east'\n  params: { name: 'aks-east' }\n}\n"
            "module west 'modules/aks.bicep' = {\n  name: 'west'\n  params: { name: 'aks-west' }\n}\n")
    workflow = ("on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: az deployment group create -g rg -f infra/main.bicep\n"
                "      - run: az aks get-credentials -n aks-east -g rg\n")
    for name, text in {"infra/modules/aks.bicep": aks, "infra/main.bicep": main, WORKFLOW_PATH: workflow}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert findings_for(["."], RULES) == []
    # Without the infrastructure step, the pipeline reaches one of the two clusters.
    (tmp_path / WORKFLOW_PATH).write_text(workflow.replace("az deployment group create -g rg -f infra/main.bicep",
                                                           "echo build"))
    assert findings_for(["."], RULES) == [("BCDR701", WORKFLOW_PATH, 7)]


WORKFLOW_PATH = ".github/workflows/deploy.yml"
