"""What a CI/CD pipeline deploys to (attribute ``deploy_steps`` of a ``pipeline`` resource)."""

from __future__ import annotations

from dataclasses import dataclass

from bcdr_lint.model.location import Location
from bcdr_lint.model.values import Unresolved


@dataclass(frozen=True)
class DeployStep:
    """One step that deploys to a cluster (or, for a template deployment, to what a template holds).

    ``cluster`` is the target cluster's name, ``resource_group`` its group where the step names it;
    either is an ``Unresolved`` when the pipeline computes it at run time. ``how`` names the
    mechanism as written (``azure/aks-set-context``, ``az aks get-credentials``, ``HelmDeploy@0``).
    A step deploying a template (``az deployment group create -f x``) has ``template`` set to the
    template's path instead of a cluster; for ``terraform apply`` and ``azd up``/``deploy`` it is the
    folder deployed (the Terraform root, azd's ``infra.path``). One step under a matrix yields one ``DeployStep`` per
    matrix entry, each located at the step.

    ``parameters`` are the parameter files a template deployment is given (paths as the model shows
    them): of a template the model deploys once per parameter file, it deploys those deployments.

    A step whose effect is not read (an action or reusable workflow bcdr-lint does not read, given
    a cluster input) has an ``Unresolved`` ``cluster`` and, where the input names one, ``maybe``:
    the cluster name it was given. It may deploy there, or nowhere; it never certainly deploys.
    """

    location: Location
    how: str
    cluster: str | Unresolved | None = None
    resource_group: str | Unresolved | None = None
    template: str | None = None
    maybe: str | None = None
    parameters: tuple[str, ...] = ()
