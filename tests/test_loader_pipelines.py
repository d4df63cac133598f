"""The pipeline loader: GitHub Actions workflows and Azure Pipelines in, deploy steps out."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bcdr_lint.loaders.pipelines import load_file
from bcdr_lint.loaders.pipelines_expr import Contexts, evaluate
from bcdr_lint.model import Kind, Unresolved


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository in the current folder, so paths read as the model shows them."""
    monkeypatch.chdir(tmp_path)

    def write(files: dict[str, str]) -> Path:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return tmp_path

    return write


def load(path: str):
    result = load_file(path)
    return result, (result.resources[0] if result.resources else None)


def targets(resource) -> list[tuple]:
    """(line, how, cluster, resource group, template) of each deploy step, unresolved as `?expr`."""
    def show(value):
        return f"?{value.expression}" if isinstance(value, Unresolved) else value

    return [(s.location.start_line, s.how, show(s.cluster), show(s.resource_group), s.template)
            for s in resource.get("deploy_steps")]


WF = ".github/workflows/deploy.yml"
AP = "azure-pipelines.yml"


# -- files that are not pipelines -------------------------------------------------------------

def test_yaml_syntax_error_is_a_parse_error_at_its_line(repo):
    repo({WF: "on: push\njobs:\n  a: [unclosed\n"})
    result, resource = load(WF)
    assert resource is None
    (error,) = result.errors
    assert error.location.path == WF and error.location.start_line == 4
    assert error.message.startswith("YAML syntax error")


def test_several_documents_and_non_mappings_are_reported(repo):
    repo({WF: "on: push\n---\njobs: {}\n", AP: "- just\n- a list\n"})
    (error,) = load(WF)[0].errors
    assert "one YAML document" in error.message and error.location.start_line == 2
    (error,) = load(AP)[0].errors
    assert error.message == "a pipeline must be a YAML mapping"


def test_pipeline_resource_is_located_at_its_jobs(repo):
    repo({WF: """\
        name: Deploy
        on: push
        jobs:
          a:
            runs-on: ubuntu-latest
            steps: [{run: echo hi}]
        """})
    result, resource = load(WF)
    assert result.errors == []
    assert resource.kind is Kind.PIPELINE
    assert resource.name == "Deploy" and resource.get("system") == "github-actions"
    assert resource.location.start_line == 3
    assert resource.get("deploy_steps") == []


# -- GitHub Actions ----------------------------------------------------------------------------

def test_matrix_include_adds_to_matching_entries_and_creates_new_ones(repo):
    repo({WF: """\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                cluster: [aks-a, aks-b, aks-x]
                exclude:
                  - cluster: aks-x
                include:
                  - cluster: aks-a
                    rg: rg-a
                  - cluster: aks-c
                    rg: rg-c
            steps:
              - uses: azure/aks-set-context@v4
                with:
                  cluster-name: ${{ matrix.cluster }}
                  resource-group: ${{ matrix.rg || 'rg-default' }}
        """})
    _, resource = load(WF)
    assert targets(resource) == [
        (16, "azure/aks-set-context", "aks-a", "rg-a", None),
        (16, "azure/aks-set-context", "aks-b", "rg-default", None),
        (16, "azure/aks-set-context", "aks-c", "rg-c", None),
    ]


def test_matrix_of_only_include_entries(repo):
    repo({WF: """\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                include:
                  - {name: aks-a, group: rg-a}
                  - {name: aks-b, group: rg-b}
            steps:
              - run: az aks get-credentials --name=${{ matrix.name }} --resource-group ${{ matrix.group }}
        """})
    _, resource = load(WF)
    assert [t[2:4] for t in targets(resource)] == [("aks-a", "rg-a"), ("aks-b", "rg-b")]


def test_env_of_workflow_job_and_step_and_shell_variables(repo):
    repo({WF: """\
        on: push
        env:
          PREFIX: aks-shop
          RG: rg-shop
        jobs:
          deploy:
            runs-on: ubuntu-latest
            env:
              CLUSTER: ${{ env.PREFIX }}-east
            steps:
              - env:
                  RG: rg-override
                run: |
                  az aks get-credentials -n "$CLUSTER" -g ${RG}
                  SECOND=$PREFIX-west
                  az aks get-credentials -n $SECOND -g "$RG"
        """})
    _, resource = load(WF)
    assert [t[2:4] for t in targets(resource)] == [("aks-shop-east", "rg-override"), ("aks-shop-west", "rg-override")]


