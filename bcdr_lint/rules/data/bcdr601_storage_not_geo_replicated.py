"""
## What it checks
A storage account keeps its data in one region: its redundancy is locally redundant (`LRS`) or
zone-redundant (`ZRS`). Accounts with `GRS`, `RA-GRS`, `GZRS` or `RA-GZRS` copy their data to
the paired region and pass. Reported at the SKU (`sku.name` in ARM/Bicep,
`account_replication_type` in Terraform). Premium accounts (and the `BlockBlobStorage` and
`FileStorage` kinds) offer only LRS and ZRS, so for them the message says to plan object
replication or a backup to another region instead. A SKU that cannot be resolved statically is
reported as unresolved (BCDR002).

## Why it matters
LRS keeps three copies in one datacenter and ZRS spreads them over the zones of one region:
neither survives the loss of the region. The clusters can fail over to the paired region, but
the blobs, queues and file shares they read stay behind — uploads, exports and shared state are
unavailable (or lost) until the region returns.

## Example
```hcl
resource "azurerm_storage_account" "exports" {
  name                     = "fabrikamexports"
  resource_group_name      = "rg-fabrikam-data"
  location                 = "eastus2"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
```
```json
{
  "type": "Microsoft.Storage/storageAccounts",
  "apiVersion": "2023-05-01",
  "name": "tailspinuploads",
  "location": "westeurope",
  "kind": "StorageV2",
  "sku": { "name": "Standard_ZRS" }
}
```

## Use instead
Geo-zone-redundant storage (read access to the secondary lets the other region read during an
outage):
```hcl
resource "azurerm_storage_account" "exports" {
  name                     = "fabrikamexports"
  resource_group_name      = "rg-fabrikam-data"
  location                 = "eastus2"
  account_tier             = "Standard"
  account_replication_type = "RAGZRS"
}
```
```bicep
resource uploads 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'tailspinuploads'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: { name: 'Standard_GZRS' }
}
```
For a Premium account, replicate block blobs with object replication to an account in another
region (`azurerm_storage_object_replication`, `Microsoft.Storage/storageAccounts/objectReplicationPolicies`),
or back the data up to one.

## References
- https://learn.microsoft.com/azure/storage/common/storage-redundancy
- https://learn.microsoft.com/azure/storage/blobs/object-replication-overview
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model, Resource, Unresolved
from bcdr_lint.rules.base import rule
from bcdr_lint.rules.common import NOT_SET

SINGLE_REGION = {"lrs": "locally redundant (LRS)", "zrs": "zone-redundant (ZRS)"}
# Account kinds that exist only on Premium performance, whatever the SKU's tier reads.
PREMIUM_KINDS = frozenset({"blockblobstorage", "filestorage"})


@rule(
    id="BCDR601",
    name="storage-not-geo-replicated",
    level="warning",
    summary="A storage account is locally or zone-redundant (LRS/ZRS): its data stays in one region.",
    help_uri="https://learn.microsoft.com/azure/storage/common/storage-redundancy",
    tags=("data", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    for account in model.of_kind(Kind.STORAGE_ACCOUNT):
        replication = account.get("replication")
        if replication is None:
            replication = Unresolved(NOT_SET, "the account declares no redundancy (SKU)", account.location)
        if isinstance(replication, Unresolved):
            yield RULE.unresolved(account, "replication", replication, "redundancy (SKU)")
            continue
        if replication not in SINGLE_REGION:
            continue
        where = f" {account.region}" if isinstance(account.region, str) else " its region"
        message = f"{account.label} is {SINGLE_REGION[replication]}: its data has no copy outside{where}"
        if _premium(account):
            message += (
                "; Premium accounts offer only LRS or ZRS, so plan object replication (block blobs) "
                "or a backup to an account in another region instead"
            )
        else:
            message += "; use geo-redundant storage (GZRS or RA-GZRS, or GRS/RA-GRS)"
        yield RULE.at(account, message, attr="replication")


def _premium(account: Resource) -> bool:
    return account.get("tier") == "premium" or account.get("account_kind") in PREMIUM_KINDS


RULE = check
