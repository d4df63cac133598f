"""BCDR701 read adversarially: repositories laid out as platform teams lay them out (one workflow
per environment, one per region, several applications) must not cry wolf, and a real miss must
still be caught."""

import textwrap

from tests.helpers import findings_for, run

F = "fixtures/BCDR701"
RULES = ["BCDR701", "BCDR002"]
WF = ".github/workflows"


def related_of(finding):
    return [(r.location.path, r.location.start_line) for r in finding.related]


def test_one_workflow_per_environment_is_not_a_miss(at_root):
    # Was: deploy-dev.yml "missed" both prod clusters and deploy-prod.yml "missed" the dev one.
    assert findings_for([f"{F}/good/environments"], RULES + ["BCDR001"]) == []


def test_a_miss_within_the_environment_is_still_caught(at_root):
    folder = f"{F}/bad/environments"
    assert findings_for([folder], RULES + ["BCDR001"]) == [("BCDR701", f"{folder}/{WF}/deploy-prod.yml", 30)]
    (finding,) = run([folder], RULES)
    assert finding.message == (
        "pipeline 'Deploy orders (prod)' deploys to 1 of the 2 AKS clusters of its environment "
        "('aks-orders-prod-eastus2' in rg-orders-prod-eastus2) but not to 'aks-orders-prod-westus3' in "
        "rg-orders-prod-westus3: a failover would land on a cluster running another release"
    )
    assert related_of(finding) == [(f"{folder}/infra/prod/main.tf", 29)]


def test_one_workflow_per_region_is_not_a_miss(at_root):
    # The AKS "Automated deployments" page writes one workflow per cluster.
    assert findings_for([f"{F}/good/per-region"], RULES + ["BCDR001"]) == []


CLUSTER = """
resource "azurerm_kubernetes_cluster" "{key}" {{
  name                = "{name}"
  location            = "{region}"
  resource_group_name = "{group}"
  dns_prefix          = "{key}"
  default_node_pool {{
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
  }}
}}
"""


def write(tmp_path, files):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def clusters(*specs):
    """Terraform text for (name, resource group[, region]); cluster i's name is at line ``name_line(i)``."""
    return "".join(CLUSTER.format(key=f"c{i}", name=spec[0], group=spec[1], region=(*spec, "eastus2")[2])
                   for i, spec in enumerate(specs))


def name_line(index):
    return 12 * index + 3


def workflow(*commands):
    steps = "".join(f"      - run: {c}\n" for c in commands)
    return f"on: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n{steps}"


def test_clusters_without_an_environment_in_their_names_are_production(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        "infra/main.tf": clusters(("aks-shop-eastus2", "rg-shop"), ("aks-shop-westus3", "rg-shop"),
                                  ("aks-shop-dev", "rg-shop"), ("aks-shop-nonprod", "rg-shop")),
        f"{WF}/dev.yml": workflow("az aks get-credentials -n aks-shop-dev -g rg-shop"),
        f"{WF}/prod.yml": workflow("az aks get-credentials -n aks-shop-eastus2 -g rg-shop"),
    })
    # The dev workflow is alone in its environment; the production one misses westus3, and
    # neither the dev nor the non-production cluster.
    assert findings_for(["."], RULES) == [("BCDR701", f"{WF}/prod.yml", 6)]
    (finding,) = run(["."], RULES)
    assert related_of(finding) == [("infra/main.tf", name_line(1))]


def test_environment_read_from_the_resource_group_then_the_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        # Same cluster names in every environment; the resource group tells them apart.
        "infra/main.tf": clusters(("aks-east", "rg-shop-prd"), ("aks-west", "rg-shop-prd"),
                                  ("aks-east", "rg-shop-uat")),
        # No environment in name or group: the folder says it.
        "environments/staging/main.tf": clusters(("aks-shop", "rg-shop")),
        f"{WF}/uat.yml": workflow("az aks get-credentials -n aks-east -g rg-shop-uat"),
        f"{WF}/staging.yml": workflow("az aks get-credentials -n aks-shop -g rg-shop"),
        f"{WF}/prod.yml": workflow("az aks get-credentials -n aks-east -g rg-shop-prd"),
    })
    assert findings_for(["."], RULES) == [("BCDR701", f"{WF}/prod.yml", 6)]
    (finding,) = run(["."], RULES)
    assert "but not to 'aks-west' in rg-shop-prd" in finding.message
    assert related_of(finding) == [("infra/main.tf", name_line(1))]


def test_a_workflow_deploying_several_environments_counts_all_of_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        "infra/main.tf": clusters(("aks-shop-dev", "rg-dev"), ("aks-shop-prod-eastus2", "rg-prod"),
                                  ("aks-shop-prod-westus3", "rg-prod"), ("aks-shop-qa", "rg-qa")),
        f"{WF}/promote.yml": workflow("az aks get-credentials -n aks-shop-dev -g rg-dev",
                                      "az aks get-credentials -n aks-shop-prod-eastus2 -g rg-prod"),
    })
    # dev and prod are its environments: the second prod cluster is missed, qa is another's.
    assert findings_for(["."], RULES) == [("BCDR701", f"{WF}/promote.yml", 6)]
    (finding,) = run(["."], RULES)
    assert related_of(finding) == [("infra/main.tf", name_line(2))]


