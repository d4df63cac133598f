"""Generate a seeded, realistic infrastructure monorepo to benchmark bcdr-lint on.

    python bench/generate.py [--files 5000] [--seed 1] [--out bench/out] [--verify]

About 65% Kubernetes YAML, 9% ARM JSON, 13% Terraform (module folders of 3-6 files), 8% Bicep
(projects with modules and ``.bicepparam`` files), two large Resource Graph exports, two
Terraform plans, ~20 CI/CD pipelines, the rest noise (docs, workflows, package.json, a Helm
chart, a git-ignored folder, ``.terraform/``) and a handful of deliberately broken files. The
same ``--files`` and ``--seed`` always write the same bytes. The output folder gets a minimal
``.git`` so that it is a repository root of its own: otherwise the project's ``.gitignore``
(which lists ``bench/out/``) would hide every file from bcdr-lint's discovery.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_arm  # noqa: E402 - the generator modules live next to this script
import gen_bicep  # noqa: E402
import gen_exports  # noqa: E402
import gen_kubernetes  # noqa: E402
import gen_noise  # noqa: E402
import gen_pipelines  # noqa: E402
import gen_plans  # noqa: E402
import gen_terraform  # noqa: E402
from gen_common import GeneratedFile  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = BENCH_DIR / "out"
# Written into the output folder; no .json/.yaml/.tf suffix so bcdr-lint never reads it.
PARAMS_FILE = ".bench-params"
GENERATOR_SOURCES = tuple(sorted(path.name for path in Path(__file__).resolve().parent.glob("gen*.py")))


def generator_digest() -> str:
    """Changes whenever the generator changes, so a stale tree is regenerated."""
    digest = hashlib.sha256()
    for name in GENERATOR_SOURCES:
        digest.update((BENCH_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


def params_for(files: int, seed: int) -> dict[str, object]:
    return {"files": files, "seed": seed, "generator": generator_digest()}


def build(files: int, seed: int) -> list[GeneratedFile]:
    """Every file of the tree, in a fixed order. Each format (and each addition to a format:
    services, availability objects) has its own random stream, so changing one generator does
    not reshuffle the others' output."""
    k8s_count, arm_count = round(files * 0.65), round(files * 0.09)
    tf_count, bicep_count = round(files * 0.13), round(files * 0.08)
    registries = [f"acr{name}" for name in ("shared", "platform", "prodweu", "prodneu", "payments")]
    k8s = gen_kubernetes.generate(random.Random(f"{seed}-k8s"), k8s_count, registries, random.Random(f"{seed}-k8s-ha"))
    arm = gen_arm.generate(random.Random(f"{seed}-arm"), arm_count, random.Random(f"{seed}-arm-services"))
    terraform = gen_terraform.generate(random.Random(f"{seed}-tf"), tf_count, random.Random(f"{seed}-tf-services"))
    bicep = gen_bicep.generate(random.Random(f"{seed}-bicep"), bicep_count)
    # Two exports of 2,000 rows each at 5,000 files.
    exports = gen_exports.generate(random.Random(f"{seed}-exports"), 2, max(50, round(files * 0.4)))
    plans = gen_plans.generate(random.Random(f"{seed}-plans"))
    tf_folders = sorted({f.path.rsplit("/", 1)[0] for f in terraform})
    templates = sorted(f.path for f in bicep if f.path.endswith("/main.bicep"))
    pipelines = gen_pipelines.generate(random.Random(f"{seed}-pipelines"), max(4, round(files / 250)), tf_folders, templates)
    made = k8s + arm + terraform + bicep + exports + plans + pipelines
    noise = gen_noise.generate(random.Random(f"{seed}-noise"), files - len(made), tf_folders)
    everything = made + noise
    paths = [f.path for f in everything]
    if len(set(paths)) != len(paths):
        raise SystemExit("generator bug: two files share a path")
    return everything


