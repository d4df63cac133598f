"""
## What it checks
Every suppression must still suppress something. Reported, at the suppression:

- a comment `bcdr-lint: ignore[RULES] reason`, a Kubernetes annotation `bcdr-lint.io/ignore`
  or a JSON tag or `metadata` entry `bcdr-lint-ignore` that names a rule which ran but has no
  finding where the suppression applies (the line of a trailing comment, the first line after
  a comment block, the object an annotation or tag is on);
- a suppression that names something that is not a bcdr-lint rule (`BCDR4O2`; the message names
  the rule it probably meant), or names BCDR003 or BCDR004, which cannot be suppressed in the
  source (a suppression would hide its own problems: use `ignore` or `per-file-ignores`);
- a suppression that is not understood: a `bcdr-lint: ignore` comment without a rule list in
  brackets or with an empty one, a comment that looks like a suppression with a misspelt verb
  or separator (`bcdr-lint: ignroe[BCDR401]`, `bcdr-lint ignore[BCDR401]`), an annotation or tag
  whose value is not text, a `bcdr-lint-ignore` tag in Terraform or Bicep (tags are read in
  JSON only; use a comment there).

A rule that did not run (left out by `--select` or `ignore`) does not make its suppressions
unused; `--select BCDR003` alone runs every rule and reports only this one, to list every stale
suppression. When the finding a misplaced suppression was meant for relates to its line but is
reported elsewhere (a registry's missing replica, written at the cluster), the message says
where the finding is.

## Why it matters
A suppression outlives its reason: the registry gains its replica, the manifest moves, the rule
id had a typo from the start. A stale suppression silently hides the next real finding on that
line, and a misplaced one never hid the finding it was written for.

## Example
```hcl
# bcdr-lint: ignore[BCDR402] west replica is added by the platform pipeline
resource "azurerm_container_registry" "shared" {   # BCDR402 fixed since: nothing to suppress
  name                = "contososhared"
  sku                 = "Premium"
  georeplications {
    location = "westus2"
  }
}
```
```yaml
metadata:
  annotations:
    bcdr-lint.io/ignore: "BCDR520: cache only, rebuilt from the catalog service"  # no such rule
```

## Use instead
Remove the suppression once the finding is fixed, correct the rule id, or move the comment onto
the line of the finding (or directly above it).
```hcl
resource "azurerm_container_registry" "shared" {
  name = "contososhared"
  sku  = "Premium"
  georeplications {
    location = "westus2"
  }
}
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
    id="BCDR003",
    name="unused-suppression",
    level="warning",
    summary="A suppression matches no finding of the rule it names, names no rule, or is not understood.",
    help_uri="https://learn.microsoft.com/visualstudio/code-quality/in-source-suppression-overview",
    tags=("meta",),
)
def check(model: Model) -> Iterator[Finding]:
    # Suppressions are read after every rule ran: the engine's suppression step reports this
    # rule (bcdr_lint.suppressions), as it needs the other rules' findings.
    return iter(())


RULE = check