def test_github_env_file_sets_values_for_later_steps(repo):
    repo({WF: """\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - run: echo "TARGET=aks-late" >> "$GITHUB_ENV"
              - run: az aks get-credentials -n $TARGET -g rg
        """})
    _, resource = load(WF)
    assert targets(resource) == [(7, "az aks get-credentials", "aks-late", "rg", None)]


def test_secrets_vars_and_step_outputs_are_unresolved_at_the_step(repo):
    repo({WF: """\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: azure/aks-set-context@v4
                with:
                  cluster-name: aks-${{ vars.REGION }}
                  resource-group: ${{ secrets.RG }}
              - run: az aks get-credentials -n ${{ steps.pick.outputs.cluster }} -g $(cat group.txt)
              - run: az aks get-credentials -n ${{ inputs.cluster }} -g rg
        """})
    _, resource = load(WF)
    first, second, third = resource.get("deploy_steps")
    assert first.cluster.expression == "aks-${{ vars.REGION }}"
    assert "configuration variable" in first.cluster.reason
    assert first.cluster.location.start_line == 6
    assert "secret" in first.resource_group.reason
    assert "output of an earlier step" in second.cluster.reason
    assert second.resource_group.expression == "$(cat group.txt)"
    assert "shell command" in second.resource_group.reason
    assert third.cluster.reason == "an input given when the workflow is started"


def test_k8s_deploy_deploys_where_the_job_set_the_context(repo):
    repo({WF: """\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: Azure/aks-set-context@v3
                with: {cluster-name: aks-a, resource-group: rg-a}
              - uses: Azure/k8s-deploy@v5
                with: {manifests: k8s/}
          orphan:
            runs-on: ubuntu-latest
            steps:
              - uses: azure/k8s-deploy@v5
                with: {manifests: k8s/}
        """})
    _, resource = load(WF)
    assert targets(resource) == [
        (6, "Azure/aks-set-context", "aks-a", "rg-a", None),
        (8, "Azure/k8s-deploy", "aks-a", "rg-a", None),
        (13, "azure/k8s-deploy", "?azure/k8s-deploy@v5", None, None),
    ]


def test_kube_contexts_read_only_commands_and_use_context(repo):
    repo({WF: """\
        on: push
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - run: |
                  az aks get-credentials -n aks-a -g rg-a --context primary
                  kubectl --context primary get pods
                  kubectl --context primary -n web apply -f k8s/
                  helm --kube-context aks-b status web
                  helm upgrade --install web ./chart --kube-context aks-b && echo done
                  kubectl config use-context aks-c
        """})
    _, resource = load(WF)
    assert [t[1:4] for t in targets(resource)] == [
        ("az aks get-credentials", "aks-a", "rg-a"),
        ("kubectl --context", "aks-a", "rg-a"),
        ("helm --kube-context", "aks-b", None),
        ("kubectl config use-context", "aks-c", None),
    ]


def test_template_paths_start_at_the_repository_root(repo):
    repo({"app/" + WF: """\
        on: push
        defaults:
          run:
            working-directory: deploy
        jobs:
          infra:
            runs-on: ubuntu-latest
            steps:
              - run: az deployment group create -g rg --template-file ../infra/main.json
              - run: az deployment sub create -l eastus2 -f ${{ github.workspace }}/infra/sub.bicep
              - uses: azure/arm-deploy@v2
                with: {resourceGroupName: rg, template: ./infra/aks.json}
              - run: az deployment group create -g rg --template-uri https://example.com/t.json
        """})
    _, resource = load("app/" + WF)
    assert [t[1:] for t in targets(resource)] == [
        ("az deployment group create", None, None, "app/infra/main.json"),
        ("az deployment sub create", None, None, "app/infra/sub.bicep"),
        ("azure/arm-deploy", None, None, "app/infra/aks.json"),
    ]