def test_another_application_deploying_the_missed_cluster_does_not_excuse_the_miss(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        "infra/main.tf": clusters(("aks-east", "rg"), ("aks-west", "rg")),
        f"{WF}/orders.yml": workflow("for c in aks-east aks-west; do az aks get-credentials -n $c -g rg; done"),
        f"{WF}/billing.yml": workflow("az aks get-credentials -n aks-east -g rg"),
        # Creating the cluster is not deploying the application to it.
        f"{WF}/infra-west.yml": workflow("terraform -chdir=infra apply -auto-approve"),
    })
    assert findings_for(["."], RULES) == [("BCDR701", f"{WF}/billing.yml", 6)]


def test_per_region_workflows_that_share_no_cluster_split_the_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        "infra/main.tf": clusters(("aks-east", "rg"), ("aks-central", "rg"), ("aks-west", "rg")),
        f"{WF}/east.yml": workflow("az aks get-credentials -n aks-east -g rg"),
        f"{WF}/central.yml": workflow("az aks get-credentials -n aks-central -g rg"),
    })
    # Between them they cover two regions: the third is missed by both.
    assert findings_for(["."], RULES) == [("BCDR701", f"{WF}/central.yml", 6), ("BCDR701", f"{WF}/east.yml", 6)]
    for finding in run(["."], RULES):
        assert related_of(finding) == [("infra/main.tf", name_line(2))]


def test_an_unread_action_given_a_cluster_holds_back_that_cluster_only(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        "infra/main.tf": clusters(("aks-a", "rg"), ("aks-b", "rg"), ("aks-c", "rg")),
        f"{WF}/deploy.yml": """\
            on: push
            jobs:
              deploy:
                runs-on: ubuntu-latest
                steps:
                  - run: az aks get-credentials -n aks-a -g rg
                  - uses: contoso/aks-rollout@v3
                    with:
                      cluster-name: aks-b
                      resource-group: rg
                  - uses: helm/kind-action@v1
                    with:
                      cluster_name: kind-ci
            """,
    })
    assert findings_for(["."], RULES) == [("BCDR002", f"{WF}/deploy.yml", 7), ("BCDR701", f"{WF}/deploy.yml", 6)]
    note, finding = sorted(run(["."], RULES), key=lambda f: f.rule_id)
    assert "contoso/aks-rollout@v3" in note.message and "aks-b" in note.message
    assert related_of(finding) == [("infra/main.tf", name_line(2))]


def test_a_reusable_workflow_of_another_repository_holds_back_its_cluster(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        "infra/main.tf": clusters(("aks-a", "rg"), ("aks-b", "rg")),
        f"{WF}/deploy.yml": """\
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                steps:
                  - run: az aks get-credentials -n aks-a -g rg
              b:
                uses: contoso/platform/.github/workflows/aks.yml@main
                with:
                  cluster: ${{ vars.SECOND_CLUSTER }}
            """,
    })
    assert findings_for(["."], RULES) == [("BCDR002", f"{WF}/deploy.yml", 8)]


def test_azure_cli_task_with_a_variable_group_value_holds_back(tmp_path, monkeypatch):
    # Was: the deployment job's inline script was dropped whole, and the pipeline said to miss westus3.
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        "infra/main.tf": clusters(("aks-east", "rg"), ("aks-central", "rg"), ("aks-west", "rg")),
        "azure-pipelines.yml": """\
            variables:
              - group: shop-prod
            stages:
              - stage: deploy
                jobs:
                  - deployment: dr
                    environment: shop-prod
                    strategy:
                      runOnce:
                        deploy:
                          steps:
                            - task: AzureCLI@2
                              inputs:
                                azureSubscription: sc-prod
                                scriptType: bash
                                scriptLocation: inlineScript
                                inlineScript: az aks get-credentials -g rg -n $(drCluster)
                  - job: regions
                    strategy:
                      matrix:
                        east: { clusterName: aks-east }
                        central: { clusterName: aks-central }
                    steps:
                      - script: az aks get-credentials -g rg -n $(clusterName)
            """,
    })
    assert findings_for(["."], RULES) == [("BCDR002", "azure-pipelines.yml", 12)]
    (note,) = run(["."], RULES)
    assert "variable group shop-prod" in note.message


BICEP = """\
param env string
param location string = 'eastus2'
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-shop-${env}-${location}'
  location: location
  identity: { type: 'SystemAssigned' }
  properties: {
    dnsPrefix: 'shop-${env}'
    agentPoolProfiles: [ { name: 'system', mode: 'System', count: 3, vmSize: 'Standard_D4s_v5' } ]
  }
}
"""


