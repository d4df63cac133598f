"""CI/CD pipelines for the benchmark: GitHub Actions workflows (``.github/workflows/``) and Azure
Pipelines (``deploy/<team>/azure-pipelines.yml``, with step templates in ``deploy/templates/``).

Most deploy an application to a list of AKS clusters with a matrix (``strategy.matrix`` with
``include``, an Azure Pipelines matrix, or a ``${{ each }}`` loop over a ``clusters``
parameter into a template), by ``azure/aks-set-context``, ``az aks get-credentials``, ``helm
--kube-context`` or the ``HelmDeploy``/``KubernetesManifest`` tasks; some apply a Terraform
stack or deploy a Bicep template of the tree; some take the cluster from a secret or a
repository variable (unknown until the run). Cluster and resource group names follow the
conventions of the other generators (``aks-<team>-<env>-primary``, ``rg-<team>-<env>-primary``,
``aks-<team>-<env>-<region>``), so matrices name clusters of the tree, and miss some.
"""

from __future__ import annotations

import random

from gen_common import TEAMS, GeneratedFile, REGIONS, text_file

REUSABLE = ".github/workflows/_deploy-aks.yml"


def _clusters(rng: random.Random, team: str, env: str) -> list[tuple[str, str]]:
    """(cluster, resource group) pairs a team deploys to."""
    if rng.random() < 0.5:
        return [(f"aks-{team}-{env}-{suffix}", f"rg-{team}-{env}-{suffix}")
                for suffix in ("primary", "secondary")[: rng.choice((1, 2, 2))]]
    count = rng.choice((2, 3, 4))
    regions = [r[0] for r in rng.sample(REGIONS, count)]
    return [(f"aks-{team}-{env}-{region}", f"rg-{team}-{env}") for region in regions]


def _on(rng: random.Random, folder: str) -> list[str]:
    return ["on:", "  push:", "    branches: [main]", "    paths:", f'      - "{folder}/**"', "  workflow_dispatch:"]


def _login() -> list[str]:
    return ["      - uses: azure/login@v2", "        with:", "          client-id: ${{ secrets.AZURE_CLIENT_ID }}",
            "          tenant-id: ${{ secrets.AZURE_TENANT_ID }}",
            "          subscription-id: ${{ secrets.AZURE_SUBSCRIPTION_ID }}"]


def _matrix(clusters: list[tuple[str, str]]) -> list[str]:
    lines = ["    strategy:", "      fail-fast: false", "      matrix:", "        include:"]
    for cluster, group in clusters:
        lines += [f"          - cluster: {cluster}", f"            resource-group: {group}"]
    return lines


def github_app(rng: random.Random, team: str, env: str, app: str) -> str:
    clusters = _clusters(rng, team, env)
    style = rng.choice(("set-context", "cli", "reusable", "secret"))
    lines = [f"name: Deploy {app} ({env})", *_on(rng, f"k8s/{team}"), "permissions:", "  id-token: write",
             "  contents: read", "env:", f"  NAMESPACE: {team}-{env}", f"  RELEASE: {app}", "jobs:"]
    if style == "reusable":
        lines += ["  deploy:", *_matrix(clusters), f"    uses: ./{REUSABLE}", "    with:",
                  "      cluster: ${{ matrix.cluster }}", "      resource-group: ${{ matrix.resource-group }}",
                  f"      manifests: k8s/{team}", "    secrets: inherit"]
        return "\n".join(lines) + "\n"
    lines += ["  deploy:", "    name: Deploy to ${{ matrix.cluster }}" if style != "secret" else "    name: Deploy",
              "    runs-on: ubuntu-latest", f"    environment: {env}"]
    if style != "secret":
        lines += _matrix(clusters)
    lines += ["    steps:", "      - uses: actions/checkout@v4", *_login()]
    if style == "set-context":
        lines += ["      - uses: azure/aks-set-context@v4", "        with:", "          cluster-name: ${{ matrix.cluster }}",
                  "          resource-group: ${{ matrix.resource-group }}", "      - uses: azure/k8s-deploy@v5",
                  "        with:", "          namespace: ${{ env.NAMESPACE }}", "          manifests: |",
                  f"            k8s/{team}/", "          images: acrshared.azurecr.io/${{ env.RELEASE }}:${{ github.sha }}"]
    elif style == "cli":
        lines += ["      - name: Helm upgrade", "        run: |",
                  "          az aks get-credentials -n ${{ matrix.cluster }} -g ${{ matrix.resource-group }} --overwrite-existing",
                  f"          helm upgrade --install $RELEASE charts/{app} -n $NAMESPACE --wait --timeout 10m \\",
                  "            --set image.tag=${{ github.sha }}"]
    else:
        lines += ["      - name: Deploy", "        run: |",
                  "          az aks get-credentials -n ${{ secrets.AKS_CLUSTER }} -g ${{ vars.AKS_RESOURCE_GROUP }}",
                  f"          kubectl apply -k k8s/{team} -n $NAMESPACE"]
    return "\n".join(lines) + "\n"


REUSABLE_TEXT = """name: Deploy to one AKS cluster
on:
  workflow_call:
    inputs:
      cluster:
        type: string
        required: true
      resource-group:
        type: string
        required: true
      manifests:
        type: string
        required: true
jobs:
  apply:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: azure/login@v2
        with:
          client-id: ${{ secrets.AZURE_CLIENT_ID }}
          tenant-id: ${{ secrets.AZURE_TENANT_ID }}
          subscription-id: ${{ secrets.AZURE_SUBSCRIPTION_ID }}
      - uses: azure/aks-set-context@v4
        with:
          cluster-name: ${{ inputs.cluster }}
          resource-group: ${{ inputs.resource-group }}
      - run: kubectl apply -k ${{ inputs.manifests }} --server-side
"""


