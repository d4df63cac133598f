"""Everything about one run that is not a path: from the command line and the configuration file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RunOptions:
    """``param_files``: (template path, parameter file path) pairs given with ``--param-file`` or
    the configuration's ``parameter-files``; a template named in several pairs is that many
    deployments. ``var_files``: ``--var-file`` tfvars, applied to every Terraform root module
    (after ``terraform.tfvars`` and ``*.auto.tfvars``, as ``terraform plan -var-file`` does).
    Paths are as the user wrote them, relative to the current folder."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    param_files: tuple[tuple[str, str], ...] = ()
    var_files: tuple[str, ...] = ()
    # Configuration only (issue: adoption); read by the rules that use them.
    extra_database_images: tuple[str, ...] = ()
    replicated_storage_classes: tuple[str, ...] = ()
    settings: dict = field(default_factory=dict)
    # The configuration file (as reports show it) and its folder (absolute), which the globs of
    # ``exclude`` and ``per_file_ignores`` are relative to; None without a configuration file.
    config_file: str | None = None
    config_root: str | None = None
    exclude: tuple[str, ...] = ()
    # (glob, rule ids) pairs: findings of those rules in matching files are suppressed (external).
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # (rule id, level) pairs: the level findings of that rule are reported at.
    severity: tuple[tuple[str, str], ...] = ()
    # Clusters declared in the configuration's ``topology`` (bcdr_lint.config.DeclaredCluster).
    topology: tuple = ()
    # What the checked parameter files link across folders (bcdr_lint.loaders.pairing.ParameterLinks),
    # found by the engine before any template is loaded; None outside a run.
    parameter_links: Any = None
