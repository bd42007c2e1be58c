"""The agency registry: who an email comes from, and the XLSX staff keep it in.

One sheet "Instansi", one agency per row, under this header row (case and spacing of
the headers do not matter, extra columns are ignored):

    Instansi | Domain Email | Alamat Email Lain | Nama Admin Agency | NIP Admin Agency |
    Email Admin Agency | HP Admin Agency | Kontak Pokja

Multi-valued cells separate their items with ";" or new lines; a Pokja contact reads
"Nama <email> 0812...". An import is checked in full first: any row error and nothing
is written.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import Session, col, select

from helpdesk.domain import OPEN_STATUSES
from helpdesk.errors import HelpdeskError
from helpdesk.models import Agency, Ticket, utcnow
from parsers.fields import nip_problem

SHEET: Final = "Instansi"
# Model field -> the header the export writes; order is the column order.
HEADERS: Final[dict[str, str]] = {
    "name": "Instansi",
    "domains": "Domain Email",
    "addresses": "Alamat Email Lain",
    "admin_name": "Nama Admin Agency",
    "admin_nip": "NIP Admin Agency",
    "admin_email": "Email Admin Agency",
    "admin_phone": "HP Admin Agency",
    "pokja_contacts": "Kontak Pokja",
}
_WIDTHS: Final = (40, 28, 34, 28, 22, 32, 18, 60)
# Other spellings staff use for the same columns, after _header_key().
_HEADER_ALIASES: Final[dict[str, str]] = {
    "nama instansi": "name",
    "domain": "domains",
    "domain instansi": "domains",
    "alamat email": "addresses",
    "email lain": "addresses",
    "nama admin": "admin_name",
    "nip admin": "admin_nip",
    "nip": "admin_nip",
    "email admin": "admin_email",
    "hp admin": "admin_phone",
    "no hp admin agency": "admin_phone",
    "telepon admin agency": "admin_phone",
    "pokja": "pokja_contacts",
}

# Mail anyone can open: never an agency's domain (the full address may still be listed).
PUBLIC_WEBMAIL: Final = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.id", "ymail.com",
        "rocketmail.com", "outlook.com", "outlook.co.id", "hotmail.com", "live.com",
        "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
        "protonmail.com", "pm.me", "mail.com", "gmx.com", "gmx.net", "zoho.com",
        "yandex.com", "yandex.ru", "tutanota.com", "rediffmail.com", "plasa.com",
        "telkom.net",
    }
)  # fmt: skip
# The same providers under a country suffix: yahoo.co.uk, hotmail.fr, outlook.sg ...
_WEBMAIL_BRANDS: Final = frozenset(
    "gmail googlemail yahoo ymail hotmail outlook live msn aol icloud".split()
)

_LABEL: Final = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN: Final = re.compile(rf"^(?:{_LABEL}\.)+[a-z]{{2,24}}$")
_LOCAL: Final = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_PHONE: Final = re.compile(r"^(?:\+62|0)\d{7,13}$")
_PHONE_SEPARATORS: Final = re.compile(r"[\s().\-/]")
_POKJA_ITEM: Final = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>\s*(?P<phone>[^<>]*)$")
_TRAILING_PHONE: Final = re.compile(r"^(?P<rest>.*?)\s*(?P<phone>\+?[\d][\d\s().\-]{6,})$")
# Excel keeps 15 significant digits of a number: a NIP typed as a number is already cut.
_EXCEL_DIGITS: Final = 15


class RegistryImportError(HelpdeskError, ValueError):
    """The registry workbook has errors; `errors` lists each, and nothing was imported."""

    def __init__(self, path: Path, errors: Sequence[RowError]) -> None:
        count = len(errors)
        super().__init__(
            f"{path.name}: {count} error{'s' if count != 1 else ''}, nothing was imported. "
            "Correct the workbook and import it again.",
            shown=f"{path.name}: {count} kesalahan, tidak ada yang diimpor. Perbaiki berkasnya, "
            "lalu impor lagi.",
        )
        self.path = path
        self.errors = list(errors)


@dataclass(frozen=True)
class RowError:
    """One problem in the workbook; `row` is the Excel row number, None for the whole file.
    The message is Indonesian: whoever keeps the registry reads it, on the page or the
    command line, beside the sheet's Indonesian column names."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = "berkas" if self.row is None else f"baris {self.row}"
        column = f", {self.column}" if self.column else ""
        return f"{where}{column}: {self.message}"


