"""Strict reading of From and Reply-To: the stdlib's RFC 5322 parser, never a lenient guess.

The lenient `email.utils.getaddresses` (and mail-parser, built on it) reads
`admin@lkpp.go.id <attacker@evil.example>` as a mailbox at lkpp.go.id, which is where
neither the mail came from nor an answer would go. Here the angle-addr wins, a header
that is not exactly one clean mailbox says so, and a domain with non-ASCII letters
(a Cyrillic "р", a Kelvin sign "K") is kept in a form that can never equal, even after
`str.lower()`, the ASCII domain it imitates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email import errors
from email.policy import default

from parsers.mime_parts import decode_words
from parsers.types import Address

_ANGLE_ADDR = re.compile(r"<\s*([^<>\s]+@[^<>\s]+?)\s*>")
_BARE_ADDR = re.compile(r"(?<![^\s,;:])[^\s<>\"(),;:@]+@[A-Za-z0-9.-]+(?![^\s,;])")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def read_mailboxes(values: Sequence[str]) -> tuple[tuple[Address, ...], str | None]:
    """Every mailbox the header(s) name, and why they are not one clean mailbox (or None).

    `read_mailboxes(["Budi <Budi@X.go.id>"]) -> ((Address("Budi", "budi@x.go.id"),), None)`
    `read_mailboxes(["a@x.id, b@y.id"]) -> ((Address("", "a@x.id"), ...), "2 mailboxes")`
    """
    if not values:
        return (), "no such header"
    value = _unfold(values[0])
    mailboxes, problem = _parse(value)
    if len(values) > 1:
        problem = f"{len(values)} headers"
    elif problem is None and len(mailboxes) != 1:
        problem = f"{len(mailboxes)} mailboxes" if mailboxes else "no mailbox"
    if problem is None and any(not address.address.isascii() for address in mailboxes):
        problem = "non-ASCII address"
    return mailboxes, problem


def normalise_address(addr_spec: str) -> str:
    """Lower-case ASCII letters only; non-ASCII domain labels become raw `xn--` punycode.

    Unicode lower-casing maps the Kelvin sign to "k" and IDNA's nameprep maps look-alikes
    to ASCII; both would let a homoglyph domain equal a registry domain, so neither is used.
    """
    local, at, domain = addr_spec.strip().rpartition("@")
    if not at:
        return ""
    labels = [
        label.translate(_ASCII_LOWER)
        if label.isascii()
        else "xn--" + label.encode("punycode").decode("ascii")
        for label in domain.split(".")
    ]
    return f"{local.translate(_ASCII_LOWER)}@{'.'.join(labels)}"


def _parse(value: str) -> tuple[tuple[Address, ...], str | None]:
    try:
        header = default.header_factory("from", value)
        groups, defects = header.groups, header.defects
        parsed = [
            Address(a.display_name.strip(), normalise_address(a.addr_spec))
            for a in header.addresses
            if a.domain
        ]
    except Exception:  # the stdlib's header parser raises unrelated types on garbage
        return _fallback(value, []), "malformed"
    invalid = any(isinstance(d, errors.InvalidHeaderDefect) for d in defects)
    if invalid:
        return _fallback(value, parsed), "malformed"
    if any(group.display_name is not None for group in groups):
        return tuple(parsed), "group syntax"
    return tuple(parsed), None


def _fallback(value: str, parsed: list[Address]) -> tuple[Address, ...]:
    """For a malformed header: the one angle-addr (where an answer would go), else the one
    bare address standing alone, else what the strict parser salvaged."""
    angle = _ANGLE_ADDR.findall(value)
    if len(angle) == 1:
        name = decode_words(value[: value.find("<")]).strip().strip('"').strip()
        return (Address(name, normalise_address(angle[0])),)
    bare = _BARE_ADDR.findall(value)
    if not angle and len(bare) == 1:
        return (Address("", normalise_address(bare[0])),)
    return tuple(parsed)


def _unfold(value: str) -> str:
    """One line, and 8-bit bytes the parser kept as surrogates read as UTF-8."""
    text = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()
