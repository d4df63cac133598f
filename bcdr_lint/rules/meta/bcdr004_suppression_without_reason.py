"""
## What it checks
A suppression gives its reason: the text after the rule list of a comment
`bcdr-lint: ignore[BCDR402] <reason>`, or after the colon of an entry `BCDR502: <reason>` of a
Kubernetes annotation `bcdr-lint.io/ignore` or a JSON tag or `metadata` entry
`bcdr-lint-ignore`. Reported at the suppression, once per entry without a reason.

The suppression still suppresses its findings: the run reports this warning in their place,
so what is left to do is to write the reason.

## Why it matters
A disaster-recovery gap that is accepted on purpose and one that was silenced to get a build
through look the same without a reason. The reason is what a reviewer, an auditor or the next
on-call engineer reads when the region fails; it also ends up in SARIF as the suppression's
`justification`.

## Example
```hcl
resource "azurerm_kubernetes_cluster" "batch" {
  # bcdr-lint: ignore[BCDR302]
  network_profile {
    network_plugin    = "kubenet"
    load_balancer_sku = "basic"
  }
}
```
```yaml
metadata:
  annotations:
    bcdr-lint.io/ignore: "BCDR502"
```

## Use instead
```hcl
  # bcdr-lint: ignore[BCDR302] batch cluster is rebuilt nightly; retired in Q3 (PLAT-1182)
```
```yaml
metadata:
  annotations:
    bcdr-lint.io/ignore: "BCDR502: build cache only, repopulated from the artifact store"
```

## References
- https://learn.microsoft.com/visualstudio/code-quality/in-source-suppression-overview
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Model
from bcdr_lint.rules.base import rule


@rule(
    id="BCDR004",
    name="suppression-without-reason",
    level="warning",
    summary="A suppression does not say why the finding is accepted.",
    help_uri="https://learn.microsoft.com/visualstudio/code-quality/in-source-suppression-overview",
    tags=("meta",),
)
def check(model: Model) -> Iterator[Finding]:
    # Reported by the engine's suppression step (bcdr_lint.suppressions), which reads the
    # suppressions after the rules ran.
    return iter(())


RULE = check
