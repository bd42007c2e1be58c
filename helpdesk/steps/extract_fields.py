"""DECIDE step: labelled fields (kode tender, paket, satker, pokja, peserta, decree data)."""

from __future__ import annotations

from typing import Final

from helpdesk.decision import Decision
from helpdesk.domain import Kind
from helpdesk.readings import file_texts, request_text
from helpdesk.settings import Settings
from parsers.fields import (
    bare_code,
    code_from_rhs_name,
    kode_tender,
    labelled_fields,
    mask_credentials,
    nip_problem,
    nips,
)
from parsers.quoting import strip_subject
from parsers.types import ParsedMessage

_TENDER_FIELDS: Final = ("nama_paket", "satuan_kerja", "nama_pokja")
_KIND_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    Kind.FORENSIC_TEST: (*_TENDER_FIELDS, "nama_peserta"),
    Kind.PROBLEM_REPORT: (*_TENDER_FIELDS, "tahapan", "jadwal_semula", "jadwal_baru"),
    Kind.PASSWORD_RESET: ("satuan_kerja", "nama", "telepon", "email"),
    Kind.ADMIN_REPLACEMENT: ("satuan_kerja", "nama", "telepon", "email"),
    Kind.ADDITIONAL_ADMIN: ("satuan_kerja", "nama", "telepon", "email"),
    Kind.JOIN_REQUEST: ("satuan_kerja", "nama", "telepon", "email"),
    Kind.DATA_REQUEST: ("satuan_kerja",),
}
_DECREE_KINDS: Final = frozenset(
    {Kind.PASSWORD_RESET, Kind.ADMIN_REPLACEMENT, Kind.ADDITIONAL_ADMIN, Kind.JOIN_REQUEST}
)


def extract_fields(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
    """Fill `decision.fields` from the request text first, then the attached forms."""
    if decision.automatic:
        return
    texts = [request_text(message), *file_texts(message, settings)]
    code, where, shown = _tender_code(message, decision, texts)
    if code:
        decision.fields["kode_tender"] = code
        decision.because(f"kode tender {code} found {where}", f"kode tender {code} {shown}")
    found = labelled_fields(texts)
    for name in _KIND_FIELDS.get(decision.kind, ()):
        if name in found:
            decision.fields[name] = mask_credentials(found[name])
    if decision.kind in _DECREE_KINDS:
        _check_nip(texts, decision)


def _tender_code(
    message: ParsedMessage, decision: Decision, texts: list[str]
) -> tuple[str | None, str, str]:
    """The labelled code first; else a lone number in the subject; else a .rhs file's
    prefix; with where it was found, in English and in Indonesian."""
    code = kode_tender(texts)
    if code:
        return code, "next to its label", "ditemukan di samping labelnya"
    code = bare_code(strip_subject(message.subject))
    if code:
        return code, "alone in the subject", "ditemukan sendiri di perihal"
    for verdict in decision.attachments:
        code = code_from_rhs_name(verdict.filename)
        if code:
            name = repr(verdict.filename)
            return (
                code,
                f"in the bid file name {name}",
                f"ditemukan di nama berkas penawaran {name}",
            )
    return None, "", ""


def _check_nip(texts: list[str], decision: Decision) -> None:
    """Record the first labelled NIP of the new admin and flag it when its dates are impossible."""
    numbers = [number for text in texts[1:] for number in nips(text)] or nips(texts[0])
    if not numbers:
        return
    decision.fields["nip"] = numbers[0]
    problem = nip_problem(numbers[0])
    if problem:
        reason, shown = problem
        decision.fields["nip_problem"] = reason
        decision.because(
            f"NIP {numbers[0]} looks wrong: {reason}", f"NIP {numbers[0]} tampaknya salah: {shown}"
        )