@dataclass(frozen=True)
class ImportReport:
    """What an import changed; `kept` are agencies missing from the file that tickets use."""

    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    linked: tuple[str, ...] = ()  # open tickets whose sender the import made known


@dataclass
class _AgencyRow:
    """One agency as read from a row, in the model's own field names and stored forms."""

    number: int
    name: str
    domains: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    admin_name: str = ""
    admin_nip: str = ""
    admin_email: str = ""
    admin_phone: str = ""
    pokja_contacts: list[dict[str, str]] = field(default_factory=list)

    def columns(self) -> dict[str, Any]:
        """The Agency column values: `{"name": "...", "domains": '["a.go.id"]', ...}`."""
        return {
            "name": self.name,
            "domains": _dump(self.domains),
            "addresses": _dump(self.addresses),
            "admin_name": self.admin_name,
            "admin_nip": self.admin_nip,
            "admin_email": self.admin_email,
            "admin_phone": self.admin_phone,
            "pokja_contacts": _dump(self.pokja_contacts),
        }


# --- looking senders up ---------------------------------------------------------------


def find_agency(session: Session, address: str) -> Agency | None:
    """The agency `address` belongs to: by a known address first, else by its mail domain.

    Known addresses are an agency's "Alamat Email Lain", its Administrator Agency address
    and its Pokja contacts. A domain matches itself and its subdomains; the most specific
    domain wins. `find_agency(s, "pokja@dinkes.karawangkab.go.id") -> Agency(name=...)`.
    """
    sender = (parseaddr(address)[1] or address).strip().lower()
    if sender.count("@") != 1:
        return None
    domain = sender.rsplit("@", 1)[1]
    # Newest first, so an agency created by a rename wins over the old one that tickets
    # kept alive. The registry is a few hundred rows at most: matching in Python is cheap.
    agencies = session.exec(select(Agency).order_by(col(Agency.id).desc())).all()
    for agency in agencies:
        if sender in known_addresses(agency):
            return agency
    best: tuple[int, Agency] | None = None
    for agency in agencies:
        for own in json.loads(agency.domains):
            if (domain == own or domain.endswith("." + own)) and (
                best is None or len(own) > best[0]
            ):
                best = (len(own), agency)
    return best[1] if best else None


def known_addresses(agency: Agency) -> set[str]:
    """Every exact address on record for `agency`, lower case: `{"admin@x.go.id", ...}`."""
    found = {a.lower() for a in json.loads(agency.addresses)}
    found |= {c["email"].lower() for c in json.loads(agency.pokja_contacts) if c.get("email")}
    if agency.admin_email:
        found.add(agency.admin_email.lower())
    return found


def admin_address(agency: Agency) -> str | None:
    """The Administrator Agency address on record, or None: `"admin.dinkes@karawangkab.go.id"`."""
    return agency.admin_email or None


def agency_dict(agency: Agency) -> dict[str, Any]:
    """An agency for JSON output: `{"name", "domains": [...], ..., "pokja_contacts": [...]}`."""
    return {
        "name": agency.name,
        "domains": json.loads(agency.domains),
        "addresses": json.loads(agency.addresses),
        "admin_name": agency.admin_name,
        "admin_nip": agency.admin_nip,
        "admin_email": agency.admin_email,
        "admin_phone": agency.admin_phone,
        "pokja_contacts": json.loads(agency.pokja_contacts),
        "updated_at": agency.updated_at.isoformat(),
    }


