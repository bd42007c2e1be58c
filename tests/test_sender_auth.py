"""Who really sent it: only our own server's Authentication-Results vouch for a From
domain, the From is read strictly, and a privileged request we cannot confirm is flagged
for staff while its outcome still goes only to the address on record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import Session

from helpdesk.message_ids import load_secret
from helpdesk.models import Agency, Ticket, utcnow
from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings, settings_from_dict
from helpdesk.staff import Staff, StaffActionError, resolve
from helpdesk.terminal import ticket_detail, ticket_detail_text
from helpdesk.tickets import get_ticket
from parsers.message import parse_message
from tests.support.bot import sample, with_headers
from tests.support.desk import Helpdesk

OURS = "mail.karawangkab.go.id"
SETTINGS = settings_from_dict({"helpdesk": {"authserv_id": OURS}})
ADMIN = "admin.dinkes@karawangkab.go.id"
PASS = f"{OURS}; dkim=pass header.d=karawangkab.go.id; dmarc=pass header.from=karawangkab.go.id"


def mail(*headers: str, from_: str = f"Admin Dinkes <{ADMIN}>", body: str = "") -> bytes:
    """A reset request; `headers` go on top, in order, as a receiving server prepends them."""
    top = "".join(f"{line}\r\n" for line in headers)
    return (
        f"{top}From: {from_}\r\nTo: lpse@karawangkab.go.id\r\n"
        "Subject: Permohonan reset password Administrator Agency\r\n"
        "Message-ID: <req-1@karawangkab.go.id>\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/plain\r\n\r\nMohon reset password admin agency.\r\n{body}"
    ).encode()


def verified(raw: bytes, settings: Settings = SETTINGS) -> bool:
    return check_bytes(raw, settings).sender_verified


def attached(*headers: str) -> bytes:
    """A message carrying, inside an attached message/rfc822, the given headers."""
    inner = "".join(f"{line}\r\n" for line in headers) + f"From: {ADMIN}\r\nSubject: x\r\n\r\nx\r\n"
    raw = mail().replace(
        b"Content-Type: text/plain", b'Content-Type: multipart/mixed; boundary="b"'
    )
    head, _, _ = raw.partition(b"\r\n\r\n")
    return (
        head
        + (
            "\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nMohon reset.\r\n"
            f"--b\r\nContent-Type: message/rfc822\r\n\r\n{inner}--b--\r\n"
        ).encode()
    )


@pytest.mark.parametrize(
    "header",
    [
        f"Authentication-Results: {OURS}; dmarc=pass (p=reject) header.from=karawangkab.go.id",
        f"Authentication-Results: {OURS.upper()} 1; dmarc=pass header.from=KarawangKab.go.id",
        f"Authentication-Results: {OURS}; dkim=pass header.d=karawangkab.go.id header.s=s1",
        f'Authentication-Results: {OURS}; spf=fail; dkim=pass header.d="karawangkab.go.id"',
    ],
)
def test_our_servers_pass_verifies(header: str) -> None:
    assert verified(mail(header))


def test_a_parent_domain_signature_is_aligned() -> None:
    header = f"Authentication-Results: {OURS}; dkim=pass header.d=karawangkab.go.id"
    assert verified(mail(header, from_="Pokja <pokja@dinkes.karawangkab.go.id>"))


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param((), id="no-header"),
        pytest.param((f"Authentication-Results: {OURS}; dmarc=fail header.from=x",), id="fail"),
        pytest.param(
            (f"Authentication-Results: {OURS}; dmarc=pass header.from=evil.example",),
            id="pass-for-another-domain",
        ),
        pytest.param(
            (f"Authentication-Results: {OURS}; dkim=pass header.d=go.id",), id="public-suffix"
        ),
        pytest.param(
            (f"Authentication-Results: {OURS}; dkim=pass header.d=evil.example",), id="unaligned"
        ),
        pytest.param(
            (f"Authentication-Results: {OURS}; spf=pass smtp.mailfrom=karawangkab.go.id",),
            id="spf-alone",
        ),
        pytest.param(
            ("Authentication-Results: mx.evil.example; dmarc=pass header.from=karawangkab.go.id",),
            id="wrong-authserv-id",
        ),
        pytest.param(
            (
                "Authentication-Results: mx.relay.example; dmarc=pass"
                " header.from=karawangkab.go.id",
                f"Authentication-Results: {OURS}; dmarc=fail header.from=karawangkab.go.id",
            ),
            id="forged-copy-above",
        ),
        pytest.param(
            (
                f"Authentication-Results: {OURS}; dmarc=fail header.from=karawangkab.go.id",
                f"Authentication-Results: {OURS}; dmarc=pass header.from=karawangkab.go.id",
            ),
            id="forged-copy-below-with-our-id",
        ),
        pytest.param(
            (f"Authentication-Results: {OURS}.evil.example; dmarc=pass header.from=x",),
            id="id-that-only-starts-like-ours",
        ),
    ],
)
def test_forged_or_failing_results_do_not_verify(headers: tuple[str, ...]) -> None:
    assert not verified(mail(*headers))


def test_results_inside_an_attached_message_are_ignored() -> None:
    assert not verified(attached(f"Authentication-Results: {PASS}"))


def test_without_an_authserv_id_nobody_is_verified() -> None:
    assert not verified(mail(f"Authentication-Results: {PASS}"), Settings())


@pytest.mark.parametrize(
    ("from_", "reads_as"),
    [
        ("admin@karawangkab.go.id <attacker@evil.example>", "attacker@evil.example"),
        ('"admin@karawangkab.go.id" <attacker@evil.example>', "attacker@evil.example"),
        ("=?utf-8?q?admin=40karawangkab.go.id?= <attacker@evil.example>", "attacker@evil.example"),
        (
            "=?utf-8?b?PGFkbWluQGthcmF3YW5na2FiLmdvLmlkPg==?= <attacker@evil.example>",
            "attacker@evil.example",
        ),
        ("Admin <attacker@evil.example> (admin@karawangkab.go.id)", "attacker@evil.example"),
        ("admin@karawangkab.go.id@evil.example", ""),
    ],
)
def test_display_name_tricks_read_as_the_real_address(from_: str, reads_as: str) -> None:
    raw = mail(f"Authentication-Results: {PASS}", from_=from_)
    assert parse_message(raw).sender.address == reads_as
    assert not verified(raw)


@pytest.mark.parametrize(
    "from_",
    [
        f"{ADMIN}, attacker@evil.example",
        f"Admin <{ADMIN}>, Tamu <tamu@karawangkab.go.id>",
        f"Pokja: {ADMIN};",
    ],
)
def test_more_than_one_mailbox_is_not_verified(from_: str) -> None:
    assert not verified(mail(f"Authentication-Results: {PASS}", from_=from_))


def test_two_from_headers_are_not_verified() -> None:
    raw = mail(f"Authentication-Results: {PASS}", "From: attacker@evil.example")
    assert not verified(raw)


@pytest.mark.parametrize(
    "domain",
    [
        "karawangkаb.go.id",  # Cyrillic "а"
        "\u212aarawangkab.go.id",  # Kelvin sign, which str.lower() turns into "k"
        "xn--karawangkb-6ij.go.id",  # the punycode of the Cyrillic one
        "karawangkab.go.id\u200b",  # zero-width space
    ],
)
def test_homoglyph_domains_are_never_the_registry_domain(tmp_path: Path, domain: str) -> None:
    header = f"Authentication-Results: {OURS}; dmarc=pass header.from={domain}"
    raw = mail(header, from_=f"Admin <admin.dinkes@{domain}>")
    address = parse_message(raw).sender.address
    assert address.isascii() and not address.endswith("@karawangkab.go.id")
    desk = _desk_with_registry(tmp_path)
    desk.receive(raw)
    desk.run_once()
    (ticket,) = desk.tickets()
    assert ticket["needs_staff"]
    with Session(desk.engine) as session:
        assert get_ticket(session, ticket["ref"]).agency_id is None


# End to end: the ticket staff see, and where the outcome goes.


def _desk_with_registry(tmp_path: Path) -> Helpdesk:
    desk = Helpdesk(tmp_path, helpdesk={"authserv_id": OURS})
    with Session(desk.engine) as session:
        session.add(
            Agency(
                name="Dinas Kesehatan",
                domains=json.dumps(["dinkes.karawangkab.go.id"]),
                addresses=json.dumps([ADMIN]),
                admin_name="Admin Dinkes",
                admin_email=ADMIN,
            )
        )
        session.commit()
    return desk


def _reset(*headers: str, **fields: str) -> bytes:
    raw = sample("22-reset-complete-pdf.eml")
    for line in headers:
        raw = line.encode() + b"\r\n" + raw
    return with_headers(raw, **fields)


def _only_ticket(desk: Helpdesk) -> Ticket:
    with Session(desk.engine) as session:
        (row,) = desk.tickets()
        return get_ticket(session, row["ref"])


def _shown(desk: Helpdesk, ref: str) -> str:
    with Session(desk.engine) as session:
        detail = ticket_detail(
            session, get_ticket(session, ref), sla=desk.settings.sla, now=utcnow()
        )
    return ticket_detail_text(detail)


def _resolve(desk: Helpdesk, ref: str) -> list[str]:
    staff = Staff("petugas", desk.settings, load_secret("", desk.settings.helpdesk.data_dir))
    with Session(desk.engine) as session:
        result = resolve(session, staff, ref)
        session.commit()
    return result.sent_to


def test_a_verified_request_from_the_registry_is_not_flagged(tmp_path: Path) -> None:
    desk = _desk_with_registry(tmp_path)
    desk.receive(_reset(f"Authentication-Results: {PASS}", From=f"Admin Dinkes <{ADMIN}>"))
    desk.run_once()
    assert not _only_ticket(desk).needs_staff


def test_a_spoofed_reset_is_flagged_and_its_outcome_goes_to_the_record(tmp_path: Path) -> None:
    desk = _desk_with_registry(tmp_path)
    desk.receive(
        _reset(
            f"Authentication-Results: {OURS}; dmarc=fail header.from=dinkes.karawangkab.go.id",
            f"Authentication-Results: mx.evil.example; {PASS.split(';', 1)[1]}",
            From="Kepala Dinas <kepala@dinkes.karawangkab.go.id>",
            Reply_To="Admin Baru <attacker@evil.example>",
        )
    )
    desk.run_once()

    ticket = _only_ticket(desk)
    assert ticket.needs_staff and "tidak terverifikasi" in ticket.staff_note
    shown = _shown(desk, ticket.ref)  # what `tickets show` prints
    assert "PERLU DICEK PETUGAS" in shown and "alamat yang terdaftar" in shown
    (answer,) = desk.answers()
    assert answer["To"].addresses[0].addr_spec == "kepala@dinkes.karawangkab.go.id"

    assert _resolve(desk, ticket.ref) == [ADMIN, "kepala@dinkes.karawangkab.go.id"]
    assert all("attacker" not in str(a["To"]) for a in desk.answers())


def test_an_unknown_sender_is_flagged_as_not_in_the_registry(tmp_path: Path) -> None:
    desk = _desk_with_registry(tmp_path)
    desk.receive(_reset(f"Authentication-Results: {PASS}", From="Admin <admin.x@gmail.com>"))
    desk.run_once()
    ticket = _only_ticket(desk)
    assert ticket.needs_staff and "tidak terdaftar di daftar instansi" in ticket.staff_note


@pytest.mark.parametrize(
    "sample_name", ["29-replacement-complete-inline-logo.eml", "32-additional-admin-complete.eml"]
)
def test_admin_outcomes_never_go_to_an_address_not_on_record(
    tmp_path: Path, sample_name: str
) -> None:
    desk = _desk_with_registry(tmp_path)
    desk.receive(with_headers(sample(sample_name), From="Orang Lain <orang.lain@gmail.com>"))
    desk.run_once()
    ticket = _only_ticket(desk)
    assert ticket.needs_staff
    with pytest.raises(StaffActionError, match="not an address on record"):
        _resolve(desk, ticket.ref)

    with Session(desk.engine) as session:  # staff link the ticket to the agency by hand
        linked = get_ticket(session, ticket.ref)
        linked.agency_id = 1
        session.add(linked)
        session.commit()
    assert _resolve(desk, ticket.ref) == [ADMIN]


def test_admin_outcome_goes_to_a_requester_on_record(tmp_path: Path) -> None:
    desk = _desk_with_registry(tmp_path)
    raw = sample("32-additional-admin-complete.eml")
    desk.receive(with_headers(raw, From="Pokja <pokja@dinkes.karawangkab.go.id>"))
    desk.run_once()
    ticket = _only_ticket(desk)
    assert ticket.needs_staff  # not verified: staff confirm, but the answer may go there
    assert _resolve(desk, ticket.ref) == ["pokja@dinkes.karawangkab.go.id"]


def test_a_ticket_opened_before_its_agency_was_registered_finds_it_later(
    tmp_path: Path,
) -> None:
    from helpdesk.registry import link_open_tickets

    desk = Helpdesk(tmp_path)  # an empty registry
    raw = sample("30-replacement-decree-missing-octet-stream.eml")
    desk.receive(with_headers(raw, From="Sekretariat <sekretariat@dinkes.karawangkab.go.id>"))
    desk.run_once()
    ticket = _only_ticket(desk)
    assert ticket.agency_id is None and not ticket.sender_known
    with Session(desk.engine) as session:  # what `agencies import` adds, then its linking
        session.add(
            Agency(name="Dinas Kesehatan", domains=json.dumps(["dinkes.karawangkab.go.id"]),
                   admin_name="Admin Dinkes", admin_email=ADMIN)
        )  # fmt: skip
        session.flush()
        assert link_open_tickets(session) == (ticket.ref,)
        session.commit()
    linked = _only_ticket(desk)
    assert linked.agency_id is not None and linked.sender_known
    assert _resolve(desk, ticket.ref) == ["sekretariat@dinkes.karawangkab.go.id"]


def test_resolving_links_an_agency_registered_since_the_ticket_opened(tmp_path: Path) -> None:
    desk = Helpdesk(tmp_path)
    raw = sample("32-additional-admin-complete.eml")
    desk.receive(with_headers(raw, From="Orang Lain <orang.lain@gmail.com>"))
    desk.run_once()
    ticket = _only_ticket(desk)
    with Session(desk.engine) as session:  # registered later, without any linking run
        session.add(
            Agency(name="Dinas Kesehatan", addresses=json.dumps(["orang.lain@gmail.com"]),
                   admin_name="Admin Dinkes", admin_email=ADMIN)
        )  # fmt: skip
        session.commit()
    assert _resolve(desk, ticket.ref) == ["orang.lain@gmail.com"]  # now on record
