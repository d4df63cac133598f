"""The explicit rule registry: adding a rule means adding its module here."""

from __future__ import annotations

from bcdr_lint.rules.base import Rule
from bcdr_lint.rules.meta import bcdr001_parse_error, bcdr002_unresolved_value
from bcdr_lint.rules.meta import bcdr003_unused_suppression, bcdr004_suppression_without_reason
from bcdr_lint.rules.regions import bcdr101_single_region_deployment, bcdr102_unpaired_regions, bcdr103_unknown_region
from bcdr_lint.rules.traffic import (
    bcdr201_no_global_traffic_routing,
    bcdr202_router_missing_region,
    bcdr203_router_without_health_probe,
    bcdr204_single_endpoint_router,
    bcdr205_geographic_routing_without_fallback,
)
from bcdr_lint.rules.networking import bcdr301_peered_cluster_basic_load_balancer, bcdr302_basic_load_balancer
from bcdr_lint.rules.registry import bcdr401_registry_not_premium, bcdr402_registry_missing_replica
from bcdr_lint.rules.registry import bcdr403_registry_not_zone_redundant, bcdr404_image_outside_replicated_registry
from bcdr_lint.rules.data import bcdr601_storage_not_geo_replicated, bcdr602_database_without_geo_redundancy
from bcdr_lint.rules.delivery import bcdr701_pipeline_misses_cluster
from bcdr_lint.rules.state import (
    bcdr501_stateful_workload_without_replication_plan,
    bcdr502_database_in_cluster,
    bcdr503_node_local_state,
    bcdr504_locally_redundant_storage_class,
)
from bcdr_lint.rules.ha import (
    bcdr801_node_pool_without_zones,
    bcdr802_no_uptime_sla,
    bcdr803_small_system_pool,
    bcdr804_single_replica_workload,
    bcdr805_no_disruption_budget,
)

RULES: tuple[Rule, ...] = (
    bcdr001_parse_error.RULE,
    bcdr002_unresolved_value.RULE,
    bcdr003_unused_suppression.RULE,
    bcdr004_suppression_without_reason.RULE,
    bcdr101_single_region_deployment.RULE,
    bcdr102_unpaired_regions.RULE,
    bcdr103_unknown_region.RULE,
    bcdr201_no_global_traffic_routing.RULE,
    bcdr202_router_missing_region.RULE,
    bcdr203_router_without_health_probe.RULE,
    bcdr204_single_endpoint_router.RULE,
    bcdr205_geographic_routing_without_fallback.RULE,
    bcdr301_peered_cluster_basic_load_balancer.RULE,
    bcdr302_basic_load_balancer.RULE,
    bcdr401_registry_not_premium.RULE,
    bcdr402_registry_missing_replica.RULE,
    bcdr403_registry_not_zone_redundant.RULE,
    bcdr404_image_outside_replicated_registry.RULE,
    bcdr501_stateful_workload_without_replication_plan.RULE,
    bcdr502_database_in_cluster.RULE,
    bcdr503_node_local_state.RULE,
    bcdr504_locally_redundant_storage_class.RULE,
    bcdr601_storage_not_geo_replicated.RULE,
    bcdr602_database_without_geo_redundancy.RULE,
    bcdr701_pipeline_misses_cluster.RULE,
    bcdr801_node_pool_without_zones.RULE,
    bcdr802_no_uptime_sla.RULE,
    bcdr803_small_system_pool.RULE,
    bcdr804_single_replica_workload.RULE,
    bcdr805_no_disruption_budget.RULE,
)
# State in the cluster (BCDR5xx) is registered below.
