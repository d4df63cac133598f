"""The syntax tree of a Bicep file, as ``bicep_syntax`` builds it.

Every node knows its span (``start``/``end``: character offsets into the file's text), so any
value the evaluator derives from it can be located exactly. Types, user-defined functions and
imports are kept only as far as the evaluator needs to say why a name is not evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union


# -- expressions ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lit:
    """A literal: int, bool, null, or a string without interpolation."""

    value: Any
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Interp:
    """``'${a}-x'``: literal text and expressions, in order."""

    parts: tuple["str | Expr", ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Var:
    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Prop:
    """``key: value`` of an object; ``key`` is text or an interpolated string."""

    key: "str | Interp"
    value: "Expr"
    start: int  # the key's offset
    end: int


@dataclass(frozen=True, slots=True)
class Spread:
    """``...value`` in an object (its properties) or an array (its items)."""

    value: "Expr"
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Obj:
    props: tuple[Prop | Spread, ...]
    resources: tuple["ResourceDecl", ...]  # child resources declared in a resource body
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Arr:
    items: tuple["Expr | Spread", ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class IfBody:
    """``if (condition) { ... }``: a resource or module deployed only when the condition holds."""

    condition: "Expr"
    body: Obj
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class For:
    """``[for item in items: body]`` or ``[for (item, index) in items: body]``."""

    item: str
    index: str | None
    iterable: "Expr"
    body: "Expr | IfBody"
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Call:
    """``name(args)``; ``namespace`` is ``az``/``sys`` when written (``sys.concat(...)``)."""

    name: str
    args: tuple["Expr", ...]
    namespace: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Method:
    """``target.name(args)`` where target is not a namespace: ``kv.getSecret('x')``."""

    target: "Expr"
    name: str
    args: tuple["Expr", ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Member:
    target: "Expr"
    name: str
    safe: bool  # `.?`: null instead of an error when absent
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Index:
    target: "Expr"
    index: "Expr"
    safe: bool
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ChildAccess:
    """``parent::child``: a resource declared inside another one's body."""

    target: "Expr"
    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    operand: "Expr"
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    left: "Expr"
    right: "Expr"
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Ternary:
    condition: "Expr"
    then: "Expr"
    otherwise: "Expr"
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Lambda:
    params: tuple[str, ...]
    body: "Expr"
    start: int
    end: int


Expr = Union[Lit, Interp, Var, Obj, Arr, For, Call, Method, Member, Index, ChildAccess, Unary, Binary, Ternary, Lambda]


# -- declarations --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decorator:
    name: str  # without a `sys.` namespace
    args: tuple[Expr, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Param:
    """``param name type = default`` (.bicep) or ``param name = value`` (.bicepparam)."""

    name: str
    value: Expr | None
    decorators: tuple[Decorator, ...]
    start: int
    end: int
    nullable: bool = False  # `string?`: null when nobody sets it
    type_name: str | None = None  # a type written as one name (`stampConfig`), which may be nullable


@dataclass(frozen=True, slots=True)
class VarDecl:
    name: str
    value: Expr
    start: int
    end: int
    exported: bool = False  # `@export()`: other files may import it


@dataclass(frozen=True, slots=True)
class ResourceDecl:
    symbol: str
    type_text: str  # 'Microsoft.X/y@version', or a child's 'y' / 'y@version' when nested
    type_start: int
    type_end: int
    existing: bool
    body: Obj | IfBody | For
    decorators: tuple[Decorator, ...]
    start: int  # the `resource` keyword
    end: int


@dataclass(frozen=True, slots=True)
class ModuleDecl:
    symbol: str
    path: str  # as written: './x.bicep', 'br:...', 'br/public:...', 'ts:...'
    path_start: int
    path_end: int
    body: Obj | IfBody | For
    decorators: tuple[Decorator, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Output:
    name: str
    value: Expr
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Using:
    """``using './main.bicep'`` (``path`` None for ``using none``)."""

    path: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Declared:
    """A name the file declares that is not evaluated (type, extension, metadata ...)."""

    kind: str  # "type", "import" (`import 'az@1.0'`), "extension", "metadata", "targetScope", ...
    names: tuple[str, ...]
    value: Expr | None
    start: int
    end: int
    nullable: bool = False  # a type declared nullable (`type zones = string[]?`)


@dataclass(frozen=True, slots=True)
class Func:
    """``func name(a string, b int) string => body``."""

    name: str
    params: tuple[str, ...]
    body: Expr
    start: int
    end: int
    exported: bool = False


@dataclass(frozen=True, slots=True)
class Import:
    """``import { a, b as c } from 'x.bicep'`` (``items``: (exported name, local name)) or
    ``import * as ns from 'x.bicep'`` (``namespace``)."""

    path: str
    items: tuple[tuple[str, str], ...]
    namespace: str | None
    path_start: int
    path_end: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Extends:
    """``extends 'base.bicepparam'`` in a parameter file."""

    path: str
    start: int
    end: int


Statement = Union[Param, VarDecl, ResourceDecl, ModuleDecl, Output, Using, Declared, Func, Import, Extends]


@dataclass(frozen=True, slots=True)
class Program:
    statements: tuple[Statement, ...]
