"""HCL text helpers shared by the Terraform generators: aligned assignments, blocks."""

from __future__ import annotations

Block = str


def assign(pairs: list[tuple[str, str]], indent: str = "  ") -> str:
    width = max(len(key) for key, _ in pairs)
    return "\n".join(f"{indent}{key.ljust(width)} = {value}" for key, value in pairs)


def resource(kind: str, name: str, pairs: list[tuple[str, str]], blocks: list[str] = (), comment: str = "") -> Block:
    head = f"# {comment}\n" if comment else ""
    body = assign(pairs)
    inner = "".join(f"\n\n{block}" for block in blocks)
    return f'{head}resource "{kind}" "{name}" {{\n{body}{inner}\n}}\n'


def nested(name: str, pairs: list[tuple[str, str]]) -> str:
    return f"  {name} {{\n{assign(pairs, '    ')}\n  }}"


def variable(name: str, kind: str, default: str | None, description: str) -> Block:
    lines = [f'variable "{name}" {{', f'  description = "{description}"', f"  type        = {kind}"]
    if default is not None:
        lines.append(f"  default     = {default}")
    return "\n".join(lines) + "\n}\n"


def output(name: str, value: str, sensitive: bool = False) -> Block:
    extra = "\n  sensitive = true" if sensitive else ""
    return f'output "{name}" {{\n  value = {value}{extra}\n}}\n'
