"""Deploy commands in pipeline scripts (bash, PowerShell, cmd).

A script is split into commands as a shell would (continuations, ``;``, ``&&``, pipes, quotes,
the keywords of ``if``/``while``/``case``/``{ }``, and ``for`` loops, whose bodies are read once per
item); values are filled in only for the words a recogniser needs. Recognised: ``az aks
get-credentials``, ``az aks command invoke``, ``kubectl``/``helm`` with an explicit context,
``kubectl config use-context``, ``az deployment ... create -f``, ``az stack ... create -f``,
``azd up|provision|deploy``, ``terraform apply``, and their PowerShell counterparts
``Import-AzAksCredential`` and ``New-AzResourceGroupDeployment``. Scripts also set values for
later steps (``NAME=value``, ``>> $GITHUB_ENV``, ``##vso[task.setvariable]``): those are events too.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Callable, Iterator

from bcdr_lint.model import Unresolved

Value = Callable[[str], "str | Unresolved"]

_CONTINUATION = re.compile(r"(\\|`|\^)[ \t]*\r?\n")
_SETVARIABLE = re.compile(r"##vso\[task\.setvariable\s+variable=([^;\]\s]+)[^\]]*\]([^\"'\r\n]*)", re.I)
_PROTECT = re.compile(r"\$\{\{.*?\}\}|\$\[(?:[^\[\]]|\[[^\[\]]*\])*\]|\$\((?:[^()]|\([^()]*\))*\)")
_SEPARATORS = frozenset({";", "&&", "||", "|", "&", ";;", "|&"})
_ASSIGN = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)
_PS_ASSIGN = re.compile(r"^\$(?:env:)?([A-Za-z_][A-Za-z0-9_]*)$", re.I)
_PREFIXES = frozenset({"sudo", "time", "exec", "command", "env", "&", "call"})

KUBECTL_CHANGES = frozenset({
    "apply", "create", "replace", "patch", "delete", "rollout", "set", "scale", "autoscale",
    "label", "annotate", "expose", "run", "edit",
})
HELM_CHANGES = frozenset({"install", "upgrade", "uninstall", "delete", "rollback"})
# Options of kubectl/helm that take a value, so the value is not read as the verb.
_VALUE_OPTIONS = frozenset({
    "-n", "--namespace", "--context", "--kube-context", "--kubeconfig", "--cluster", "--user",
    "-s", "--server", "--token", "--as", "--request-timeout",
})


@dataclass(frozen=True)
class Assign:
    """A value set by the script: ``scope`` "script" (this script only), "env" (later steps of
    the job, ``$GITHUB_ENV``) or "variable" (later steps, ``task.setvariable``)."""

    name: str
    value: str
    scope: str


@dataclass(frozen=True)
class Found:
    """A recognised deploy command: ``cluster``/``resource_group`` for a cluster, ``context``
    for a kube context it creates or uses, ``template`` (path as written) or ``folder`` (what
    ``azd``/``terraform`` deploy) for infrastructure."""

    how: str
    cluster: str | Unresolved | None = None
    resource_group: str | Unresolved | None = None
    context: str | Unresolved | None = None
    template: str | Unresolved | None = None
    parameters: tuple[str | Unresolved, ...] = ()  # parameter files given to a template deployment
    folder: str | Unresolved | None = None
    tool_dir: str | Unresolved | None = None  # azd --cwd / terraform -chdir


@dataclass(frozen=True)
class Loop:
    """``for name in words; do body; done``: ``body`` runs once per word (``words`` None: a loop
    whose items the script computes, such as C-style ``for ((...))``)."""

    name: str
    words: tuple[str, ...] | None
    body: tuple["Assign | list[str] | Loop", ...]


@dataclass(frozen=True)
class _Open:
    """The start of a loop body (``for`` or ``while``/``until``), closed by ``done``."""

    loop: Loop | None  # None: a while/until loop, whose body runs as written


_DONE = object()
# Words that open, continue or close a compound command: the command after them is still run.
_KEYWORDS = frozenset({"if", "then", "else", "elif", "do", "!", "{", "}", "fi", "esac"})


def events(script: str) -> list:
    """Assignments, commands (lists of raw words) and loops of ``script``, in order."""
    root: list = []
    stack: list[tuple[_Open | None, list]] = [(None, root)]
    for item in _flat(script):
        if isinstance(item, _Open):
            stack.append((item, []))
        elif item is _DONE:
            if len(stack) > 1:
                _close(stack)
        else:
            stack[-1][1].append(item)
    while len(stack) > 1:  # a loop left open by a script cut short
        _close(stack)
    return root


def _close(stack: list) -> None:
    opened, body = stack.pop()
    parent = stack[-1][1]
    if opened.loop is None:
        parent.extend(body)
    else:
        parent.append(Loop(opened.loop.name, opened.loop.words, tuple(body)))


def _flat(script: str) -> Iterator:
    text = _CONTINUATION.sub(" ", script)
    for line in text.splitlines():
        for match in _SETVARIABLE.finditer(line):
            yield Assign(match.group(1), match.group(2).strip(), "variable")
        if "##vso[" in line:
            continue
        words = _split(line)
        command: list[str] = []
        for word in [*words, ";"]:
            if word in _SEPARATORS:
                if command:
                    yield from _compound(command)
                command = []
            else:
                command.append(word)


def _compound(words: list[str]) -> Iterator:
    """One command, the shell keywords before it read as structure."""
    while words:
        head = words[0]
        if head in ("while", "until"):
            yield _Open(None)
        elif head == "done":
            yield _DONE
            return  # `done < clusters.txt`: the rest redirects the loop
        elif head == "for":
            if len(words) >= 3 and words[2] == "in":
                items = tuple(w for w in words[3:] if w != "do")
                yield _Open(Loop(words[1], items, ()))
            else:
                yield _Open(Loop(words[1] if len(words) > 1 else "", None, ()))
            return
        elif head.endswith(")") and not head.startswith("$(") and "(" not in head:
            pass  # a `case` pattern (`prod)`, `*)`): the commands after it may run
        elif head.startswith("(") and len(head) > 1 and not head.startswith("(("):
            words = [head[1:], *words[1:]]  # a subshell: `(cd infra && terraform apply)`
            continue
        elif head not in _KEYWORDS:
            break
        words = words[1:]
    if words and words[-1].count(")") > words[-1].count("("):
        words = [*words[:-1], words[-1][:-1]] if words[-1] != ")" else words[:-1]  # a subshell's close
    if words:
        yield from _command(words)


def _split(line: str) -> list[str]:
    kept: list[str] = []

    def protect(match: re.Match) -> str:
        kept.append(match.group(0))
        return f"\x03{len(kept) - 1}\x04"

    guarded = _PROTECT.sub(protect, line)
    try:
        lexer = shlex.shlex(guarded, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        words = list(lexer)
    except ValueError:  # an unclosed quote: read the words as they are
        words = guarded.split()
    return [re.sub(r"\x03(\d+)\x04", lambda m: kept[int(m.group(1))], w) for w in words]


def _command(words: list[str]) -> Iterator[Assign | list[str]]:
    powershell = _PS_ASSIGN.match(words[0]) if len(words) >= 3 and words[1] == "=" else None
    if powershell is not None:
        yield Assign(powershell.group(1), words[2], "script")
        return
    if words[0] == "export":
        words = words[1:]
    while words and (_ASSIGN.match(words[0]) or words[0].lower() in _PREFIXES):
        match = _ASSIGN.match(words[0])
        if match and len(words) == 1:
            yield Assign(match.group(1), match.group(2), "script")
        words = words[1:]
    if not words:
        return
    if words[0] in ("echo", "printf", "Write-Output") and any("GITHUB_ENV" in w for w in words):
        for word in words[1:]:
            match = _ASSIGN.match(word)
            if match:
                yield Assign(match.group(1), match.group(2), "env")
        return
    yield words


def recognise(words: list[str], value: Value) -> Found | None:
    """The deploy command ``words`` are, with the values it needs filled in, or None."""
    tool = words[0].rsplit("/", 1)[-1].lower()
    if tool.endswith(".exe"):
        tool = tool[:-4]
    rest = words[1:]
    if tool == "az":
        return _az(rest, value)
    if tool in ("kubectl", "helm"):
        return _kube(tool, rest, value)
    if tool == "azd":
        return _azd(rest, value)
    if tool == "terraform":
        return _terraform(rest, value)
    if tool == "import-azakscredential":
        return Found("Import-AzAksCredential", cluster=_ps_option(rest, value, "-Name"),
                     resource_group=_ps_option(rest, value, "-ResourceGroupName"))
    if tool == "new-azresourcegroupdeployment":
        template = _ps_option(rest, value, "-TemplateFile")
        files = parameter_files([v for v in [_ps_option(rest, value, "-TemplateParameterFile")] if v is not None])
        return Found("New-AzResourceGroupDeployment", template=template, parameters=files) if template is not None else None
    return None


def _az(rest: list[str], value: Value) -> Found | None:
    positional = [w for w in rest[:3] if not w.startswith("-")]
    head = [w.lower() for w in positional]
    if head[:2] == ["aks", "get-credentials"]:
        name = _option(rest, value, "--name", "-n")
        return Found("az aks get-credentials", cluster=_required(name, "az aks get-credentials", "--name"),
                     resource_group=_option(rest, value, "--resource-group", "-g"),
                     context=_option(rest, value, "--context"))
    if head[:3] == ["aks", "command", "invoke"]:
        name = _option(rest, value, "--name", "-n")
        return Found("az aks command invoke", cluster=_required(name, "az aks command invoke", "--name"),
                     resource_group=_option(rest, value, "--resource-group", "-g"))
    deploying = (
        (len(head) >= 3 and head[0] in ("deployment", "stack") and head[2] == "create")
        or head[:3] == ["group", "deployment", "create"]
    )
    if deploying:
        template = _option(rest, value, "--template-file", "-f")
        files = parameter_files(_options(rest, value, "--parameters", "-p"))
        if template is None:
            # A .bicepparam file names its template (`using`): deploying it deploys what it instantiates.
            template = next((f for f in files if isinstance(f, str) and f.lower().endswith(".bicepparam")), None)
        if template is None:
            return None  # --template-uri or a template spec: nothing the model holds
        return Found(f"az {' '.join(head[:3])}", template=template, parameters=files)
    return None


def _kube(tool: str, rest: list[str], value: Value) -> Found | None:
    verbs: list[str] = []
    skip = False
    for word in rest:
        if skip:
            skip = False
            continue
        if word.startswith("-"):
            skip = word in _VALUE_OPTIONS
            continue
        verbs.append(word.lower())
    if tool == "kubectl" and verbs[:2] == ["config", "use-context"] and len(verbs) >= 3:
        positional = [w for w in rest if not w.startswith("-")]
        return Found("kubectl config use-context", context=value(positional[2]))
    option = "--context" if tool == "kubectl" else "--kube-context"
    changes = KUBECTL_CHANGES if tool == "kubectl" else HELM_CHANGES
    if not verbs or verbs[0] not in changes:
        return None
    context = _option(rest, value, option)
    if context is None:
        return None  # the current context, set by an earlier step that is already a deploy step
    return Found(f"{tool} {option}", context=context)


def _azd(rest: list[str], value: Value) -> Found | None:
    verbs = [w.lower() for w in rest if not w.startswith("-")]
    if not verbs or verbs[0] not in ("up", "provision", "deploy"):
        return None
    return Found(f"azd {verbs[0]}", folder="", tool_dir=_option(rest, value, "--cwd", "-C"))


def _terraform(rest: list[str], value: Value) -> Found | None:
    chdir = None
    verbs = []
    for word in rest:
        if word.startswith("-chdir="):
            chdir = value(word[len("-chdir="):])
        elif not word.startswith("-"):
            verbs.append(word.lower())
    if not verbs or verbs[0] != "apply":
        return None
    return Found("terraform apply", folder="", tool_dir=chdir)


def _option(words: list[str], value: Value, *names: str) -> str | Unresolved | None:
    """The value of the last ``--name value`` / ``--name=value`` (the CLI's own rule)."""
    found = None
    for index, word in enumerate(words):
        for name in names:
            if word == name and index + 1 < len(words):
                found = words[index + 1]
            elif name.startswith("--") and word.startswith(name + "="):
                found = word[len(name) + 1:]
    return None if found is None else value(found)


def _options(words: list[str], value: Value, *names: str) -> list[str | Unresolved]:
    """Every value of an option that may be repeated (``-p a.json -p b=1``)."""
    found = []
    for index, word in enumerate(words):
        for name in names:
            if word == name and index + 1 < len(words):
                found.append(words[index + 1])
            elif name.startswith("--") and word.startswith(name + "="):
                found.append(word[len(name) + 1:])
    return [value(f) for f in found]


def parameter_files(given: list[str | Unresolved]) -> tuple[str | Unresolved, ...]:
    """The parameter files among ``--parameters`` values (``@file.json``, ``x.bicepparam``), not
    inline ``name=value`` pairs or JSON; an unresolved value may be a file."""
    files: list[str | Unresolved] = []
    for item in given:
        if isinstance(item, Unresolved):
            files.append(item)
            continue
        for word in item.split():
            word = word.lstrip("@")
            if word.lower().endswith((".json", ".bicepparam")) and "://" not in word and not word.startswith("{"):
                files.append(word)
    return tuple(files)



def _ps_option(words: list[str], value: Value, name: str) -> str | Unresolved | None:
    for index, word in enumerate(words):
        if word.lower() == name.lower() and index + 1 < len(words):
            return value(words[index + 1])
    return None


def _required(found: str | Unresolved | None, how: str, option: str) -> str | Unresolved:
    if found is None:
        return Unresolved(how, f"no {option}: the cluster is a default set by `az configure` when the pipeline runs")
    return found