def is_public_webmail(domain: str) -> bool:
    """True for gmail.com, yahoo.co.id and the like (and their subdomains)."""
    domain = domain.lower().strip(".")
    labels = domain.split(".")
    for start in range(len(labels) - 1):
        if ".".join(labels[start:]) in PUBLIC_WEBMAIL:
            return True
    # brand + a country suffix of at most two short labels ("co.uk", "fr"), so that
    # "live.karawangkab.go.id" is not taken for Microsoft's live.com.
    return (
        len(labels) in (2, 3)
        and labels[0] in _WEBMAIL_BRANDS
        and all(len(label) <= 3 for label in labels[1:])
    )


# --- checking cell values -------------------------------------------------------------


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _cell_text(value: object) -> str:
    """A cell as text; whole numbers lose their ".0" (Excel gives 812345678 as 812345678.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\u00a0", " ").strip()


def _items(text: str, *, commas: bool = True) -> list[str]:
    # Pokja names carry degrees after commas ("Budi, S.T."), so they split on ";" only.
    pattern = r"[;\r\n,]" if commas else r"[;\r\n]"
    return [part.strip() for part in re.split(pattern, text) if part.strip()]


def email_problem(address: str) -> str | None:
    """Why `address` is not a plain mail address, or None:
    `"'budi.gmail.com' harus memuat tepat satu @"`."""
    if not address or any(ch.isspace() for ch in address):
        return f"'{address}' memuat spasi" if address else "alamatnya kosong"
    if address.count("@") != 1:
        return f"'{address}' harus memuat tepat satu @"
    local, domain = address.lower().split("@")
    if not _LOCAL.match(local):
        return f"'{address}': bagian sebelum @ tidak sah"
    if not _DOMAIN.match(domain):
        return f"'{address}': domainnya tidak sah (perlu titik, misalnya karawangkab.go.id)"
    return None


def _parse_name(value: object, problems: list[str]) -> str:
    name = " ".join(_cell_text(value).split())
    if not name:
        problems.append("nama instansi wajib diisi")
    return name


def _parse_domains(value: object, problems: list[str]) -> list[str]:
    domains: list[str] = []
    for item in _items(_cell_text(value)):
        domain = item.lower().lstrip("@").rstrip(".")
        if "@" in domain or not _DOMAIN.match(domain):
            problems.append(f"'{item}' bukan domain surel seperti karawangkab.go.id")
        elif is_public_webmail(domain):
            problems.append(
                f"{domain} adalah webmail umum, bukan domain instansi; tulis alamat lengkapnya "
                "di kolom Alamat Email Lain"
            )
        elif domain not in domains:
            domains.append(domain)
    return domains


def _parse_email(text: str, problems: list[str]) -> str:
    problem = email_problem(text) if text else None
    if problem:
        problems.append(problem)
    return text.lower()


def _parse_addresses(value: object, problems: list[str]) -> list[str]:
    addresses: list[str] = []
    for item in _items(_cell_text(value)):
        address = _parse_email(item, problems)
        if address not in addresses:
            addresses.append(address)
    return addresses


def _parse_admin_name(value: object, _problems: list[str]) -> str:
    return " ".join(_cell_text(value).split())


def _parse_admin_email(value: object, problems: list[str]) -> str:
    return _parse_email(_cell_text(value), problems)


def _parse_nip(value: object, problems: list[str]) -> str:
    if isinstance(value, float) and abs(value) >= 10**_EXCEL_DIGITS:
        problems.append(
            "NIP tersimpan sebagai angka dan Excel hanya menyimpan 15 digitnya; ubah format "
            "kolom menjadi Teks, lalu ketik ulang NIP-nya"
        )
        return ""
    text = _cell_text(value)
    if not text:
        return ""
    problem = nip_problem(text)
    if problem:
        problems.append(f"NIP '{text}': {problem[1]}")
    return re.sub(r"[\s.\-]", "", text)


def _phone_text(value: object) -> str:
    """A phone cell as typed: a number cell lost its leading 0 or +, which comes back."""
    text = _cell_text(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and text.isdigit():
        # Indonesian numbers start with 0 or +62, so a number cell lost one of them.
        return "+" + text if text.startswith("62") else "0" + text
    return text


def _phone(text: str, problems: list[str]) -> str:
    if not text:
        return ""
    phone = _PHONE_SEPARATORS.sub("", text)
    if phone.startswith("62"):
        phone = "+" + phone
    if not _PHONE.match(phone):
        problems.append(f"nomor telepon '{text}' harus berupa angka yang diawali 0 atau +62")
    return phone


def _parse_admin_phone(value: object, problems: list[str]) -> str:
    return _phone(_phone_text(value), problems)


def _parse_pokja(value: object, problems: list[str]) -> list[dict[str, str]]:
    contacts: list[dict[str, str]] = []
    for item in _items(_cell_text(value), commas=False):
        found: list[str] = []
        contact = _pokja_contact(item, found)
        problems.extend(f"kontak Pokja '{item}': {problem}" for problem in found)
        contacts.append(contact)
    return contacts


def _pokja_parts(item: str) -> tuple[str, str, str]:
    """(name, email, phone) of one item; a bare address counts as the email."""
    match = _POKJA_ITEM.match(item)
    if match:
        name, email, phone = match.group("name", "email", "phone")
        return name, email.strip() or "<>", phone
    name, phone = item, ""
    tail = _TRAILING_PHONE.match(item)
    if tail:
        name, phone = tail.group("rest", "phone")
    if "@" in name and " " not in name.strip():
        return "", name.strip(), phone
    return name, "", phone


def _pokja_contact(item: str, problems: list[str]) -> dict[str, str]:
    """'Budi, S.T. <budi@x.go.id> 0812 3456' -> `{"name", "email", "phone"}`."""
    name, email, phone = _pokja_parts(item)
    if email == "<>":
        problems.append("alamat di antara < > kosong")
        email = ""
    elif "@" in name:
        problems.append("tulis alamatnya di antara < >, seperti 'Nama <email> 0812...'")
    contact = {
        "name": " ".join(name.split()),
        "email": _parse_email(email, problems),
        "phone": _phone(phone.strip(), problems),
    }
    if not contact["name"] and not contact["email"] and not problems:
        problems.append("isi nama atau alamat, seperti 'Nama <email> 0812...'")
    return contact


_PARSERS: Final = {
    "name": _parse_name,
    "domains": _parse_domains,
    "addresses": _parse_addresses,
    "admin_name": _parse_admin_name,
    "admin_nip": _parse_nip,
    "admin_email": _parse_admin_email,
    "admin_phone": _parse_admin_phone,
    "pokja_contacts": _parse_pokja,
}


def _parse_row(number: int, cells: Mapping[str, object]) -> tuple[_AgencyRow, list[RowError]]:
    """One data row into an agency and its errors, every column checked."""
    problems: dict[str, list[str]] = {name: [] for name in HEADERS}
    # One parser per column, each of its own type: the row's fields, by name.
    values: dict[str, Any] = {
        name: parse(cells.get(name), problems[name]) for name, parse in _PARSERS.items()
    }
    errors = [
        RowError(number, HEADERS[name], message)
        for name, messages in problems.items()
        for message in messages
    ]
    return _AgencyRow(number=number, **values), errors


def _cross_row_errors(rows: Sequence[_AgencyRow]) -> list[RowError]:
    """Names, domains and listed addresses may each belong to one row only."""
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        keys = [("name", _name_key(row.name))] if row.name else []
        keys += [("domains", d) for d in row.domains] + [("addresses", a) for a in row.addresses]
        for column, key in keys:
            first = seen.setdefault((column, key), row.number)
            if first != row.number:
                what = "instansi ini" if column == "name" else f"'{key}'"
                errors.append(
                    RowError(row.number, HEADERS[column], f"{what} sudah ada di baris {first}")
                )
    return errors


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


# --- reading the workbook -------------------------------------------------------------


def _header_key(text: object) -> str:
    key = re.sub(r"[^0-9a-z]+", " ", _cell_text(text).casefold()).strip()
    return re.sub(r"\badministrator\b", "admin", key)


_HEADER_KEYS: Final = {
    **{_header_key(header): name for name, header in HEADERS.items()},
    **_HEADER_ALIASES,
}


def _columns(header: Sequence[object]) -> tuple[dict[str, int], list[RowError]]:
    """Which cell index holds which field: `({"name": 0, "domains": 1, ...}, errors)`."""
    found: dict[str, int] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(header):
        name = _HEADER_KEYS.get(_header_key(cell))
        if name is None:
            continue  # extra columns (No., Keterangan, ...) are the staff's own
        if name in found:
            errors.append(RowError(None, HEADERS[name], "kolom ini muncul dua kali"))
        found[name] = index
    # Every column is required: importing a sheet without, say, Kontak Pokja would
    # silently wipe every agency's Pokja contacts.
    errors += [
        RowError(None, header, "kolom ini tidak ada di baris judul")
        for name, header in HEADERS.items()
        if name not in found
    ]
    return found, errors


def _sheet(workbook: Any, path: Path) -> Any:
    for sheet in workbook.worksheets:
        if sheet.title.strip().casefold() == SHEET.casefold():
            return sheet
    if len(workbook.worksheets) == 1:
        return workbook.worksheets[0]
    raise RegistryImportError(
        path, [RowError(None, "", f"berkas tidak memiliki sheet bernama '{SHEET}'")]
    )


def _data_rows(sheet: Any) -> Iterator[tuple[int, Sequence[object]]]:
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if any(_cell_text(v) for v in values):
            yield number, values


def _read_rows(path: Path) -> tuple[list[_AgencyRow], list[RowError]]:
    """Every agency row of the workbook and every error found in it."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError) as exc:
        raise RegistryImportError(
            path, [RowError(None, "", f"tidak dapat dibuka sebagai XLSX ({exc})")]
        ) from exc
    try:
        rows = list(_data_rows(_sheet(workbook, path)))
    finally:
        workbook.close()
    if not rows:
        return [], [RowError(None, "", f"sheet '{SHEET}' kosong")]
    header_number, header = rows[0]
    columns, errors = _columns(header)
    if errors:
        return [], [RowError(header_number, e.column, e.message) for e in errors]
    agencies: list[_AgencyRow] = []
    for number, values in rows[1:]:
        cells = {name: values[i] if i < len(values) else None for name, i in columns.items()}
        agency, row_errors = _parse_row(number, cells)
        agencies.append(agency)
        errors += row_errors
    return agencies, errors + _cross_row_errors(agencies)