def github_infra(rng: random.Random, team: str, folder: str, template: str | None) -> str:
    """Applies a Terraform stack, or deploys a Bicep template with its parameter file."""
    lines = [f"name: Infrastructure {folder.rsplit('/', 1)[-1]}", *_on(rng, folder), "permissions:", "  id-token: write",
             "  contents: read", "jobs:", "  apply:", "    runs-on: ubuntu-latest", "    environment: prod", "    steps:",
             "      - uses: actions/checkout@v4", *_login()]
    if template is None:
        lines += ["      - uses: hashicorp/setup-terraform@v3", "      - name: Terraform apply", "        run: |",
                  f"          terraform -chdir={folder} init -input=false",
                  f"          terraform -chdir={folder} apply -auto-approve -input=false"]
    else:
        lines += ["      - name: Deploy template", "        run: >-",
                  f"          az deployment group create -g rg-{team}-shared -f {template}"]
    return "\n".join(lines) + "\n"


AZURE_TEMPLATE = """parameters:
  - name: cluster
    type: string
  - name: resourceGroup
    type: string
  - name: chart
    type: string

steps:
  - task: HelmDeploy@0
    displayName: helm upgrade ${{ parameters.chart }} on ${{ parameters.cluster }}
    inputs:
      connectionType: Azure Resource Manager
      azureSubscription: sc-platform
      azureResourceGroup: ${{ parameters.resourceGroup }}
      kubernetesCluster: ${{ parameters.cluster }}
      command: upgrade
      chartType: FilePath
      chartPath: ${{ parameters.chart }}
      install: true
"""


def azure_app(rng: random.Random, team: str, env: str, app: str) -> str:
    clusters = _clusters(rng, team, env)
    style = rng.choice(("matrix", "each", "cli"))
    lines = ["trigger:", "  branches:", "    include: [main]", "  paths:", f"    include: [k8s/{team}]", "",
             "pool:", "  vmImage: ubuntu-latest", ""]
    if style == "each":
        lines += ["parameters:", "  - name: clusters", "    type: object", "    default:"]
        for cluster, group in clusters:
            lines += [f"      - name: {cluster}", f"        resourceGroup: {group}"]
        lines += ["", "stages:", "  - ${{ each cluster in parameters.clusters }}:", "    - stage: deploy_${{ replace(cluster.name, '-', '_') }}",
                  "      jobs:", "        - job: helm", "          steps:", "            - template: ../../templates/deploy-aks.yml",
                  "              parameters:", "                cluster: ${{ cluster.name }}",
                  "                resourceGroup: ${{ cluster.resourceGroup }}", f"                chart: charts/{app}"]
        return "\n".join(lines) + "\n"
    lines += ["variables:", f"  namespace: {team}-{env}", f"  chartPath: charts/{app}", "", "jobs:", "  - job: deploy",
              "    strategy:", "      maxParallel: 2", "      matrix:"]
    for cluster, group in clusters:
        lines += [f"        {cluster.replace('-', '_')}:", f"          clusterName: {cluster}", f"          resourceGroup: {group}"]
    lines += ["    steps:", "      - checkout: self"]
    if style == "matrix":
        lines += ["      - task: KubernetesManifest@1", "        inputs:", "          action: deploy",
                  "          connectionType: azureResourceManager", "          azureSubscriptionConnection: sc-platform",
                  "          azureResourceGroup: $(resourceGroup)", "          kubernetesCluster: $(clusterName)",
                  "          namespace: $(namespace)", f"          manifests: k8s/{team}/**/*.yaml"]
    else:
        lines += ["      - task: AzureCLI@2", "        inputs:", "          azureSubscription: sc-platform",
                  "          scriptType: bash", "          scriptLocation: inlineScript", "          inlineScript: |",
                  "            az aks get-credentials -n $(clusterName) -g $(resourceGroup)",
                  "            helm upgrade --install $(Build.Repository.Name) $(chartPath) -n $(namespace)"]
    return "\n".join(lines) + "\n"


def generate(rng: random.Random, count: int, tf_folders: list[str], bicep_templates: list[str]) -> list[GeneratedFile]:
    """About ``count`` pipelines (plus the two templates they include); infrastructure
    pipelines apply some of ``tf_folders`` or deploy some of ``bicep_templates``."""
    files = [text_file(REUSABLE, REUSABLE_TEXT), text_file("deploy/templates/deploy-aks.yml", AZURE_TEMPLATE)]
    used: set[str] = {REUSABLE}
    while len(files) < count + 1:
        team, env = rng.choice(TEAMS), rng.choice(("staging", "prod", "prod"))
        app = f"{rng.choice(('api', 'web', 'worker', 'gateway'))}-{len(files)}"
        roll = rng.random()
        if roll < 0.45:
            path, text = f".github/workflows/deploy-{team}-{app}.yml", github_app(rng, team, env, app)
        elif roll < 0.8:
            path, text = f"deploy/{team}/{app}/azure-pipelines.yml", azure_app(rng, team, env, app)
        elif tf_folders and roll < 0.9:
            folder = rng.choice(tf_folders)
            path, text = f".github/workflows/infra-{folder.rsplit('/', 1)[-1]}.yml", github_infra(rng, team, folder, None)
        elif bicep_templates:
            template = rng.choice(bicep_templates)
            name = template.rsplit("/", 2)[-2]
            path, text = f".github/workflows/infra-{name}.yml", github_infra(rng, team, template.rsplit("/", 1)[0], template)
        else:
            continue
        if path not in used:
            used.add(path)
            files.append(text_file(path, text))
    return files
