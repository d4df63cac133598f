"""File discovery: formats, skipped folders, .gitignore, Helm templates."""

import subprocess
from pathlib import Path

from bcdr_lint.loaders.discover import discover


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_groups_by_format_and_terraform_by_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, {
        "k8s/app.yaml": "", "k8s/db.YML": "", "arm/main.json": "",
        "tf/a/main.tf": "", "tf/a/vars.tf": "", "tf/b/main.tf": "",
        "README.md": "", "tf/a/terraform.tfstate": "",
    })
    found = discover(["."])
    assert found.yaml == ["k8s/app.yaml", "k8s/db.YML"]
    assert found.json == ["arm/main.json"]
    assert found.terraform == {"tf/a": ["tf/a/main.tf", "tf/a/vars.tf"], "tf/b": ["tf/b/main.tf"]}


def test_skips_tool_folders_and_virtualenvs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, {
        ".git/config.yaml": "", ".terraform/modules/x/main.tf": "", "node_modules/p/package.json": "",
        "env/pyvenv.cfg": "", "env/lib/site.yaml": "", "infra/main.tf": "",
    })
    found = discover(["."])
    assert found.all_files() == ["infra/main.tf"]


def test_gitignore_is_honoured_at_every_level(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    _tree(tmp_path, {
        ".gitignore": "generated/\n*.secret.yaml\n",
        "generated/out.yaml": "", "app/x.secret.yaml": "", "app/deploy.yaml": "",
        "app/.gitignore": "local/\n", "app/local/dev.yaml": "", "local/keep.yaml": "",
    })
    found = discover(["."])
    assert found.yaml == ["app/deploy.yaml", "local/keep.yaml"]
    # Walking a sub-folder still applies the repository root's .gitignore.
    assert discover(["app"]).yaml == ["app/deploy.yaml"]


def test_explicit_files_are_checked_even_if_ignored(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    _tree(tmp_path, {".gitignore": "*.yaml\n", "app.yaml": ""})
    assert discover(["."]).yaml == []
    assert discover(["app.yaml"]).yaml == ["app.yaml"]


def test_helm_templates_are_skipped_but_values_are_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, {
        "chart/Chart.yaml": "", "chart/values.yaml": "", "chart/templates/deploy.yaml": "",
        "chart/templates/sub/svc.yaml": "", "other/templates/plain.yaml": "",
    })
    found = discover(["."])
    assert found.yaml == ["chart/Chart.yaml", "chart/values.yaml", "other/templates/plain.yaml"]
    assert discover(["chart/templates/deploy.yaml"]).yaml == []


def test_missing_path_is_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert discover(["nope"]).missing == ["nope"]


def test_an_ignored_folder_named_explicitly_is_checked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    _tree(tmp_path, {
        ".gitignore": "generated/\n",
        "generated/app.yaml": "", "generated/.gitignore": "tmp/\n", "generated/tmp/x.yaml": "",
    })
    assert discover(["."]).yaml == []
    assert discover(["generated"]).yaml == ["generated/app.yaml"]


def test_a_named_tf_file_brings_its_module(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, {"infra/main.tf": "", "infra/variables.tf": "", "infra/sub/x.tf": "", "app.yaml": ""})
    found = discover(["infra/main.tf", "app.yaml"])
    assert found.terraform == {"infra": ["infra/main.tf", "infra/variables.tf"]}
    assert found.yaml == ["app.yaml"]


def test_paths_outside_the_current_folder_stay_absolute(tmp_path, monkeypatch):
    _tree(tmp_path, {"repo/k8s/app.yaml": ""})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert discover([str(tmp_path / "repo")]).yaml == [(tmp_path / "repo/k8s/app.yaml").resolve().as_posix()]
    assert discover(["."]).yaml == []


def test_pipelines_are_told_apart_from_manifests_by_where_they_live():
    from bcdr_lint.loaders.discover import is_pipeline

    assert is_pipeline(".github/workflows/deploy.yml")
    assert is_pipeline("azure-pipelines.yml")
    assert is_pipeline("ci/azure-pipelines-release.yaml")
    assert is_pipeline(".azure-pipelines/deploy.yml")
    assert is_pipeline("build/.pipelines/release.yml")
    assert not is_pipeline(".azure-pipelines/templates/deploy-stage.yml")  # read through the include
    assert not is_pipeline("fixtures/azure-pipelines/templates/deploy.yml")
    assert not is_pipeline("k8s/workflows/deploy.yml")  # not below .github
    assert not is_pipeline("k8s/pipelines/tekton-pipeline.yaml")  # Tekton pipelines are Kubernetes objects
    assert not is_pipeline(".github/dependabot.yml")
