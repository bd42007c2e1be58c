"""Authentication-Results (RFC 8601): read only what our own receiving server wrote.

Anyone can put an Authentication-Results header in the mail they send; only the one our
server added, the topmost carrying our authserv-id, means anything. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_PAIR = re.compile(r'([A-Za-z0-9_.\-/]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;"]+)')


@dataclass(frozen=True)
class AuthResult:
    """One method's result: `AuthResult("dmarc", "pass", (("header.from", "x.go.id"),))`."""

    method: str
    result: str
    properties: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str:
        """The value of property `name` ("header.from"), lower case, or ""."""
        return next((value for key, value in self.properties if key == name), "")


def trusted_results(
    headers: Sequence[tuple[str, str]], authserv_id: str
) -> tuple[AuthResult, ...] | None:
    """The results of the topmost Authentication-Results whose authserv-id is ours.

    `trusted_results(message.headers, "mx.karawangkab.go.id") -> (AuthResult("dmarc", ...),)`;
    None when no header carries that id, or when `authserv_id` is empty (trust none).
    """
    wanted = authserv_id.strip().lower()
    if not wanted:
        return None
    for name, value in headers:
        if name != "authentication-results":
            continue
        parsed = parse_authentication_results(value)
        if parsed is not None and parsed[0] == wanted:
            return parsed[1]
    return None


def parse_authentication_results(value: str) -> tuple[str, tuple[AuthResult, ...]] | None:
    """`"mx.x.id; dmarc=pass header.from=x.id"` -> `("mx.x.id", (AuthResult(...),))`."""
    segments = _split(_without_comments(value))
    if not segments or not segments[0].split():
        return None
    authserv_id = segments[0].split()[0].lower()
    results = [result for result in map(_result, segments[1:]) if result is not None]
    return authserv_id, tuple(results)


def _result(segment: str) -> AuthResult | None:
    pairs = [(key.lower(), _unquote(raw)) for key, raw in _PAIR.findall(segment)]
    if not pairs:
        return None  # "none": no authentication was done
    (method, result), properties = pairs[0], pairs[1:]
    return AuthResult(method.split("/", 1)[0], result.lower(), tuple(properties))


def _unquote(raw: str) -> str:
    if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
        raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
    return raw.strip().lower()


def _without_comments(value: str) -> str:
    """`value` with (nested) comments removed; quoted strings are left as they are."""
    out: list[str] = []
    depth, quoted, escaped = 0, False, False
    for char in value:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(char)
            continue
        if char == "\\":
            escaped = True
            if depth == 0:
                out.append(char)
        elif quoted:
            quoted = char != '"'
            out.append(char)
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif depth == 0:
            quoted = char == '"'
            out.append(char)
    return "".join(out)


def _split(value: str) -> list[str]:
    """`value` split at the semicolons that are not inside a quoted string."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in value:
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts
