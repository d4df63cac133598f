"""What else lives in an infrastructure monorepo, and the few files that are broken.

Noise exercises discovery: Markdown and scripts are not read, GitHub workflows and
``package.json`` are read but hold no resources, Helm ``templates/`` and ``.terraform/`` are
skipped, and a ``.gitignore`` hides a folder of rendered manifests.
"""

from __future__ import annotations

import json
import random

from gen_common import TEAMS, GeneratedFile, app_name, text_file, version

WORKFLOW = """name: {name}
on:
  push:
    branches: [main]
    paths:
      - "{folder}/**"
  pull_request:
    paths:
      - "{folder}/**"
permissions:
  contents: read
  id-token: write
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Set up tools
        run: |
          echo "installing linters"
          pip install bcdr-lint=={version}
      - name: Lint
        run: bcdr-lint check {folder} --format sarif --output results.sarif
      - uses: github/codeql-action/upload-sarif@v3
        if: always()
        with:
          sarif_file: results.sarif
"""

CHART_TEMPLATE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{{{ include "{chart}.fullname" . }}}}
  labels:
    {{{{- include "{chart}.labels" . | nindent 4 }}}}
spec:
  {{{{- if not .Values.autoscaling.enabled }}}}
  replicas: {{{{ .Values.replicaCount }}}}
  {{{{- end }}}}
  template:
    spec:
      containers:
        - name: {{{{ .Chart.Name }}}}
          image: "{{{{ .Values.image.repository }}}}:{{{{ .Values.image.tag | default .Chart.AppVersion }}}}"
          {{{{- with .Values.resources }}}}
          resources:
            {{{{- toYaml . | nindent 12 }}}}
          {{{{- end }}}}
"""

BROKEN_YAML_INDENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy-reporting
   namespace: reporting
spec:
  replicas: 2
"""

BROKEN_YAML_QUOTE = """apiVersion: v1
kind: ConfigMap
metadata:
  name: broken-quote
data:
  greeting: "hello
  other: value
"""


def _readme(title: str, rng: random.Random) -> str:
    paragraphs = "\n\n".join(f"Section {n}: deployment notes for {title}, owner on call rotation {rng.randint(1, 9)}."
                             for n in range(rng.randint(2, 8)))
    return f"# {title}\n\n{paragraphs}\n"


def _chart(rng: random.Random, name: str) -> list[GeneratedFile]:
    folder = f"charts/{name}"
    return [
        text_file(f"{folder}/Chart.yaml", f"apiVersion: v2\nname: {name}\ndescription: Helm chart for {name}\n"
                                          f"type: application\nversion: {version(rng)}\nappVersion: \"{version(rng)}\"\n"),
        text_file(f"{folder}/values.yaml", f"replicaCount: {rng.randint(1, 3)}\nimage:\n  repository: acrshared.azurecr.io/{name}\n"
                                           "  tag: \"\"\nautoscaling:\n  enabled: false\nresources: {}\n"),
        text_file(f"{folder}/templates/deployment.yaml", CHART_TEMPLATE.format(chart=name)),
        text_file(f"{folder}/templates/_helpers.tpl", f'{{{{- define "{name}.fullname" -}}}}\n{{{{ .Release.Name }}}}-{name}\n{{{{- end }}}}\n'),
        text_file(f"{folder}/templates/NOTES.txt", f"Installed {name}.\n"),
    ]


def broken(team: str) -> list[GeneratedFile]:
    """Files that must each give one parse error (BCDR001), never a crash."""
    return [
        GeneratedFile(f"k8s/{team}/legacy/bad-indent.yaml", BROKEN_YAML_INDENT.encode(), broken=True),
        GeneratedFile(f"k8s/{team}/legacy/unclosed-quote.yaml", BROKEN_YAML_QUOTE.encode(), broken=True),
        GeneratedFile(f"arm/{team}/legacy/truncated.json",
                      b'{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",\n'
                      b'  "contentVersion": "1.0.0.0",\n  "resources": [\n    {\n      "type": "Microsoft.Network/virtualNetworks",\n',
                      broken=True),
        # A merge conflict left in; trailing commas would not do, as ARM (and bcdr-lint) accept JSONC.
        GeneratedFile(f"arm/{team}/legacy/merge-conflict.json",
                      b'{\n  "contentVersion": "1.0.0.0",\n<<<<<<< HEAD\n  "parameters": {},\n=======\n'
                      b'  "parameters": {"location": {"type": "string"}},\n>>>>>>> feature/location\n  "resources": []\n}\n',
                      broken=True),
        GeneratedFile(f"terraform/live/{team}/prod/legacy/main.tf",
                      b'resource "azurerm_resource_group" "legacy" {\n  name     = "rg-legacy"\n  location = "westeurope"\n}\n'),
        GeneratedFile(f"terraform/live/{team}/prod/legacy/plan-backup.tf",
                      b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) + b"\x00\x00tfplan", broken=True),
    ]


def generate(rng: random.Random, count: int, tf_folders: list[str]) -> list[GeneratedFile]:
    """About ``count`` files of noise (a fixed core set first, then READMEs)."""
    files = [
        text_file(".gitignore", "# rendered manifests are build output\ngenerated/\n*.tfstate\n*.tfstate.backup\n"),
        text_file("README.md", _readme("Infrastructure monorepo", rng)),
        text_file("package.json", json.dumps({"name": "infra-tools", "private": True, "version": "1.0.0",
                                              "scripts": {"lint": "bcdr-lint check .", "fmt": "terraform fmt -recursive"},
                                              "devDependencies": {"prettier": "^3.1.0"}}, indent=2) + "\n"),
        text_file("renovate.json", json.dumps({"extends": ["config:recommended"], "terraform": {"enabled": True}}, indent=2) + "\n"),
        text_file("Makefile", "lint:\n\tbcdr-lint check .\n"),
        *broken(rng.choice(TEAMS)),
    ]
    for name in ("lint", "terraform-plan", "deploy-k8s", "arm-whatif"):
        folder = {"lint": ".", "terraform-plan": "terraform", "deploy-k8s": "k8s", "arm-whatif": "arm"}[name]
        files.append(text_file(f".github/workflows/{name}.yml", WORKFLOW.format(name=name, folder=folder, version="0.1.0")))
    for index in range(3):
        files += _chart(rng, f"{app_name(rng)}-chart-{index}")
    for index in range(4):
        files.append(text_file(f"generated/rendered-{index}.yaml",
                               f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rendered-{index}\ndata: {{}}\n"))
    for folder in tf_folders[:3]:
        files.append(text_file(f"{folder}/.terraform/modules/modules.json", '{"Modules":[{"Key":"","Source":"","Dir":"."}]}\n'))
        files.append(text_file(f"{folder}/.terraform/modules/network/main.tf",
                               'resource "azurerm_virtual_network" "vendored" {\n  name = "vendored"\n}\n'))
    index = 0
    while len(files) < count:
        team = TEAMS[index % len(TEAMS)]
        files.append(text_file(f"docs/{team}/runbook-{index}.md", _readme(f"{team} runbook {index}", rng)))
        index += 1
    return files
