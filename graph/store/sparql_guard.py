"""No outbound requests: refuse SPARQL text that would make the store fetch a URL (``SERVICE``, ``LOAD``).

Oxigraph follows ``SERVICE <http://...>`` in a query and ``LOAD <http://...>`` in an update: it sends an
HTTP request to whatever URL the text names (server-side request forgery; a remote that never answers
holds a worker for minutes). Every path that runs text a person wrote (the endpoint, ``aims sparql``,
``aims query``) calls ``refuse_outbound`` first, so the rule and its message live here only.

The check reads tokens, not raw text: comments, the four string literal forms, IRIs, variables,
prefixed names, blank node labels and language tags are skipped, so ``"SERVICE"`` in a string or
``ex:SERVICE`` is not mistaken for the keyword. Anything the tokenizer does not understand is read
as plain words, so a doubt ends in a refusal, never in a fetch.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from graph.store.protocol import QueryError

# Longest forms first: a long string must not be read as an empty short one.
_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                 |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<variable>[?$]\w+)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>(?:[^\W\d][\w.\-]*)?:(?:[\w.\-:%]|\\.)*)
    | (?P<word>[^\W\d]\w*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


class OutboundRequestError(QueryError):
    """The text asks the store to fetch a URL that is not on the allow-list; nothing was run."""


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    line: int


def _tokens(text: str) -> Iterator[_Token]:
    """Significant tokens with their line numbers (spaces and comments dropped)."""
    line = 1
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        value = match.group()
        if kind not in {"space", "comment"}:
            yield _Token(kind, value, line)
        line += value.count("\n")


def refuse_outbound(text: str, allowed_prefixes: Sequence[str] = ()) -> None:
    """Raise ``OutboundRequestError`` if ``text`` has a ``SERVICE`` or ``LOAD`` whose IRI is not allowed.

    Args:
        text: a SPARQL query or update, as the user sent it.
        allowed_prefixes: IRI prefixes an administrator allowed (``aims serve --allow-service``); a
            target is allowed only when it is a literal IRI (or a prefixed name declared in the text)
            that starts with one of them. Variables and relative IRIs are never allowed.
    """
    tokens = list(_tokens(text))
    prefixes: dict[str, str] = {}
    for i, token in enumerate(tokens):
        if token.kind != "word":
            continue
        keyword = token.text.upper()
        if keyword == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].text] = tokens[i + 2].text[1:-1]
        if keyword not in {"SERVICE", "LOAD"}:
            continue
        following = tokens[i + 1 : i + 3]
        if following and following[0].kind == "word" and following[0].text.upper() == "SILENT":
            following = following[1:]
        target = following[0] if following else None
        iri = _resolve(target, prefixes)
        if iri is not None and _SCHEME.match(iri) and iri.startswith(tuple(p for p in allowed_prefixes if p)):
            continue
        raise OutboundRequestError(_message(keyword, target, token.line, allowed_prefixes))


def _resolve(target: _Token | None, prefixes: dict[str, str]) -> str | None:
    if target is None:
        return None
    if target.kind == "iri":
        return target.text[1:-1]
    if target.kind == "pname":
        prefix, _, local = target.text.partition(":")
        base = prefixes.get(prefix + ":")
        # Escapes in a local name would change the IRI; such a target is refused, not decoded.
        return base + local if base is not None and "\\" not in local and "%" not in local else None
    return None


def _message(keyword: str, target: _Token | None, line: int, allowed: Sequence[str]) -> str:
    shown = target.text[:200] if target else "(nothing)"
    where = f"{keyword} {shown} at line {line}"
    if keyword == "SERVICE":
        what = "this store makes no outbound requests, so federated queries (SERVICE) are refused"
    else:
        what = "this store never fetches remote data (LOAD); load files with `aims load` instead"
    if allowed:
        hint = f"only IRIs starting with {', '.join(allowed)} are allowed"
    else:
        hint = "an administrator can allow IRI prefixes with `aims serve --allow-service PREFIX`"
    return f"{where}: {what}; {hint}"
