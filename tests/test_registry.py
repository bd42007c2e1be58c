"""The agency registry: XLSX import and export, row errors, and finding a sender's agency."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from helpdesk.commands.agencies import agencies
from helpdesk.database import open_database
from helpdesk.models import Agency, Ticket
from helpdesk.registry import (
    HEADERS,
    RegistryImportError,
    admin_address,
    agency_dict,
    export_registry,
    find_agency,
    import_registry,
)

HEADER = list(HEADERS.values())
NIP = "198003132005011007"
DINKES = [
    "Dinas Kesehatan",
    "dinkes.karawangkab.go.id",
    "dinkes.karawang@gmail.com; sekretariat.dinkes@yahoo.co.id",
    "Rina Marlina, S.Kom.",
    "19800313 200501 1 007",
    "admin.dinkes@karawangkab.go.id",
    "0812-3456-7890",
    "Budi Santoso, S.T. <budi.pokja@gmail.com> 0813 1111 2222\n"
    "Pokja Pemilihan 2 <pokja2@karawangkab.go.id>",
]
PEMKAB = ["Sekretariat Daerah", "karawangkab.go.id", "", "Asep", "", "", "", ""]

Cells = Sequence[object]
MakeWorkbook = Callable[..., Path]


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return open_database(f"sqlite:///{tmp_path / 'helpdesk.sqlite3'}")


@pytest.fixture
def make_workbook(tmp_path: Path) -> MakeWorkbook:
    """make_workbook(*rows, header=HEADER, name="x.xlsx") -> the path of a new workbook."""

    def make(*rows: Cells, header: Cells = HEADER, name: str = "registry.xlsx") -> Path:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "Instansi"
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        path = tmp_path / name
        workbook.save(path)
        return path

    return make


def _import(engine: Engine, path: Path) -> None:
    with Session(engine) as session:
        import_registry(session, path)
        session.commit()


def _registry(engine: Engine) -> list[dict[str, object]]:
    with Session(engine) as session:
        rows = session.exec(select(Agency).order_by(Agency.name)).all()
        return [{k: v for k, v in agency_dict(a).items() if k != "updated_at"} for a in rows]


def _find(engine: Engine, address: str) -> str | None:
    with Session(engine) as session:
        agency = find_agency(session, address)
        return agency.name if agency else None


def test_valid_workbook_is_imported(engine: Engine, make_workbook: MakeWorkbook) -> None:
    _import(engine, make_workbook(DINKES, PEMKAB))
    dinkes, pemkab = _registry(engine)
    assert dinkes == {
        "name": "Dinas Kesehatan",
        "domains": ["dinkes.karawangkab.go.id"],
        "addresses": ["dinkes.karawang@gmail.com", "sekretariat.dinkes@yahoo.co.id"],
        "admin_name": "Rina Marlina, S.Kom.",
        "admin_nip": NIP,
        "admin_email": "admin.dinkes@karawangkab.go.id",
        "admin_phone": "081234567890",
        "pokja_contacts": [
            {
                "name": "Budi Santoso, S.T.",
                "email": "budi.pokja@gmail.com",
                "phone": "081311112222",
            },
            {"name": "Pokja Pemilihan 2", "email": "pokja2@karawangkab.go.id", "phone": ""},
        ],
    }
    assert pemkab["name"] == "Sekretariat Daerah" and pemkab["admin_email"] == ""
    with Session(engine) as session:
        agency = find_agency(session, "Admin.Dinkes@KarawangKab.go.id")
        assert agency is not None and admin_address(agency) == "admin.dinkes@karawangkab.go.id"


def test_export_then_import_round_trips(
    engine: Engine, make_workbook: MakeWorkbook, tmp_path: Path
) -> None:
    _import(engine, make_workbook(DINKES, PEMKAB))
    exported = tmp_path / "export.xlsx"
    with Session(engine) as session:
        assert export_registry(session, exported) == 2
    other = open_database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    _import(other, exported)
    assert _registry(other) == _registry(engine)
    with Session(engine) as session:
        report = import_registry(session, exported)
    assert report.unchanged == ("Dinas Kesehatan", "Sekretariat Daerah")
    assert report.created == report.updated == report.removed == ()


def test_export_layout(engine: Engine, make_workbook: MakeWorkbook, tmp_path: Path) -> None:
    _import(engine, make_workbook(DINKES))
    with Session(engine) as session:
        export_registry(session, tmp_path / "export.xlsx")
    sheet = load_workbook(tmp_path / "export.xlsx")["Instansi"]
    assert [c.value for c in sheet[1]] == HEADER
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H2"
    assert sheet["E2"].value == NIP  # text, so Excel keeps every digit


def test_every_row_error_is_reported_and_nothing_written(
    engine: Engine, make_workbook: MakeWorkbook
) -> None:
    _import(engine, make_workbook(PEMKAB))
    before = _registry(engine)
    bad = make_workbook(
        DINKES,  # row 2: valid
        ["", "x.go.id"] + [""] * 6,  # 3: no name
        ["dinas  kesehatan"] + [""] * 7,  # 4: same name as row 2
        ["Dinas A", "gmail.com", "budi gmail.com"] + [""] * 5,  # 5
        ["Dinas B", "localhost", "", "", "1980 0313", "a@@b.go.id", "12345", ""],  # 6
        ["Dinas C", "dinkes.karawangkab.go.id", "", "", "19801345 200501 1 007"] + [""] * 3,
        ["Dinas D"] + [""] * 5 + ["+1 555 1234", "Siti <siti@pokja> 0812 9999 8888"],  # 8
        ["Dinas E", "", "", "", 1.98003132005011e17, "ad min@x.go.id", "", "<> 081234567"],
    )
    with Session(engine) as session, pytest.raises(RegistryImportError) as caught:
        import_registry(session, bad)
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {
        (3, "Instansi"),
        (4, "Instansi"),
        (5, "Domain Email"),
        (5, "Alamat Email Lain"),
        (6, "Domain Email"),
        (6, "NIP Admin Agency"),
        (6, "Email Admin Agency"),
        (6, "HP Admin Agency"),
        (7, "Domain Email"),  # dinkes.karawangkab.go.id is row 2's
        (7, "NIP Admin Agency"),
        (8, "HP Admin Agency"),
        (8, "Kontak Pokja"),
        (9, "NIP Admin Agency"),
        (9, "Email Admin Agency"),
        (9, "Kontak Pokja"),
    }
    messages = [str(e) for e in caught.value.errors]
    assert "baris 4, Instansi: instansi ini sudah ada di baris 2" in messages
    assert any("baris 7, NIP Admin Agency" in m and "tanggal lahir 19801345" in m for m in messages)
    assert any("baris 9" in m and "15 digitnya" in m for m in messages)
    assert _registry(engine) == before


def test_webmail_is_refused_as_domain_but_allowed_as_address(
    engine: Engine, make_workbook: MakeWorkbook
) -> None:
    with Session(engine) as session, pytest.raises(RegistryImportError) as caught:
        import_registry(session, make_workbook(["Dinas A", "Yahoo.co.id; hotmail.co.uk"]))
    assert [e.column for e in caught.value.errors] == ["Domain Email", "Domain Email"]
    assert "webmail umum" in caught.value.errors[0].message
    _import(engine, make_workbook(["Dinas A", "", "dinas.a@yahoo.co.id"]))
    assert _find(engine, "dinas.a@yahoo.co.id") == "Dinas A"
    assert _find(engine, "someone.else@yahoo.co.id") is None


@pytest.mark.parametrize(
    ("address", "agency"),
    [
        ("sekretariat.dinkes@yahoo.co.id", "Dinas Kesehatan"),  # exact address
        ("budi.pokja@gmail.com", "Dinas Kesehatan"),  # a Pokja contact's address
        ("Rina <ADMIN.DINKES@karawangkab.go.id>", "Dinas Kesehatan"),
        ("pokja@dinkes.karawangkab.go.id", "Dinas Kesehatan"),  # domain
        ("ulp@pengadaan.dinkes.karawangkab.go.id", "Dinas Kesehatan"),  # subdomain
        ("bagian.umum@karawangkab.go.id", "Sekretariat Daerah"),  # less specific domain
        ("x@bappeda.karawangkab.go.id", "Sekretariat Daerah"),
        ("x@karawangkab.go.id.evil.com", None),
        ("x@evilkarawangkab.go.id", None),
        ("x@dinkes-karawangkab.go.id", None),
        ("stranger@gmail.com", None),
        ("not an address", None),
    ],
)
def test_find_agency(
    engine: Engine, make_workbook: MakeWorkbook, address: str, agency: str | None
) -> None:
    _import(engine, make_workbook(DINKES, PEMKAB))
    assert _find(engine, address) == agency


def _numeric_nip_workbook(path: Path) -> None:
    """Rewrite the NIP cell as a number holding all 18 digits, as some exporters write it."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    assert "<v>1.98003132005011e+17</v>" in sheet  # what openpyxl wrote for the int
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        "<v>1.98003132005011e+17</v>", f"<v>{NIP}</v>"
    ).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_numeric_nip_and_phone_cells_keep_their_digits(
    engine: Engine, make_workbook: MakeWorkbook
) -> None:
    path = make_workbook(["Dinas A", "", "", "", int(NIP), "", 81234567890, ""])
    _numeric_nip_workbook(path)
    _import(engine, path)
    [agency] = _registry(engine)
    assert agency["admin_nip"] == NIP
    assert agency["admin_phone"] == "081234567890"


