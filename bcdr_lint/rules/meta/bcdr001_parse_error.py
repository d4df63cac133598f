"""
## What it checks
Every file bcdr-lint reads in a format it knows — Kubernetes YAML (`.yaml`, `.yml`), ARM JSON
(`.json`) and Terraform (`.tf`) — must parse. A syntax error, invalid UTF-8 or binary content
under such a name is reported at the file and the line of the error. The other files are still
checked.

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
Fix the syntax (`kubectl apply --dry-run=client -f`, `terraform validate`,
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
    summary="A Kubernetes, ARM or Terraform file does not parse; nothing in it was checked.",
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
