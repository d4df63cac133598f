"""The explicit rule registry: adding a rule means adding its module here."""

from __future__ import annotations

from bcdr_lint.rules.base import Rule
from bcdr_lint.rules.meta import bcdr001_parse_error, bcdr002_unresolved_value
from bcdr_lint.rules.regions import bcdr101_single_region_deployment, bcdr102_unpaired_regions, bcdr103_unknown_region
from bcdr_lint.rules.networking import bcdr301_peered_cluster_basic_load_balancer, bcdr302_basic_load_balancer
from bcdr_lint.rules.registry import bcdr401_registry_not_premium, bcdr402_registry_missing_replica
from bcdr_lint.rules.state import (
    bcdr501_stateful_workload_without_replication_plan,
    bcdr502_database_in_cluster,
    bcdr503_node_local_state,
    bcdr504_locally_redundant_storage_class,
)

RULES: tuple[Rule, ...] = (
    bcdr001_parse_error.RULE,
    bcdr002_unresolved_value.RULE,
    bcdr101_single_region_deployment.RULE,
    bcdr102_unpaired_regions.RULE,
    bcdr103_unknown_region.RULE,
    bcdr301_peered_cluster_basic_load_balancer.RULE,
    bcdr302_basic_load_balancer.RULE,
    bcdr401_registry_not_premium.RULE,
    bcdr402_registry_missing_replica.RULE,
    bcdr501_stateful_workload_without_replication_plan.RULE,
    bcdr502_database_in_cluster.RULE,
    bcdr503_node_local_state.RULE,
    bcdr504_locally_redundant_storage_class.RULE,
)
# State in the cluster (BCDR5xx) is registered below.