# --- import and export ----------------------------------------------------------------


def import_registry(session: Session, path: Path) -> ImportReport:
    """Replace the registry with the workbook at `path`, or raise RegistryImportError.

    Every row is checked first; with any error nothing is changed. Agencies are matched
    by name (case and spacing ignored). Changes are flushed in `session`, which the
    caller commits: `ImportReport(created=("Dinas Kesehatan",), updated=(), ...)`.
    """
    rows, errors = _read_rows(path)
    if errors:
        # Stable sort: a row's errors stay in column order, cross-row ones after them.
        raise RegistryImportError(path, sorted(errors, key=lambda e: e.row or 0))
    existing = {_name_key(a.name): a for a in session.exec(select(Agency)).all()}
    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    for row in rows:
        agency = existing.pop(_name_key(row.name), None)
        if agency is None:
            session.add(Agency(**row.columns()))
            created.append(row.name)
        elif _update(agency, row.columns()):
            updated.append(row.name)
        else:
            unchanged.append(row.name)
    removed, kept = _remove_missing(session, list(existing.values()))
    session.flush()
    linked = link_open_tickets(session)
    return ImportReport(tuple(created), tuple(updated), tuple(unchanged), removed, kept, linked)


def link_open_tickets(session: Session) -> tuple[str, ...]:
    """Give open tickets of senders the registry did not know their agency now: a request
    that came before its agency was registered finds its Administrator Agency. Their refs."""
    query = select(Ticket).where(
        col(Ticket.agency_id).is_(None),
        col(Ticket.status).in_(OPEN_STATUSES),
        Ticket.requester_address != "",
    )
    linked = []
    for ticket in session.exec(query).all():
        if link_agency(session, ticket):
            linked.append(ticket.ref)
    session.flush()
    return tuple(linked)