def test_azd_deploys_the_infra_folder_of_azure_yaml_and_terraform_its_folder(repo):
    repo({
        "azure.yaml": "name: shop\ninfra:\n  provider: terraform\n  path: platform/tf\n",
        WF: """\
            on: push
            jobs:
              up:
                runs-on: ubuntu-latest
                steps:
                  - run: azd up --no-prompt
                  - run: azd deploy web
                    working-directory: services
                  - run: terraform -chdir=stacks/aks apply -auto-approve
                  - run: terraform plan
            """,
    })
    _, resource = load(WF)
    assert [t[1:] for t in targets(resource)] == [
        ("azd up", None, None, "platform/tf"),
        ("azd deploy", None, None, "platform/tf"),  # azd finds azure.yaml above the working directory
        ("terraform apply", None, None, "stacks/aks"),
    ]


def test_reusable_workflow_is_walked_with_the_callers_inputs(repo):
    repo({
        ".github/workflows/release.yml": """\
            on: push
            jobs:
              deploy:
                strategy:
                  matrix:
                    cluster: [aks-a, aks-b]
                uses: ./.github/workflows/deploy-one.yml
                with:
                  cluster: ${{ matrix.cluster }}
            """,
        ".github/workflows/deploy-one.yml": """\
            on:
              workflow_call:
                inputs:
                  cluster: {type: string, required: true}
                  group: {type: string, default: rg-shared}
            jobs:
              deploy:
                runs-on: ubuntu-latest
                steps:
                  - uses: azure/aks-set-context@v4
                    with:
                      cluster-name: ${{ inputs.cluster }}
                      resource-group: ${{ inputs.group }}
            """,
    })
    _, caller = load(".github/workflows/release.yml")
    steps = caller.get("deploy_steps")
    assert [(s.location.path, s.cluster, s.resource_group) for s in steps] == [
        (".github/workflows/deploy-one.yml", "aks-a", "rg-shared"),
        (".github/workflows/deploy-one.yml", "aks-b", "rg-shared"),
    ]
    # Called only by other workflows: it deploys through them, not on its own.
    _, callee = load(".github/workflows/deploy-one.yml")
    assert callee.get("deploy_steps") == []


def test_unreadable_reusable_workflow_is_reported_at_the_call(repo):
    repo({WF: "on: push\njobs:\n  d:\n    uses: ./.github/workflows/missing.yml\n"})
    (error,) = load(WF)[0].errors
    assert "missing.yml cannot be read" in error.message
    assert error.location.start_line == 4


def test_yaml_anchors_and_merge_keys(repo):
    repo({WF: """\
        on: push
        x-context: &context
          cluster-name: aks-a
          resource-group: rg-a
        jobs:
          deploy:
            runs-on: ubuntu-latest
            steps:
              - uses: azure/aks-set-context@v4
                with:
                  <<: *context
                  resource-group: rg-override
        """})
    _, resource = load(WF)
    assert [t[2:4] for t in targets(resource)] == [("aks-a", "rg-override")]


# -- Azure Pipelines ---------------------------------------------------------------------------

def test_variables_in_both_forms_nested_macros_and_unknown_ones(repo):
    repo({AP: """\
        variables:
          - name: region
            value: eastus2
          - name: cluster
            value: aks-$(region)
          - group: prod-settings
        stages:
          - stage: s
            variables:
              rg: rg-$(region)
            jobs:
              - job: j
                steps:
                  - script: az aks get-credentials -n $(cluster) -g $(rg)
                  - bash: az aks get-credentials -n $CLUSTER -g $(subscriptionRg)
                  - script: az aks get-credentials -n $(Build.BuildId) -g rg
        """})
    result, resource = load(AP)
    assert result.errors == []
    assert resource.get("system") == "azure-pipelines" and resource.location.start_line == 7
    first, second, third = resource.get("deploy_steps")
    assert (first.cluster, first.resource_group) == ("aks-eastus2", "rg-eastus2")
    assert second.cluster == "aks-eastus2"
    assert second.resource_group.expression == "$(subscriptionRg)"
    assert "variable group prod-settings" in second.resource_group.reason
    assert "predefined variable" in third.cluster.reason