def test_headers_tolerate_case_spacing_and_extra_columns(
    engine: Engine, make_workbook: MakeWorkbook
) -> None:
    header = ["No.", *(f"  {h.upper()} " for h in HEADER[:3]), "Nama Administrator Agency"]
    header += [*HEADER[4:], "Keterangan"]
    _import(engine, make_workbook([1, *DINKES, "catatan staf"], header=header))
    assert _registry(engine)[0]["admin_name"] == "Rina Marlina, S.Kom."


def test_missing_column_is_an_error(engine: Engine, make_workbook: MakeWorkbook) -> None:
    with Session(engine) as session, pytest.raises(RegistryImportError) as caught:
        import_registry(session, make_workbook(DINKES[:7], header=HEADER[:7]))
    assert [str(e) for e in caught.value.errors] == [
        "baris 1, Kontak Pokja: kolom ini tidak ada di baris judul"
    ]


def test_agencies_left_out_are_removed_unless_tickets_use_them(
    engine: Engine, make_workbook: MakeWorkbook
) -> None:
    _import(engine, make_workbook(DINKES, PEMKAB, ["Dinas C"]))
    with Session(engine) as session:
        dinas_c = session.exec(select(Agency).where(Agency.name == "Dinas C")).one()
        session.add(Ticket(ref="HD-2026-00001", kind="other", agency_id=dinas_c.id))
        session.commit()
    with Session(engine) as session:
        report = import_registry(session, make_workbook(["DINAS KESEHATAN"]))
        session.commit()
    assert (report.updated, report.removed, report.kept) == (
        ("DINAS KESEHATAN",),
        ("Sekretariat Daerah",),
        ("Dinas C",),
    )
    assert [a["name"] for a in _registry(engine)] == ["DINAS KESEHATAN", "Dinas C"]