def link_agency(session: Session, ticket: Ticket) -> bool:
    """Set the agency of a ticket that has none from its sender's address; True if found."""
    if ticket.agency_id is not None or not ticket.requester_address:
        return False
    agency = find_agency(session, ticket.requester_address)
    if agency is None:
        return False
    ticket.agency_id, ticket.sender_known = agency.id, True
    session.add(ticket)
    return True


def _update(agency: Agency, columns: Mapping[str, str]) -> bool:
    changed = {name: value for name, value in columns.items() if getattr(agency, name) != value}
    for name, value in changed.items():
        setattr(agency, name, value)
    if changed:
        agency.updated_at = utcnow()
    return bool(changed)


def _remove_missing(
    session: Session, missing: Sequence[Agency]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Delete agencies left out of the file, except those tickets refer to: (removed, kept)."""
    ids = [a.id for a in missing]
    referenced = set(
        session.exec(select(Ticket.agency_id).where(col(Ticket.agency_id).in_(ids))).all()
    )
    removed: list[str] = []
    kept: list[str] = []
    for agency in sorted(missing, key=lambda a: a.name):
        if agency.id in referenced:
            kept.append(agency.name)
        else:
            session.delete(agency)
            removed.append(agency.name)
    return tuple(removed), tuple(kept)


def _pokja_text(contact: Mapping[str, str]) -> str:
    parts = [contact.get("name", ""), f"<{contact['email']}>" if contact.get("email") else ""]
    return " ".join(p for p in [*parts, contact.get("phone", "")] if p)


def _export_values(agency: Agency) -> list[str]:
    return [
        agency.name,
        "; ".join(json.loads(agency.domains)),
        "; ".join(json.loads(agency.addresses)),
        agency.admin_name,
        agency.admin_nip,
        agency.admin_email,
        agency.admin_phone,
        "\n".join(_pokja_text(c) for c in json.loads(agency.pokja_contacts)),
    ]


def _format_sheet(sheet: Worksheet, rows: int) -> None:
    bold = Font(bold=True)
    for index, width in enumerate(_WIDTHS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        sheet[f"{letter}1"].font = bold
        # Text format keeps NIPs and phone numbers as typed when staff edit the file.
        for row in range(2, rows + 2):
            sheet[f"{letter}{row}"].number_format = "@"
            sheet[f"{letter}{row}"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{rows + 1}"


def export_registry(session: Session, path: Path) -> int:
    """Write the registry to `path` in the import layout; returns how many agencies: `42`."""
    agencies = session.exec(select(Agency).order_by(col(Agency.name))).all()
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new Workbook always has one plain sheet
    sheet.title = SHEET
    sheet.append(list(HEADERS.values()))
    for agency in agencies:
        sheet.append(_export_values(agency))
    _format_sheet(sheet, len(agencies))
    # Written beside the target and renamed, so a crash never leaves half a workbook.
    partial = path.with_name(f".{path.name}.partial")
    workbook.save(partial)
    os.replace(partial, path)
    return len(agencies)
