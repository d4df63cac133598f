"""String templates with ``%{ if }`` and ``%{ for }`` directives, quoted and in heredocs. Every
expected value was checked against ``terraform console`` (1.11), whitespace included."""

from __future__ import annotations

from pathlib import Path

import pytest

from bcdr_lint.loaders.terraform import _parse, load_modules
from bcdr_lint.loaders.terraform_eval import Evaluator, ModuleContext
from bcdr_lint.model import Kind, Unresolved

_DECLARATIONS = '''variable "env" {
  default = "prod"
}
variable "later" {}
locals {
  names = ["eastus2", "centralus"]
  m     = { b = "2", a = "1" }
}
'''


def local_value(tmp_path, monkeypatch, text: str) -> object:
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text(_DECLARATIONS + f"locals {{\n  v = {text}\n}}\n", encoding="utf-8")
    errors: list = []
    scope = _parse(".", ["main.tf"], errors)
    assert errors == []
    return Evaluator(scope, ModuleContext(".")).value_of(scope.locals["v"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"x-%{ if var.env == "prod" }premium%{~ else ~} standard %{ endif }-${var.env}"', "x-premium-prod"),
        ('"x-%{ if var.env != "prod" }premium%{~ else ~} standard %{ endif }-${var.env}"', "x-standard -prod"),
        ('"%{ if var.env == "prod" }only%{ endif }"', "only"),
        ('"%{ if "true" }yes%{ endif }"', "yes"),
        ('"%{for k, r in local.names}${k}=${r},%{endfor}"', "0=eastus2,1=centralus,"),
        ('"%{for k, v in local.m}${k}=${v};%{endfor}"', "a=1;b=2;"),  # maps in key order
        ('"[%{ for r in local.names ~} ${r} %{~ endfor }]"', "[eastus2centralus]"),
        ('"%{ for r in local.names }%{ if r == "eastus2" }E%{ else }O%{ endif }%{ endfor }"', "EO"),
        ('"$${x} %%{y} %{ if true }\\"q\\"%{ endif }"', '${x} %{y} "q"'),
        # A ~ strips only the literal token beside it: the rest of its own line in a heredoc. A
        # heredoc that starts with %{~ has a line without indentation, so <<- trims nothing.
        ('<<-EOT\n    %{~ for r in local.names ~}\n    ${r}\n    %{ endfor }\n  EOT\n',
         "    eastus2\n        centralus\n    \n"),
        ("<<EOT\n%{ for r in local.names ~}\n- ${r}\n%{ endfor ~}\nend\nEOT\n", "- eastus2\n- centralus\nend\n"),
        ('<<-EOT\n    sku: %{ if var.env == "prod" }Premium%{ else }Standard%{ endif }\n      nested: 1\n    EOT\n',
         "sku: Premium\n  nested: 1\n"),
        # Heredocs with interpolations only follow the same rules.
        ("<<-EOT\n    a\n    ${~ var.env ~}\n    c\n  EOT\n", "    a\nprod    c\n"),
        ("<<-EOT\n    a\n      ${var.env}\n    c\n  EOT\n", "a\n  prod\nc\n"),
        ("<<EOT\n  a ${~var.env}\n  c\nEOT\n", "  aprod\n  c\n"),
        ("<<-EOT\n    ${var.env}\n    c\n    EOT\n", "prod\nc\n"),
        ("<<-EOT\r\n    a\r\n      ${var.env}\r\n    EOT\r\n", "a\n  prod\n"),  # Windows line ends
    ],
)
def test_template_directives_render_as_terraform_renders_them(tmp_path, monkeypatch, text, expected):
    assert local_value(tmp_path, monkeypatch, text) == expected


@pytest.mark.parametrize(
    ("text", "expression", "reason"),
    [
        ('"%{ if var.later == "x" }a%{ endif }"', "var.later", "variable has no default"),
        ('"%{ for r in var.later }${r}%{ endfor }"', "var.later", "variable has no default"),
        ('"%{ for r in local.names }${var.later}%{ endfor }"', "var.later", "variable has no default"),
        ('"%{ if 1 }a%{ endif }"', "1", "the condition of a template if is not a bool"),
        ('"%{ for r in "ab" }${r}%{ endfor }"', '"ab"', "a template for needs a list, set or map"),
    ],
)
def test_a_directive_over_an_unknown_or_invalid_value_is_unresolved(tmp_path, monkeypatch, text, expression, reason):
    value = local_value(tmp_path, monkeypatch, text)
    assert isinstance(value, Unresolved)
    assert (value.expression, value.reason) == (expression, reason)


def test_a_registry_sku_chosen_by_a_template_directive_reaches_the_model(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("main.tf").write_text('''variable "env" {
  default = "prod"
}
resource "azurerm_container_registry" "acr" {
  name                = "acrshop"
  location            = "eastus2"
  resource_group_name = "rg"
  sku                 = "%{ if var.env == "prod" }Premium%{ else }Standard%{ endif }"
}
''', encoding="utf-8")
    (registry,) = load_modules({".": ["main.tf"]}).resources
    assert (registry.kind, registry.get("sku")) == (Kind.CONTAINER_REGISTRY, "premium")
