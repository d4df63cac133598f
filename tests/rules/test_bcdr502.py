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
        "",
    ],
)
def test_not_databases(image):
    assert database_image(image) is None
