"""Reads of what Azure sets on deployment: ``pip.properties.dnsSettings.fqdn`` is unknown, but
which resource it reads is known, so a host name written so leads to that resource."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bcdr_lint.loaders import bicep_ast as ast
from bcdr_lint.loaders.bicep_values import RUNTIME, ResourceValue
from bcdr_lint.model.values import DeployedProperty
from bcdr_lint.model import Ref, Unresolved

if TYPE_CHECKING:
    from bcdr_lint.loaders.bicep_eval import Env, Evaluator


def deployed_read(evaluator: Evaluator, expr: Any, env: Env, value: Any) -> Any:
    """``value``, what ``expr`` evaluates to, as a ``DeployedProperty`` when it is unknown
    because ``expr`` reads what Azure sets on deployment (a property the resource's body does
    not write, or any property of an ``existing`` resource) — ``pip.properties.dnsSettings.fqdn``,
    ``ingress[i].properties.ipAddress``. A written value that is unknown (a parameter) is not."""
    if not isinstance(value, Unresolved) or isinstance(value, DeployedProperty) \
            or not isinstance(expr, (ast.Member, ast.Index)):
        return value
    chain = [expr]
    while isinstance(chain[-1], (ast.Member, ast.Index)):
        chain.append(chain[-1].target)
    chain.reverse()  # the root symbol first, ``expr`` last
    owner: ResourceValue | None = None
    parent = evaluator.value(chain[0], env)
    for step in chain[1:]:
        if isinstance(parent, ResourceValue):
            owner = parent
        current = evaluator.value(step, env)
        if isinstance(current, Unresolved):
            break
        parent = current
    else:
        return value
    if owner is None or not _absent(evaluator, parent, step, env):
        return value
    text = evaluator.template.text_of(expr)
    ref = owner.ref(text)
    if not isinstance(ref, Ref):
        return value
    # A resource body's missing property says "no property": for a deployed one, say why.
    reason = RUNTIME if isinstance(parent, dict) else current.reason
    return DeployedProperty(text, reason, value.location or evaluator.template.locate(expr.start, expr.end), ref)


def _absent(evaluator: Evaluator, parent: Any, step: ast.Member | ast.Index, env: Env) -> bool:
    """Whether ``step`` reads from ``parent`` a property that is not written (so Azure sets it)."""
    if isinstance(step, ast.Member):
        key: Any = step.name
    else:
        key = evaluator.value(step.index, env)
    if not isinstance(key, str):
        return False
    if isinstance(parent, ResourceValue):
        if parent.existing:
            return True
        parent = parent.body()
    return isinstance(parent, dict) and all(name.lower() != key.lower() for name in parent)