def test_templates_with_parameters_loops_and_conditions(repo):
    repo({
        AP: """\
            parameters:
              - name: clusters
                type: object
                default:
                  - {name: aks-a, rg: rg-a}
                  - {name: aks-b, rg: rg-b}
            jobs:
              - ${{ each c in parameters.clusters }}:
                - template: templates/deploy.yml
                  parameters:
                    cluster: ${{ c.name }}
                    group: ${{ c.rg }}
            """,
        "templates/deploy.yml": """\
            parameters:
              - name: cluster
                type: string
              - name: group
                type: string
              - name: helm
                type: boolean
                default: false
            jobs:
              - job: deploy_${{ parameters.cluster }}
                steps:
                  - ${{ if eq(parameters.group, 'rg-a') }}:
                    - task: Kubernetes@1
                      inputs:
                        connectionType: Azure Resource Manager
                        kubernetesCluster: ${{ parameters.cluster }}
                        azureResourceGroup: ${{ parameters.group }}
                        command: apply
                  - ${{ elseif parameters.helm }}:
                    - script: helm upgrade web ./chart --kube-context ${{ parameters.cluster }}
                  - ${{ else }}:
                    - template: steps/credentials.yml
                      parameters: {cluster: "${{ parameters.cluster }}"}
            """,
        "templates/steps/credentials.yml": """\
            parameters:
              cluster: ''
            steps:
              - script: az aks get-credentials -n ${{ parameters.cluster }} -g $(group)
            """,
    })
    result, resource = load(AP)
    assert result.errors == []
    assert [(s.location.path, s.location.start_line, s.how, s.cluster) for s in resource.get("deploy_steps")] == [
        ("templates/deploy.yml", 13, "Kubernetes@1", "aks-a"),
        ("templates/steps/credentials.yml", 4, "az aks get-credentials", "aks-b"),
    ]


def test_missing_template_is_reported_at_the_include(repo):
    repo({AP: """\
        steps:
          - script: echo build
          - template: templates/absent.yml
          - template: deploy.yml@platform
        """})
    result, resource = load(AP)
    (error,) = result.errors
    assert error.location.start_line == 3 and "templates/absent.yml not found" in error.message
    (step,) = resource.get("deploy_steps")
    assert step.location.start_line == 4
    assert step.cluster.expression == "deploy.yml@platform"
    assert "another repository" in step.cluster.reason


def test_template_including_itself_is_reported(repo):
    repo({AP: "steps:\n  - template: loop.yml\n", "loop.yml": "steps:\n  - template: loop.yml\n"})
    (error,) = load(AP)[0].errors
    assert "includes itself" in error.message
    assert (error.location.path, error.location.start_line) == ("loop.yml", 2)


def test_matrix_entries_and_a_matrix_computed_at_run_time(repo):
    repo({AP: """\
        jobs:
          - job: fixed
            strategy:
              matrix:
                east: {cluster: aks-east}
                west: {cluster: aks-west}
            steps:
              - task: HelmDeploy@0
                inputs:
                  azureResourceGroup: rg
                  kubernetesCluster: $(cluster)
                  command: upgrade
          - job: dynamic
            dependsOn: fixed
            strategy:
              matrix: $[ dependencies.fixed.outputs['pick.clusters'] ]
            steps:
              - script: az aks get-credentials -n $(cluster) -g rg
        """})
    _, resource = load(AP)
    assert [t[1:4] for t in targets(resource)] == [
        ("HelmDeploy@0", "aks-east", "rg"),
        ("HelmDeploy@0", "aks-west", "rg"),
        ("az aks get-credentials", "?$(cluster)", "rg"),
    ]
    assert "computed when the pipeline runs" in resource.get("deploy_steps")[2].cluster.reason


def test_kubernetes_tasks_that_deploy_nothing_or_through_a_connection(repo):
    repo({AP: """\
        jobs:
          - deployment: release
            environment: prod.shop
            strategy:
              runOnce:
                deploy:
                  steps:
                    - task: KubernetesManifest@1
                      inputs: {action: bake, helmChart: chart}
                    - task: HelmDeploy@0
                      inputs: {command: package, chartPath: chart}
                    - task: HelmDeploy@0
                      inputs: {connectionType: None, command: upgrade}
                    - task: Kubernetes@1
                      inputs: {connectionType: Azure Resource Manager, kubernetesCluster: aks-a, command: get}
                    - task: KubernetesManifest@1
                      inputs: {kubernetesServiceConnection: sc-aks-b, manifests: k8s/}
                    - task: KubernetesManifest@1
                      inputs: {manifests: k8s/}
        """})
    _, resource = load(AP)
    assert [t[:3] for t in targets(resource)] == [
        (16, "KubernetesManifest@1", "?service connection sc-aks-b"),
        (18, "KubernetesManifest@1", "?environment prod.shop"),
    ]