def test_a_template_deployed_with_one_parameter_file_deploys_that_deployment_only(tmp_path, monkeypatch):
    # Was: deploying main.bicep with the eastus2 parameters counted as deploying every
    # deployment of main.bicep, so the westus3 stamp never deployed went unnoticed.
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        "infra/main.bicep": BICEP,
        "infra/main.dev.bicepparam": "using 'main.bicep'\nparam env = 'dev'\n",
        "infra/main.prod.bicepparam": "using 'main.bicep'\nparam env = 'prod'\n",
        "infra/main.prod-westus3.bicepparam": "using 'main.bicep'\nparam env = 'prod'\nparam location = 'westus3'\n",
        f"{WF}/infra.yml": workflow(
            "az deployment group create -g rg-shop-prod -f infra/main.bicep --parameters infra/main.prod.bicepparam"),
    })
    assert findings_for(["."], RULES) == [("BCDR701", f"{WF}/infra.yml", 6)]
    (finding,) = run(["."], RULES)
    assert "('aks-shop-prod-eastus2') but not to 'aks-shop-prod-westus3'" in finding.message
    assert related_of(finding) == [("infra/main.bicep", 4)]
    # Deployed with both production parameter files, nothing is missed.
    write(tmp_path, {f"{WF}/infra.yml": workflow(
        "for p in prod prod-westus3; do az deployment group create -g rg -f infra/main.bicep -p infra/main.$p.bicepparam; done")})
    assert findings_for(["."], RULES) == []
    # A .bicepparam file alone names its template.
    write(tmp_path, {f"{WF}/infra.yml": workflow(
        "az deployment group create -g rg -f infra/main.bicep -p infra/main.prod.bicepparam",
        "az deployment group create -g rg --parameters infra/main.prod-westus3.bicepparam")})
    assert findings_for(["."], RULES) == []
    # Parameters given inline, or from a file the step computes: any deployment of the template.
    write(tmp_path, {f"{WF}/infra.yml": workflow(
        "az deployment group create -g rg -f infra/main.bicep -p env=prod -p @$PARAMS")})
    assert findings_for(["."], RULES) == []


def test_clusters_of_other_workloads_in_a_monorepo_are_not_missed(tmp_path, monkeypatch):
    # Was: a stack's infrastructure workflow "missed" every other team's cluster.
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {
        "stacks/notifications/main.tf": clusters(("aks-notifications-staging-primary", "rg-notifications"),
                                                 ("aks-notifications-staging-secondary", "rg-notifications")),
        "stacks/checkout/main.tf": clusters(("aks-checkout-staging", "rg-checkout"),
                                            ("aks-checkout-staging-dr", "rg-checkout")),
        "stacks/ledger/main.tf": clusters(("aks-ledger-weu", "rg-ledger", "westeurope"),
                                          ("aks-ledger-neu", "rg-ledger", "northeurope"),
                                          ("aks-ledger-swc", "rg-ledger", "swedencentral")),
        f"{WF}/notifications.yml": workflow("az aks get-credentials -n aks-notifications-staging-primary -g rg-notifications"),
        # No workflow deploys checkout: not the notifications workflow's concern.
        f"{WF}/ledger.yml": workflow("az aks get-credentials -n aks-ledger-weu -g rg-ledger",
                                     "az aks get-credentials -n aks-ledger-neu -g rg-ledger"),
    })
    assert findings_for(["."], RULES) == [("BCDR701", f"{WF}/ledger.yml", 6),
                                          ("BCDR701", f"{WF}/notifications.yml", 6)]
    ledger, notifications = sorted(run(["."], RULES), key=lambda f: f.location.path)
    assert related_of(ledger) == [("stacks/ledger/main.tf", name_line(2))]
    assert related_of(notifications) == [("stacks/notifications/main.tf", name_line(1))]
    assert "deploys to 1 of the 2 AKS clusters of its environment and workload" in notifications.message


def test_workload_of_a_cluster_name():
    from bcdr_lint.rules.delivery.workloads import workload

    assert workload("aks-shop-eastus2", "eastus2") == workload("aks-shop-westus3", "westus3") == "aks-shop"
    assert workload("aks-ledger-swc", "swedencentral") == workload("aks-ledger-weu", "westeurope") == "aks-ledger"
    assert workload("aks-shop-prod-eus2-01", "eastus2") == workload("aks-shop-prod-wus3-02", "westus3") == "aks-shop"
    assert workload("aks-east", "eastus") == workload("aks-central", None) == "aks"
    assert workload("aks-notifications-staging-primary", None) == workload("aks-notifications-dr", None)
    assert workload("aks-checkout", "eastus2") != workload("aks-notifications", "eastus2")
    assert workload("aks-search-southcentralus", "southcentralus") == "aks-search"
