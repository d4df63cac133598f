"""BCDR502 database-in-cluster."""

import pytest

from bcdr_lint.rules.state.bcdr502_database_in_cluster import database_image, image_path
from tests.helpers import findings_for, run

BAD = "fixtures/BCDR502/bad"


def test_database_and_broker_images(at_root):
    assert findings_for([BAD], ["BCDR502"]) == [
        ("BCDR502", f"{BAD}/platform.yaml", 19),
        ("BCDR502", f"{BAD}/platform.yaml", 37),
        ("BCDR502", f"{BAD}/platform.yaml", 59),
        ("BCDR502", f"{BAD}/platform.yaml", 78),
        ("BCDR502", f"{BAD}/platform.yaml", 80),
        ("BCDR502", f"{BAD}/platform.yaml", 82),
        ("BCDR502", f"{BAD}/platform.yaml", 84),
        ("BCDR502", f"{BAD}/platform.yaml", 86),
        ("BCDR502", f"{BAD}/platform.yaml", 88),
        ("BCDR502", f"{BAD}/shop.yaml", 22),
        ("BCDR502", f"{BAD}/shop.yaml", 43),
        ("BCDR502", f"{BAD}/shop.yaml", 54),
    ]


def test_message_names_image_and_managed_service(at_root):
    messages = {f.location.start_line: f.message for f in run([f"{BAD}/platform.yaml"], ["BCDR502"])}
    assert "image 'confluentinc/cp-kafka:7.6.1'" in messages[19]
    assert "Azure Event Hubs" in messages[19]
    assert "image 'mcr.microsoft.com/mssql/server:2022-CU13-ubuntu-22.04'" in messages[37]
    assert "Azure SQL Database" in messages[37]
    assert "Azure Service Bus" in messages[59]
    assert "StatefulSet 'data-platform' runs a MongoDB database" in messages[78]
    assert "image 'percona/percona-server-mongodb:7.0.12-7'" in messages[78]
    assert "runs a MySQL/MariaDB database" in messages[80]
    assert "image 'container-registry.oracle.com/mysql/community-server:8.4'" in messages[80]
    assert "runs a MySQL/MariaDB database" in messages[82]
    assert "runs a Kafka-compatible message broker" in messages[84] and "Azure Event Hubs" in messages[84]
    assert "runs an event-sourcing database" in messages[86] and "Azure Cosmos DB" in messages[86]
    assert "runs a Redis-compatible data store" in messages[88]


def test_exporters_uis_and_registry_hosts_pass(at_root):
    assert findings_for(["fixtures/BCDR502/good"], ["BCDR502"]) == []


@pytest.mark.parametrize(
    ("image", "path"),
    [
        ("postgres", ["postgres"]),
        ("docker.io/library/postgres:16@sha256:abc", ["library", "postgres"]),
        ("localhost:5000/team/redis:7", ["team", "redis"]),
        ("registry:5000/mongo", ["mongo"]),
        ("MCR.microsoft.com/MSSQL/Server:2022-latest", ["mssql", "server"]),
    ],
)
def test_image_path_drops_registry_tag_and_digest(image, path):
    assert image_path(image) == path


@pytest.mark.parametrize(
    ("image", "managed"),
    [
        ("bitnami/postgresql:16", "Azure Database for PostgreSQL"),
        ("postgis/postgis:16-3.4", "Azure Database for PostgreSQL"),
        ("timescale/timescaledb:latest-pg16", "Azure Database for PostgreSQL"),
        ("mariadb:11", "Azure Database for MySQL"),
        ("mongo:7", "Azure Cosmos DB for MongoDB"),
        ("cockroachdb/cockroach:v24.1.0", "Azure Cosmos DB for PostgreSQL"),
        ("docker.elastic.co/elasticsearch/elasticsearch:8.14.0", "Elastic"),
        ("opensearchproject/opensearch:2", "Elastic"),
        ("cassandra:5", "Cassandra"),
        ("couchdb:3", "Azure Cosmos DB"),
        ("neo4j:5", "Gremlin"),
        ("influxdb:2.7", "Azure Data Explorer"),
        ("apache/kafka:3.7.0", "Azure Event Hubs"),
        ("percona/percona-server-mongodb:7.0", "Azure Cosmos DB for MongoDB"),
        ("container-registry.oracle.com/mysql/community-server:8.4", "Azure Database for MySQL"),
        ("container-registry.oracle.com/mysql/enterprise-server:8.4", "Azure Database for MySQL"),
        ("percona/percona-xtradb-cluster:8.0", "Azure Database for MySQL"),
        ("percona/percona-distribution-postgresql:16", "Azure Database for PostgreSQL"),
        ("redpandadata/redpanda:v24.1.7", "Azure Event Hubs"),
        ("vectorized/redpanda:v22.3.1", "Azure Event Hubs"),
        ("eventstore/eventstore:24.2", "Azure Cosmos DB"),
        ("bitnami/valkey:7.2", "Redis"),
        ("docker.dragonflydb.io/dragonflydb/dragonfly:v1.19", "Redis"),
    ],
)
def test_known_databases(image, managed):
    found = database_image(image)
    assert found is not None and managed in found.managed_service


@pytest.mark.parametrize(
    "image",
    [
        "prometheuscommunity/postgres-exporter:v0.15.0",
        "provectuslabs/kafka-ui:latest",
        "oliver006/redis_exporter:v1.61.0",
        "redis.contoso.com/web/frontend:1.0",
        "contoso/server:1.0",
        "cockroach:latest",
        "percona/mongodb_exporter:0.40",
        "docker.redpanda.com/redpandadata/console:v2.6.0",
        "container-registry.oracle.com/mysql/community-operator:8.4.0-2.1.3",
        "contoso/community-server:1.0",
        "contoso/eventstore:1.0",
        "",
    ],
)
def test_not_databases(image):
    assert database_image(image) is None
