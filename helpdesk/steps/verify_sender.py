"""DECIDE step: is the From domain vouched for by our own server's Authentication-Results?

Verified only when From is exactly one well-formed mailbox and the topmost
Authentication-Results with our authserv-id says `dmarc=pass` for exactly that domain
(`header.from`), or `dkim=pass` with a `header.d` aligned to it: the same domain or a
parent of it that is not a public suffix.
"""

from __future__ import annotations

import re

from helpdesk.decision import Decision
from helpdesk.settings import Settings
from parsers.authres import AuthResult, trusted_results
from parsers.types import ParsedMessage

_LDH_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# Suffixes under which anyone may register: a DKIM key for one of these (or a bare TLD)
# would align with every agency's domain. Kept small: the ones these senders use.
_PUBLIC_SUFFIXES = frozenset(
    {
        *("go.id", "co.id", "ac.id", "or.id", "web.id", "sch.id", "mil.id", "net.id"),
        *("my.id", "biz.id", "desa.id", "ponpes.id", "co.uk", "com.au"),
    }
)


def verify_sender(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
    """Set `sender_verified`, with one reason line either way."""
    if decision.automatic:
        return
    verified, why, shown = sender_verification(message, settings.helpdesk.authserv_id)
    decision.sender_verified = verified
    decision.because(
        f"sender {'verified' if verified else 'not verified'}: {why}",
        f"pengirim {'terverifikasi' if verified else 'tidak terverifikasi'}: {shown}",
    )


def sender_verification(message: ParsedMessage, authserv_id: str) -> tuple[bool, str, str]:
    """(verified, why, the same in Indonesian for the officer):
    `(True, "dmarc=pass for dinkes.karawangkab.go.id (mx)", "dmarc=pass untuk ...")`."""
    if not authserv_id.strip():
        return (
            False,
            "no authserv_id set, so no Authentication-Results is trusted",
            "authserv_id belum diatur, jadi tidak ada Authentication-Results yang dipercaya",
        )
    if message.sender_problem is not None or len(message.senders) != 1:
        return (
            False,
            f"From is not one well-formed mailbox ({message.sender_problem})",
            "alamat From bukan satu alamat surel yang benar",
        )
    domain = message.senders[0].address.rpartition("@")[2]
    if not _LDH_DOMAIN.match(domain):
        return (
            False,
            f"From domain {domain!r} is not a plain ASCII domain",
            f"domain From {domain!r} bukan domain ASCII biasa",
        )
    results = trusted_results(message.headers, authserv_id)
    if results is None:
        return (
            False,
            f"no Authentication-Results from {authserv_id}",
            f"tidak ada Authentication-Results dari {authserv_id}",
        )
    for result in results:
        if _vouches(result, domain):
            why = f"{result.method}=pass for {domain} ({authserv_id})"
            return True, why, f"{result.method}=pass untuk {domain} ({authserv_id})"
    return (
        False,
        f"no dmarc=pass or aligned dkim=pass for {domain} from {authserv_id}",
        f"tidak ada dmarc=pass atau dkim=pass yang selaras untuk {domain} dari {authserv_id}",
    )


def _vouches(result: AuthResult, domain: str) -> bool:
    if result.result != "pass":
        return False
    if result.method == "dmarc":
        return result.get("header.from") == domain
    if result.method == "dkim":
        return aligned(result.get("header.d"), domain)
    return False


def aligned(signing_domain: str, from_domain: str) -> bool:
    """DKIM `d=` aligns with the From domain: equal, or a parent that is no public suffix."""
    signer = signing_domain.strip().lower().rstrip(".")
    if not signer or not _LDH_DOMAIN.match(signer):
        return False
    if signer == from_domain:
        return True
    return from_domain.endswith("." + signer) and "." in signer and signer not in _PUBLIC_SUFFIXES