def test_setvariable_template_tasks_and_extends(repo):
    repo({
        AP: """\
            extends:
              template: base.yml
              parameters:
                group: rg-x
            """,
        "base.yml": """\
            parameters:
              - name: group
                type: string
            variables:
              - template: vars.yml
            steps:
              - pwsh: |
                  Write-Host "##vso[task.setvariable variable=picked]aks-picked"
                  $name = "aks-ps"
                  Import-AzAksCredential -ResourceGroupName ${{ parameters.group }} -Name $name -Force
              - task: AzureCLI@2
                inputs:
                  scriptType: bash
                  scriptLocation: inlineScript
                  inlineScript: az aks get-credentials -n $(picked) -g $(sharedGroup)
              - task: AzureResourceManagerTemplateDeployment@3
                inputs:
                  deploymentScope: Resource Group
                  csmFile: $(System.DefaultWorkingDirectory)/infra/main.json
              - task: AzureResourceManagerTemplateDeployment@3
                inputs:
                  action: DeleteRG
            """,
        "vars.yml": "variables:\n  sharedGroup: rg-shared\n",
    })
    result, resource = load(AP)
    assert result.errors == []
    assert [t[1:] for t in targets(resource)] == [
        ("Import-AzAksCredential", "aks-ps", "rg-x", None),
        ("az aks get-credentials", "aks-picked", "rg-shared", None),
        ("AzureResourceManagerTemplateDeployment@3", None, None, "infra/main.json"),
    ]


def test_azure_pipelines_paths_start_at_the_pipeline_folder(repo):
    repo({"ci/azure-pipelines.yml": """\
        steps:
          - script: az deployment group create -g rg -f infra/aks.bicep
            workingDirectory: $(Build.SourcesDirectory)/deploy
        """})
    _, resource = load("ci/azure-pipelines.yml")
    assert [t[4] for t in targets(resource)] == ["ci/deploy/infra/aks.bicep"]


# -- expressions -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("format('{0}-{1}', 'aks', matrix.region)", "aks-eastus2"),
    ("coalesce('', null, 'x')", "x"),
    ("matrix.missing || 'fallback'", "fallback"),
    ("join(matrix.list, '+')", "a+b"),
    ("join('+', matrix.list)", "a+b"),
    ("eq(matrix.region, 'EASTUS2') && !contains(matrix.list, 'c')", True),
    ("fromJSON('[\"a\", \"b\"]')[1]", "b"),
    ("matrix['region']", "eastus2"),
])
def test_expressions(text, expected):
    contexts = Contexts({"matrix": {"region": "eastus2", "list": ["a", "b"], "missing": None}}, lambda path: None)
    assert evaluate(text, contexts) == expected


def test_unknown_expressions_are_unresolved_with_a_reason():
    contexts = Contexts({}, lambda path: "a secret" if path.startswith("secrets") else None)
    value = evaluate("secrets.X", contexts)
    assert isinstance(value, Unresolved) and value.reason == "a secret"
    value = evaluate("hashFiles('**/x')", contexts)
    assert isinstance(value, Unresolved) and "hashFiles" in value.reason
    value = evaluate("a b", contexts)
    assert isinstance(value, Unresolved) and value.expression == "a b"


def test_repository_root_of_absolute_and_relative_workflow_paths():
    from bcdr_lint.loaders.pipelines_github import repository_root

    assert repository_root("/tmp/tree/.github/workflows/deploy.yml") == "/tmp/tree"
    assert repository_root("repo/.github/workflows/deploy.yml") == "repo"
    assert repository_root(".github/workflows/deploy.yml") == ""


def test_a_tree_checked_by_absolute_path_follows_its_reusable_workflows(tmp_path):
    from bcdr_lint import engine

    workflows = tmp_path / ".github/workflows"
    workflows.mkdir(parents=True)
    (workflows / "deploy.yml").write_text(
        "on: [push]\njobs:\n  east:\n    uses: ./.github/workflows/reusable.yml\n    with:\n      cluster: aks-east\n")
    (workflows / "reusable.yml").write_text(
        "on:\n  workflow_call:\n    inputs:\n      cluster: {type: string, required: true}\n"
        "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: az aks get-credentials -n ${{ inputs.cluster }} -g rg\n")
    result = engine.check([str(tmp_path)])
    assert not result.model.parse_errors, result.model.parse_errors
