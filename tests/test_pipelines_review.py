"""Pipeline loader, read adversarially: inputs real platform teams write that the first version
misread (each test names the input, what was read, and what is read now)."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from bcdr_lint.loaders.pipelines import load_file
from bcdr_lint.model import Unresolved


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def write(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return tmp_path

    return write


def targets(path: str) -> list[tuple]:
    """(line, how, cluster, resource group) of each deploy step, unresolved as `?expr`."""
    result = load_file(path)
    (resource,) = result.resources

    def show(value):
        return f"?{value.expression}" if isinstance(value, Unresolved) else value

    return [(s.location.start_line, s.how, show(s.cluster), show(s.resource_group))
            for s in resource.get("deploy_steps")]


WF = ".github/workflows/deploy.yml"
AP = "azure-pipelines.yml"


# -- Azure Pipelines script tasks --------------------------------------------------------------

def test_script_task_with_an_unknown_macro_elsewhere_still_deploys(repo):
    # Was: the whole inline script became one Unresolved (because of $(Build.BuildId)) and its
    # `az aks get-credentials` was never read -- a pipeline deploying two clusters deployed none.
    repo({AP: """\
        jobs:
          - job: deploy
            strategy:
              matrix:
                east: { clusterName: aks-east }
                west: { clusterName: aks-west }
            steps:
              - task: Bash@3
                inputs:
                  targetType: inline
                  script: |
                    echo "Build $(Build.BuildId)"
                    az aks get-credentials -g rg -n $(clusterName)
              - task: AzureCLI@2
                inputs:
                  azureSubscription: sc-prod
                  scriptType: bash
                  scriptLocation: inlineScript
                  inlineScript: |
                    az aks get-credentials \\
                      -g $(rg) \\
                      -n $(clusterName)
        """})
    assert targets(AP) == [
        (8, "az aks get-credentials", "aks-east", "rg"),
        (14, "az aks get-credentials", "aks-east", "?$(rg)"),
        (8, "az aks get-credentials", "aks-west", "rg"),
        (14, "az aks get-credentials", "aks-west", "?$(rg)"),
    ]


def test_deployment_job_script_with_a_variable_group_value_is_unresolved(repo):
    repo({AP: """\
        variables:
          - group: shop-prod
        jobs:
          - deployment: deploy
            environment: shop-prod
            strategy:
              runOnce:
                deploy:
                  steps:
                    - task: AzureCLI@2
                      inputs:
                        azureSubscription: sc
                        scriptType: pscore
                        scriptLocation: inlineScript
                        inlineScript: az aks get-credentials -g rg -n $(clusterName)
        """})
    ((line, how, cluster, group),) = targets(AP)
    assert (line, how, cluster, group) == (10, "az aks get-credentials", "?$(clusterName)", "rg")
    step = load_file(AP).resources[0].get("deploy_steps")[0]
    assert "variable group shop-prod" in step.cluster.reason


def test_runtime_expression_is_named_whole_in_the_reason(repo):
    # Was: "$[ variables['Build.SourceBranchName']" -- cut at the first `]`.
    repo({AP: """\
        variables:
          picked: $[ variables['Build.SourceBranchName'] ]
        steps:
          - script: az aks get-credentials -g rg -n $(picked)
        """})
    step = load_file(AP).resources[0].get("deploy_steps")[0]
    assert "$[ variables['Build.SourceBranchName'] ]" in step.cluster.reason
    assert "runtime expression" in step.cluster.reason


# -- shell control flow ------------------------------------------------------------------------

def test_commands_after_shell_keywords_are_read(repo):
    # Was: `do az aks ...`, `then kubectl ...` were commands named "do" and "then": not deploys.
    repo({WF: """\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - run: if [ -n "$CI" ]; then az aks get-credentials -n aks-a -g rg; fi
              - run: |
                  while false; do az aks get-credentials -n aks-b -g rg; done
                  { az aks get-credentials -n aks-c -g rg; }
        """})
    assert [t[2] for t in targets(WF)] == ["aks-a", "aks-b", "aks-c"]


def test_for_loops_over_written_words_deploy_once_per_word(repo):
    repo({WF: """\
        on: push
        env:
          CLUSTERS: aks-c aks-d
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - run: for c in aks-a aks-b; do az aks get-credentials -n "$c" -g rg; kubectl apply -f k8s/; done
              - run: |
                  for cluster in $CLUSTERS
                  do
                    az aks get-credentials --name "$cluster" --resource-group rg
                  done
              - run: |
                  for cluster in $(az aks list --query '[].name' -o tsv); do
                    az aks get-credentials -n "$cluster" -g rg
                  done
              - run: |
                  az aks get-credentials -n aks-a -g rg --context a
                  az aks get-credentials -n aks-b -g rg --context b
                  for ctx in a b; do
                    kubectl config use-context "$ctx"
                  done
        """})
    found = targets(WF)
    assert [t[2] for t in found] == [
        "aks-a", "aks-b", "aks-c", "aks-d", "?$cluster", "aks-a", "aks-b", "aks-a", "aks-b",
    ]
    assert [t[0] for t in found] == [8, 8, 9, 9, 14, 18, 18, 18, 18]
    computed = load_file(WF).resources[0].get("deploy_steps")[4].cluster
    assert "output of a shell command" in computed.reason


def test_c_style_loops_and_case_patterns(repo):
    repo({WF: """\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  case "$ENVIRONMENT" in
                    prod) az aks get-credentials -n aks-a -g rg ;;
                    *) (cd infra && terraform apply -auto-approve) ;;
                  esac
                  for ((i = 0; i < 2; i++)); do
                    az aks get-credentials -n "aks-$i" -g rg
                  done
        """})
    found = targets(WF)
    assert [t[1:3] for t in found] == [
        ("az aks get-credentials", "aks-a"), ("terraform apply", None), ("az aks get-credentials", "?aks-$i"),
    ]
    # The subshell's `cd infra` is where terraform applies.
    assert load_file(WF).resources[0].get("deploy_steps")[1].template == "infra"


def test_cd_in_a_script_moves_where_later_commands_run(repo):
    repo({WF: """\
        on: push
        jobs:
          infra:
            runs-on: ubuntu-latest
            defaults:
              run:
                working-directory: infra
            steps:
              - run: |
                  cd prod
                  terraform init -input=false
                  terraform apply -auto-approve
                  cd ../dr && terraform apply -auto-approve
                  cd "$RUNNER_TEMP" && terraform apply -auto-approve
        """})
    steps = load_file(WF).resources[0].get("deploy_steps")
    assert [s.template for s in steps[:2]] == ["infra/prod", "infra/dr"]
    assert isinstance(steps[2].cluster, Unresolved) and steps[2].cluster.expression == "$RUNNER_TEMP"


# -- GitHub matrices ---------------------------------------------------------------------------

def test_a_matrix_beyond_githubs_limit_is_reported_not_expanded(repo):
    # Was: 30^4 x 2 combinations expanded one by one (minutes).
    values = ", ".join(f"v{i}" for i in range(30))
    repo({WF: f"""\
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                a: [{values}]
                b: [{values}]
                c: [{values}]
                d: [{values}]
                cluster: [aks-a, aks-b]
            steps:
              - run: az aks get-credentials -g rg -n ${{{{ matrix.cluster }}}}
        """})
    started = time.perf_counter()
    result = load_file(WF)
    assert time.perf_counter() - started < 5
    (error,) = result.errors
    assert error.location.start_line == 6 and "1620000 combinations" in error.message and "256" in error.message
    (step,) = result.resources[0].get("deploy_steps")
    assert isinstance(step.cluster, Unresolved) and "256" in step.cluster.reason


def test_a_matrix_at_githubs_limit_is_expanded(repo):
    values = ", ".join(f"v{i}" for i in range(128))
    repo({WF: f"""\
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                a: [{values}]
                cluster: [aks-a, aks-b]
            steps:
              - run: az aks get-credentials -g rg -n ${{{{ matrix.cluster }}}}
        """})
    assert load_file(WF).errors == []
    assert [t[2] for t in targets(WF)] == ["aks-a", "aks-b"]


# -- actions and reusable workflows GitHub runs but the workflow file does not show ------------

def test_reusable_workflow_of_another_repository_is_unresolved_not_ignored(repo):
    # Was: ignored, so a pipeline deploying one cluster itself and the other through an
    # organisation-wide workflow was said to miss the other.
    repo({WF: """\
        on: push
        jobs:
          east:
            runs-on: ubuntu-latest
            steps:
              - run: az aks get-credentials -n aks-a -g rg
          west:
            uses: contoso/platform/.github/workflows/aks-deploy.yml@v2
            with:
              cluster: aks-b
        """})
    found = targets(WF)
    assert found[0] == (6, "az aks get-credentials", "aks-a", "rg")
    assert found[1][:3] == (8, "reusable workflow", "?contoso/platform/.github/workflows/aks-deploy.yml@v2")
    step = load_file(WF).resources[0].get("deploy_steps")[1]
    assert "another repository" in step.cluster.reason and step.cluster.location.start_line == 8


def test_local_composite_action_is_walked_with_its_inputs(repo):
    repo({
        ".github/actions/aks-deploy/action.yml": """\
            name: AKS deploy
            inputs:
              cluster:
                required: true
              resource-group:
                default: rg-shop
            runs:
              using: composite
              steps:
                - uses: azure/aks-set-context@v4
                  with:
                    cluster-name: ${{ inputs.cluster }}
                    resource-group: ${{ inputs.resource-group }}
                - shell: bash
                  run: kubectl apply -f "$MANIFESTS"
                  env:
                    MANIFESTS: k8s/
            """,
        WF: """\
            on: push
            jobs:
              deploy:
                runs-on: ubuntu-latest
                strategy:
                  matrix:
                    cluster: [aks-a, aks-b]
                steps:
                  - uses: actions/checkout@v4
                  - uses: ./.github/actions/aks-deploy
                    with:
                      cluster: ${{ matrix.cluster }}
                  - uses: azure/k8s-deploy@v5
                    with:
                      manifests: k8s/
            """,
    })
    assert targets(WF) == [
        (10, "azure/aks-set-context", "aks-a", "rg-shop"),
        (13, "azure/k8s-deploy", "aks-a", "rg-shop"),
        (10, "azure/aks-set-context", "aks-b", "rg-shop"),
        (13, "azure/k8s-deploy", "aks-b", "rg-shop"),
    ]


def test_an_action_that_is_not_read_but_is_given_a_cluster_is_unresolved(repo):
    repo({
        ".github/actions/not-composite/action.yml": "runs:\n  using: node20\n  main: index.js\n",
        WF: """\
            on: push
            jobs:
              deploy:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - uses: contoso/deploy-to-aks@v1
                    with:
                      cluster-name: aks-b
                      resource-group: rg
                  - uses: ./.github/actions/not-composite
                    with:
                      aks_cluster: aks-c
                  - uses: ./.github/actions/missing
                    with:
                      kube-context: aks-d
                  - uses: docker/build-push-action@v6
                    with:
                      context: .
                      tags: acr.azurecr.io/shop:latest
                  - uses: azure/use-kubelogin@v1
                    with:
                      kubelogin-version: v0.0.25
            """,
    })
    found = targets(WF)
    assert [t[:3] for t in found] == [
        (7, "contoso/deploy-to-aks", "?contoso/deploy-to-aks@v1"),
        (11, "./.github/actions/not-composite", "?./.github/actions/not-composite"),
        (14, "./.github/actions/missing", "?./.github/actions/missing"),
    ]
    reasons = [s.cluster.reason for s in load_file(WF).resources[0].get("deploy_steps")]
    assert "aks-b" in reasons[0] and "does not read" in reasons[0]


def test_composite_action_calling_itself_is_reported(repo):
    repo({
        ".github/actions/loop/action.yml": """\
            runs:
              using: composite
              steps:
                - uses: ./.github/actions/loop
            """,
        WF: "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/loop\n",
    })
    result = load_file(WF)
    assert any("calls itself" in e.message for e in result.errors)


# -- files that are not (valid) pipelines --------------------------------------------------------

def test_a_tab_indent_is_named_as_such(repo):
    (Path(".github/workflows")).mkdir(parents=True)
    Path(WF).write_text("on: push\njobs:\n  deploy:\n\truns-on: ubuntu-latest\n", encoding="utf-8")
    result = load_file(WF)
    (error,) = result.errors
    assert (error.location.start_line, error.location.start_col) == (4, 1)
    assert "tab" in error.message and result.resources == []
