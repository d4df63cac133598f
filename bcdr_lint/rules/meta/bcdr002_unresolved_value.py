"""
## What it checks
A rule needed a value that cannot be known without deploying: an ARM expression such as
`resourceGroup().location` or `uniqueString(...)`, a parameter or Terraform variable without a
default, a data source. bcdr-lint never guesses such a value; it reports it here, at the
resource, naming the expression and the rules that could not check it.

## Why it matters
A linter that guesses raises false alarms or, worse, stays silent about a real gap. A note
tells you which checks did not run, so you can give the value a default, pass a parameter file,
or accept the blind spot knowingly.

## Example
```json
"location": "[resourceGroup().location]"
```
```hcl
variable "location" {}   # no default
resource "azurerm_kubernetes_cluster" "aks" {
  location = var.location
}
```

## Use instead
Give parameters and variables defaults that match your deployments, or write the region
explicitly:
```hcl
variable "location" {
  default = "eastus2"
}
```

## References
- https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Model
from bcdr_lint.rules.base import rule


@rule(
    id="BCDR002",
    name="unresolved-value",
    level="note",
    summary="A value a rule needs cannot be known statically; that check did not run for the resource.",
    help_uri="https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions",
    tags=("meta",),
)
def check(model: Model) -> Iterator[Finding]:
    # The findings of this rule come from the rules that need a value (Rule.unresolved);
    # the engine merges them so each unresolved value is reported once.
    return iter(())


RULE = check
