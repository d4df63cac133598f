"""Find the files to check: walk the given paths, honour .gitignore, group by format."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


# Folders that never hold the user's own infrastructure code.
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", ".terraform", ".terragrunt-cache", "node_modules", "__pycache__",
    ".venv", "venv", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".idea",
})

YAML_SUFFIXES = frozenset({".yaml", ".yml"})
JSON_SUFFIXES = frozenset({".json"})
TERRAFORM_SUFFIXES = frozenset({".tf"})
BICEP_SUFFIXES = frozenset({".bicep", ".bicepparam"})


def is_pipeline(shown: str) -> bool:
    """A CI/CD pipeline definition, by where it lives and how it is named: GitHub Actions
    workflows (``.github/workflows/*.yml``) and Azure Pipelines (``azure-pipelines*.yml``, and the
    YAML files directly in a ``.azure-pipelines/`` or ``.pipelines/`` folder)."""
    parts = shown.lower().split("/")
    name = parts[-1]
    if len(parts) >= 3 and parts[-3] == ".github" and parts[-2] == "workflows":
        return True
    if len(parts) >= 2 and parts[-2] in (".azure-pipelines", ".pipelines"):
        return True  # where Azure DevOps projects keep pipelines (templates sit in subfolders, read via includes)
    return name.startswith("azure-pipelines") or name.endswith((".azure-pipelines.yml", ".azure-pipelines.yaml"))


@dataclass
class Discovered:
    yaml: list[str] = field(default_factory=list)
    json: list[str] = field(default_factory=list)
    # Terraform: folder -> its .tf files (a folder is one module).
    terraform: dict[str, list[str]] = field(default_factory=dict)
    bicep: list[str] = field(default_factory=list)  # .bicep and .bicepparam
    pipelines: list[str] = field(default_factory=list)  # YAML files that are CI/CD pipelines
    missing: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return (len(self.yaml) + len(self.json) + len(self.bicep) + len(self.pipelines)
                + sum(len(v) for v in self.terraform.values()))

    def all_files(self) -> list[str]:
        files = [*self.yaml, *self.json, *self.bicep, *self.pipelines]
        for tf_files in self.terraform.values():
            files.extend(tf_files)
        return sorted(files)


class _Shower:
    """Shows paths relative to the current directory, resolving it once per run."""

    def __init__(self) -> None:
        self._cwd = str(Path.cwd().resolve())
        self._prefix = self._cwd.rstrip(os.sep) + os.sep

    def show(self, path: Path, resolved: bool = False) -> str:
        absolute = str(path if resolved else path.resolve())
        if absolute == self._cwd:
            return "."
        if absolute.startswith(self._prefix):
            return Path(absolute[len(self._prefix):]).as_posix()
        # Outside the current folder: absolute, so the same file is shown (and fingerprinted)
        # alike however it was named on the command line.
        return Path(absolute).as_posix()


def discover(paths: list[str]) -> Discovered:
    found = Discovered()
    seen: set[str] = set()
    shower = _Shower()
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            # Named explicitly (as pre-commit does): checked even if .gitignore lists it.
            if _in_helm_templates(path):
                continue
            if path.suffix.lower() in TERRAFORM_SUFFIXES:
                # A .tf file is part of its folder's module: variables and locals live beside it.
                for sibling in sorted(path.resolve().parent.glob("*.tf")):
                    if sibling.is_file():
                        _add(found, seen, sibling, shower.show(sibling, resolved=True))
            else:
                _add(found, seen, path, shower.show(path))
        elif path.is_dir():
            if _in_helm_templates(path / "_"):
                continue  # a chart's templates/ folder (or below it), named explicitly
            for file_path in _walk(path):
                _add(found, seen, file_path, shower.show(file_path, resolved=True))
        else:
            found.missing.append(raw)
    for files in found.terraform.values():
        files.sort()
    found.yaml.sort()
    found.json.sort()
    found.bicep.sort()
    found.pipelines.sort()
    return found


def _in_helm_templates(path: Path) -> bool:
    for folder in path.resolve().parents:
        if folder.name == "templates" and (
            (folder.parent / "Chart.yaml").is_file() or (folder.parent / "Chart.yml").is_file()
        ):
            return True
    return False


def _add(found: Discovered, seen: set[str], path: Path, shown: str) -> None:
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        return
    if shown in seen:
        return
    seen.add(shown)
    if suffix in YAML_SUFFIXES:
        (found.pipelines if is_pipeline(shown) else found.yaml).append(shown)
    elif suffix in BICEP_SUFFIXES:
        found.bicep.append(shown)
    elif suffix in JSON_SUFFIXES:
        found.json.append(shown)
    else:
        folder = Path(shown).parent.as_posix()
        found.terraform.setdefault(folder, []).append(shown)


def _walk(root: Path):
    """Yield files below ``root`` that are neither in a skipped folder nor git-ignored.

    Every .gitignore from the repository root down applies to the paths below its folder,
    with patterns relative to that folder, as git reads them.
    """
    root_abs = root.resolve()
    specs = {str(folder): spec for folder, spec in _inherited_gitignores(root_abs)}
    for current, dirs, files in os.walk(root_abs):
        here = Path(current)
        spec = _read_gitignore(here / ".gitignore") if ".gitignore" in files else None
        if spec is not None:
            specs[current] = spec
        # Helm chart templates are Go templates, not YAML: skipped until charts are rendered.
        is_chart = "Chart.yaml" in files or "Chart.yml" in files
        kept = []
        for name in sorted(dirs):
            child = here / name
            if name in SKIP_DIRS or (is_chart and name == "templates"):
                continue
            if (child / "pyvenv.cfg").is_file() or _ignored(child, specs, is_dir=True):
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            file_path = here / name
            if file_path.suffix.lower() in _SUFFIXES and not _ignored(file_path, specs, is_dir=False):
                yield file_path


_SUFFIXES = YAML_SUFFIXES | JSON_SUFFIXES | TERRAFORM_SUFFIXES | BICEP_SUFFIXES


def _ignored(path: Path | str, specs: dict[str, object], *, is_dir: bool) -> bool:
    """Whether a .gitignore of an ancestor folder (``specs``: folder path -> spec) excludes it.

    Ancestors are found by cutting the path string, not through Path.parents: this runs for
    every file of the tree, and stays proportional to its depth, not to the .gitignore count.
    """
    text = str(path)
    cut = text.rfind(os.sep)
    while cut > 0 or (cut == 0 and text != os.sep):
        base = text[:cut] or os.sep
        spec = specs.get(base)
        if spec is not None:
            relative = text[len(base):].lstrip(os.sep).replace(os.sep, "/") + ("/" if is_dir else "")
            if spec.match_file(relative):
                return True
        if cut == 0:
            break
        cut = text.rfind(os.sep, 0, cut)
    return False


def _read_gitignore(path: Path):
    import pathspec  # only when a .gitignore exists: a check of one named file needs none

    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _inherited_gitignores(root: Path) -> list:
    """.gitignore files above the walked folder, up to the repository root, still apply."""
    chain = []
    for folder in (root, *root.parents):
        if folder != root and (folder / ".gitignore").is_file():
            spec = _read_gitignore(folder / ".gitignore")
            if spec is not None:
                chain.append((folder, spec))
        if (folder / ".git").exists():
            break
    else:
        return []  # not in a git repository: .gitignore files above the root do not apply
    # A folder named on the command line is checked even when an enclosing .gitignore lists
    # it (as a file named explicitly is); only the .gitignore files inside it then apply.
    if _ignored(root, {str(folder): spec for folder, spec in chain}, is_dir=True):
        return []
    return chain