def _prepare(out: Path) -> None:
    """Empty ``out``, refusing to delete a folder this script did not create."""
    if out.exists():
        if not (out / PARAMS_FILE).is_file() and any(out.iterdir()):
            raise SystemExit(f"{out} exists and was not made by bench/generate.py; refusing to delete it")
        shutil.rmtree(out)
    (out / ".git" / "objects").mkdir(parents=True)
    (out / ".git" / "refs" / "heads").mkdir(parents=True)
    (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (out / ".git" / "config").write_text("[core]\n\trepositoryformatversion = 0\n\tbare = false\n")


def write(out: Path, files: int, seed: int) -> list[GeneratedFile]:
    generated = build(files, seed)
    _prepare(out)
    for item in generated:
        target = out / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.content)
    # Written last: a tree interrupted half-way has no params file and is regenerated.
    (out / PARAMS_FILE).write_text(json.dumps(params_for(files, seed), sort_keys=True) + "\n")
    return generated


def _parses(item: GeneratedFile) -> str | None:
    """None when the file parses as its suffix says, else the parser's complaint."""
    import yaml

    from bcdr_lint.loaders.bicep_syntax import parse as parse_bicep
    from bcdr_lint.loaders.terraform_hcl import parse_file

    suffix = item.path.rsplit(".", 1)[-1]
    try:
        if suffix in ("yaml", "yml"):
            list(yaml.load_all(item.content.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
        elif suffix == "json":
            json.loads(item.content.decode("utf-8-sig"))
        elif suffix == "tf":
            parse_file(item.path, item.content.decode("utf-8"))
        elif suffix in ("bicep", "bicepparam"):
            parse_bicep(item.content.decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - any parser failure is the answer we want
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


def verify(generated: list[GeneratedFile]) -> list[str]:
    """Problems: a normal file that does not parse, or a broken one that does.

    Helm templates are Go templates, not YAML, and are skipped as bcdr-lint skips them."""
    problems = []
    for item in generated:
        if "/templates/" in item.path and item.path.startswith("charts/"):
            continue
        complaint = _parses(item)
        if item.broken and complaint is None:
            problems.append(f"{item.path}: meant to be broken but parses")
        elif not item.broken and complaint is not None:
            problems.append(f"{item.path}: {complaint}")
    return problems


def format_of(path: str) -> str:
    """The group a generated file is counted in (``describe``, ``run.py``)."""
    from bcdr_lint.loaders.discover import is_pipeline

    name = path.rsplit("/", 1)[-1]
    if name.endswith((".bicep", ".bicepparam")):
        return "bicep"
    if name.endswith(("tfplan.json", ".tfplan.json")):
        return "plans"
    if path.startswith("exports/"):
        return "exports"
    if name.endswith((".yml", ".yaml")) and is_pipeline(path):
        return "pipelines"
    top = path.split("/", 1)[0] if "/" in path else "(root)"
    return top if top in ("k8s", "arm", "terraform") else "noise"


def describe(generated: list[GeneratedFile]) -> str:
    groups: dict[str, list[int]] = {}
    for item in generated:
        group = "broken" if item.broken else format_of(item.path)
        groups.setdefault(group, []).append(item.content.count(b"\n"))
    rows = [f"{name:10} {len(lines):6} files  lines {min(lines)}-{max(lines)} (mean {sum(lines) / len(lines):.0f})"
            for name, lines in sorted(groups.items())]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=5000, help="number of files to write (default 5000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default bench/out)")
    parser.add_argument("--verify", action="store_true", help="parse every file afterwards with PyYAML, json and bcdr-lint's HCL (tree-sitter-hcl) and Bicep parsers")
    args = parser.parse_args(argv)
    if args.files < 50:
        parser.error("--files must be at least 50 (the fixed noise and broken files alone are ~40)")
    generated = write(args.out, args.files, args.seed)
    print(f"wrote {len(generated)} files to {args.out}")
    print(describe(generated))
    if args.verify:
        problems = verify(generated)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        print(f"verify: {len(generated)} files, {sum(f.broken for f in generated)} broken as intended, "
              f"{len(problems)} problems")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
