"""
## What it checks
Every file bcdr-lint reads in a format it knows — Kubernetes and pipeline YAML (`.yaml`, `.yml`),
JSON (`.json`: ARM templates and parameter files, Terraform plans, subscription exports),
Terraform (`.tf`, `.tfvars`) and Bicep (`.bicep`, `.bicepparam`) — must parse. A syntax error,
invalid UTF-8 or binary content under such a name is reported at the file and the line of the
error. So is a reference the tool must follow and cannot: a Bicep `module` or an Azure Pipelines
`template` whose file is missing, a parameter file whose `metadata.template` names no file, a
module cycle. The other files are still checked.

## Why it matters
A file that does not parse is a file no rule has looked at: its clusters, registries and
volumes are missing from every cross-resource check, so the report would be silently incomplete.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
    labels: {app: web}   # bad indentation: mapping values are not allowed here
```

## Use instead
Fix the syntax (`kubectl apply --dry-run=client -f`, `terraform validate`, `bicep build`,
`az deployment group validate` find the same errors), or move files that are not meant to be
read by bcdr-lint out of the checked paths or into `.gitignore`.

## References
- https://learn.microsoft.com/azure/azure-resource-manager/templates/syntax
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Model
from bcdr_lint.rules.base import rule


@rule(
    id="BCDR001",
    name="parse-error",
    level="error",
    summary="A file in a format bcdr-lint reads does not parse, or names a file that is missing; nothing in it was checked.",
    help_uri="https://learn.microsoft.com/azure/azure-resource-manager/templates/syntax",
    tags=("meta",),
)
def check(model: Model) -> Iterator[Finding]:
    for error in model.parse_errors:
        yield Finding(
            rule_id="BCDR001",
            level="error",
            message=error.message,
            location=error.location,
            identity=f"parse|{error.message}",
        )


RULE = check
