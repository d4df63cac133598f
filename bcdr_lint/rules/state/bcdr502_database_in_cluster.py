"""
## What it checks
A long-running container of a Kubernetes workload (a container, or a native sidecar init
container with `restartPolicy: Always`) runs the image of a well-known database,
data store or message broker: PostgreSQL (`postgres`, `bitnami/postgresql`, `postgis`,
`timescaledb`), MySQL and MariaDB (also Percona Server and XtraDB Cluster, Oracle's
`mysql/community-server`), SQL Server (`mssql/server`), MongoDB (also Percona Server for
MongoDB), Cassandra, CockroachDB, Redis, Valkey and Dragonfly, Kafka (`kafka`, `cp-kafka`) and
Redpanda, RabbitMQ, Elasticsearch and OpenSearch, CouchDB, Neo4j, InfluxDB, EventStoreDB and
others. The image is matched on its repository path — without registry
host, tag and digest — by its last segment or a known suffix such as `mssql/server`; exporters
and UIs (`postgres-exporter`, `kafka-ui`) do not match. Reported at the image.

More images can be listed in the configuration's `database-images` (for example
`myteam/ledger-db`); they are matched the same way.

Jobs and CronJobs, and init containers that run to completion, are not reported: a database
image there runs a client task (`pg_dump`, a migration, a `pg_isready` wait), not a database.

## Why it matters
A database in the cluster takes its data and its failover with it: its disks are in the
cluster's region, and bringing it up elsewhere needs backups restored or replication that you
build and run. Managed Azure services replicate across regions as a feature (read replicas,
geo-replication, multi-region writes) and fail over without the cluster.

## Example
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cart-redis
  namespace: shop
spec:
  serviceName: cart-redis
  selector: {matchLabels: {app: cart-redis}}
  template:
    metadata: {labels: {app: cart-redis}}
    spec:
      containers:
        - name: redis
          image: docker.io/library/redis:7.2
```

## Use instead
Use the managed service and keep only its connection settings in the cluster, e.g. Azure Managed
Redis (or Azure Cache for Redis) with active geo-replication:
```yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: cart-settings
  namespace: shop
data:
  REDIS_HOST: cart.eastus2.redis.azure.net
```
If the database must stay in the cluster, replicate it to a cluster in another region and
document that plan (see BCDR501).

## References
- https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region
- https://learn.microsoft.com/azure/architecture/reference-architectures/containers/aks-multi-region/aks-multi-cluster
"""

from __future__ import annotations

from typing import Iterator

from bcdr_lint.data import DatabaseImage, database_images
from bcdr_lint.findings import Finding
from bcdr_lint.model import Kind, Model
from bcdr_lint.rules.base import rule


RUN_TO_COMPLETION = frozenset({"Job", "CronJob"})


@rule(
    id="BCDR502",
    name="database-in-cluster",
    level="warning",
    summary="A container runs a well-known database or message broker image inside the cluster.",
    help_uri="https://learn.microsoft.com/azure/aks/operator-best-practices-multi-region",
    tags=("state", "multi-region"),
)
def check(model: Model) -> Iterator[Finding]:
    extra = configured_images(model.options.extra_database_images if model.options is not None else ())
    for workload in model.of_kind(Kind.WORKLOAD):
        if workload.get("workload_kind") in RUN_TO_COMPLETION:
            continue
        for position, image in enumerate(workload.get("images") or ()):
            known = database_image(image, extra)
            if known is None:
                continue
            yield RULE.at(
                workload,
                f"{workload.get('workload_kind')} '{workload.name}' runs {known.what} in the cluster (image '{image}'): "
                f"its data and failover are tied to this cluster's region; prefer {known.managed_service}, "
                "or replicate it to another region yourself",
                attr=f"images[{position}]",
            )


def image_path(image: str) -> list[str]:
    """``myacr.azurecr.io/team/postgres:16@sha256:...`` -> ``["team", "postgres"]`` (lower case)."""
    reference = image.strip().split("@", 1)[0]
    segments = reference.split("/")
    segments[-1] = segments[-1].split(":", 1)[0]
    first = segments[0]
    # A first segment with a dot or a port, or "localhost", is a registry host (as Docker reads it).
    if len(segments) > 1 and ("." in first or ":" in first or first == "localhost"):
        segments = segments[1:]
    return [segment.lower() for segment in segments if segment]


def database_image(image: object, extra: dict[str, DatabaseImage] | None = None) -> DatabaseImage | None:
    """The known database or broker an image is, matching the longest listed path suffix
    (``extra``: the configuration's ``database-images``, see ``configured_images``)."""
    if not isinstance(image, str):
        return None
    segments = image_path(image)
    known = database_images()
    for length in range(len(segments), 0, -1):
        suffix = "/".join(segments[-length:])
        found = known.get(suffix) or (extra or {}).get(suffix)
        if found is not None:
            return found
    return None


def configured_images(images: tuple[str, ...]) -> dict[str, DatabaseImage]:
    """The configuration's ``database-images``, keyed as the built-in list is: the repository
    path without registry host, tag and digest."""
    out = {}
    for image in images:
        path = "/".join(image_path(image))
        if path:
            out[path] = DatabaseImage(name=path, what=f"'{path}' (a database listed in the configuration's "
                                      "database-images)", managed_service="a managed Azure data service")
    return out


RULE = check
