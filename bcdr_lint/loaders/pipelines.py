"""CI/CD pipelines -> one ``pipeline`` resource per file, with the steps that deploy to clusters.

GitHub Actions workflows (``.github/workflows/*.yml``; relative paths start at the folder holding
``.github``) and Azure Pipelines (``azure-pipelines*.yml``; relative paths start at the pipeline's
folder) are read by ``pipelines_github`` and ``pipelines_azure``. A deploy step names a cluster
(``az aks get-credentials``, ``azure/aks-set-context``, Kubernetes tasks, a kube context) or a
template (``az deployment group create -f``, ``azure/arm-deploy``); ``azd up|provision|deploy``
and ``terraform apply`` deploy a folder: ``azd`` the project's infrastructure folder
(``infra.path`` of ``azure.yaml``, ``infra`` by default), ``terraform`` its working directory —
``DeployStep.template`` is then that folder.

A file that is not YAML is BCDR001 at the error; so is a template or reusable workflow that an
include names and that cannot be read, at the include.
"""

from __future__ import annotations

import posixpath

from bcdr_lint.loaders.base import LoadResult
from bcdr_lint.loaders.pipelines_azure import AzurePipeline
from bcdr_lint.loaders.pipelines_azure_expand import Expander
from bcdr_lint.loaders.pipelines_github import GitHubWorkflow, repository_root
from bcdr_lint.loaders.pipelines_steps import Paths
from bcdr_lint.loaders.pipelines_yaml import YamlFiles, YMap
from bcdr_lint.model import Kind, Location, ParseError, Resource

GITHUB = "github-actions"
AZURE = "azure-pipelines"
_BODY_KEYS = ("jobs", "stages", "steps", "extends")


def load_file(path: str, options=None) -> LoadResult:
    result = LoadResult()
    files = YamlFiles()
    doc, error = files.read(path)
    if error is not None:
        result.errors.append(error)
        return result
    if doc is None:
        return result  # an empty file defines no pipeline
    if not isinstance(doc, YMap):
        result.errors.append(ParseError("a pipeline must be a YAML mapping", Location(path, 1, 1)))
        return result
    system = GITHUB if _is_github(path) else AZURE
    if system == GITHUB:
        workflow = GitHubWorkflow(Paths(repository_root(path), files))
        steps = workflow.steps(doc)
        result.errors.extend(dict.fromkeys(workflow.errors))
    else:
        root = posixpath.dirname(path)
        expander = Expander(files, root)
        steps = AzurePipeline(expander, Paths(root, files)).walk(doc)
        # A template under a matrix is included once per entry; its problem is reported once.
        result.errors.extend(dict.fromkeys(expander.errors))
    key = next((k for k in _BODY_KEYS if k in doc), None)
    location = doc.key_locs[key] if key is not None else Location(path, 1, 1)
    # A workflow's `name:` is what GitHub shows; an Azure pipeline's `name:` is its run number format.
    name = doc.get("name") if system == GITHUB and isinstance(doc.get("name"), str) else path
    result.resources.append(Resource(
        kind=Kind.PIPELINE,
        key=f"pipeline:{path}",
        name=str(name),
        location=location,
        source_type=system,
        attrs={"system": system, "deploy_steps": steps},
        attr_locations={"deploy_steps": location},
    ))
    return result


def _is_github(path: str) -> bool:
    parts = path.lower().split("/")
    return len(parts) >= 3 and parts[-3] == ".github" and parts[-2] == "workflows"