class _StandInContext:
    """The two things the agencies commands use of helpdesk.cli's context object."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.settings = None


def test_cli_import_lists_every_error_and_exits_1(
    engine: Engine, make_workbook: MakeWorkbook
) -> None:
    path = make_workbook(DINKES, ["Dinas A", "gmail.com"], ["", "", "", "", "123"])
    runner = CliRunner()
    result = runner.invoke(agencies, ["import", str(path)], obj=_StandInContext(engine))
    assert result.exit_code == 1
    assert "baris 3, Domain Email: gmail.com adalah webmail umum" in result.stderr
    assert "baris 4, Instansi: nama instansi wajib diisi" in result.stderr
    assert "baris 4, NIP Admin Agency" in result.stderr
    assert "3 kesalahan, tidak ada yang diimpor" in result.stderr
    assert _registry(engine) == []


def test_cli_import_list_and_export(
    engine: Engine, make_workbook: MakeWorkbook, tmp_path: Path
) -> None:
    runner = CliRunner()
    context = _StandInContext(engine)
    result = runner.invoke(agencies, ["import", str(make_workbook(DINKES))], obj=context)
    assert result.exit_code == 0 and "1 created" in result.output
    listed = runner.invoke(agencies, ["list", "--json"], obj=context)
    assert json.loads(listed.output)[0]["admin_nip"] == NIP
    table = runner.invoke(agencies, ["list"], obj=context).output
    assert "Dinas Kesehatan" in table and "admin.dinkes@karawangkab.go.id" in table
    result = runner.invoke(agencies, ["export", str(tmp_path / "out.xlsx")], obj=context)
    assert result.exit_code == 0 and (tmp_path / "out.xlsx").exists()
