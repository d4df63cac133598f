"""The parts of the configuration the engine applies: ``exclude`` after discovery, and the
clusters of ``topology`` added to the model."""

from __future__ import annotations

import dataclasses
import os
from typing import TYPE_CHECKING, Sequence

from bcdr_lint.options import RunOptions

if TYPE_CHECKING:
    from bcdr_lint.config_topology import DeclaredCluster
    from bcdr_lint.loaders.discover import Discovered
    from bcdr_lint.model import Resource


def exclude(discovered: "Discovered", options: RunOptions) -> "Discovered":
    """``discovered`` without the files the configuration's ``exclude`` globs match (relative
    to its folder, gitignore syntax); files named on the command line are excluded too, so a
    pre-commit hook honours the list."""
    if not options.exclude or not options.config_root:
        return discovered
    import pathspec

    spec = pathspec.GitIgnoreSpec.from_lines(options.exclude)
    root = options.config_root

    def kept(path: str) -> bool:
        relative = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
        if relative.startswith("../"):
            return True
        parts = relative.split("/")
        # A folder pattern (``examples/``) matches the folder: test every ancestor as a folder.
        return not spec.match_file(relative) and not any(
            spec.match_file("/".join(parts[:depth]) + "/") for depth in range(1, len(parts)))

    terraform = {}
    for folder, files in discovered.terraform.items():
        remaining = [f for f in files if kept(f)]
        if remaining:
            terraform[folder] = remaining
    return dataclasses.replace(
        discovered,
        yaml=[f for f in discovered.yaml if kept(f)],
        json=[f for f in discovered.json if kept(f)],
        terraform=terraform,
        bicep=[f for f in discovered.bicep if kept(f)],
        pipelines=[f for f in discovered.pipelines if kept(f)],
    )


def topology_resources(clusters: Sequence["DeclaredCluster"]) -> list["Resource"]:
    """The clusters the configuration declares, as AKS cluster resources of the model. Only
    name, region and resource group are declared: the SKU tier is not known (absent would mean
    the Free default), so it is unresolved rather than guessed."""
    from bcdr_lint.model import Kind, Resource, Unresolved, normalize_region

    return [
        Resource(
            kind=Kind.AKS_CLUSTER,
            key=f"config:{cluster.location.path}:topology:{cluster.name}",
            name=cluster.name,
            location=cluster.location,
            source_type="bcdr-lint topology (configuration)",
            region=normalize_region(cluster.region),
            attrs={"sku_tier": Unresolved("topology", "the configuration's topology declares only the cluster's name, "
                                          "region and resource group", cluster.location)},
            attr_locations={"region": cluster.region_location, "name": cluster.location},
            azure_type="microsoft.containerservice/managedclusters",
            azure_names=(cluster.name,),
            resource_group=cluster.resource_group,
        )
        for cluster in clusters
    ]
