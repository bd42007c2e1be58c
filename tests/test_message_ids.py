"""Our Message-IDs name their ticket and cannot be forged without the secret."""

from __future__ import annotations

from pathlib import Path

from helpdesk.message_ids import load_secret, make_message_id, ticket_of_message_id

SECRET = b"test-secret"


def test_own_message_id_names_its_ticket() -> None:
    mid = make_message_id(ref="HD-2026-00042", domain="karawangkab.go.id", secret=SECRET)
    assert mid.endswith("@karawangkab.go.id")
    assert ticket_of_message_id(f"<{mid}>", domain="karawangkab.go.id", secret=SECRET) == (
        "HD-2026-00042"
    )


def test_forged_or_foreign_message_ids_name_no_ticket() -> None:
    mid = make_message_id(ref="HD-2026-00042", domain="karawangkab.go.id", secret=SECRET)
    forged = mid.replace("HD-2026-00042", "HD-2026-00043")
    assert ticket_of_message_id(forged, domain="karawangkab.go.id", secret=SECRET) is None
    assert ticket_of_message_id(mid, domain="evil.example", secret=SECRET) is None
    assert ticket_of_message_id(mid, domain="karawangkab.go.id", secret=b"other") is None
    assert ticket_of_message_id("abc@mail.gmail.com", domain="x", secret=SECRET) is None


def test_generated_secret_is_kept(tmp_path: Path) -> None:
    first = load_secret("", tmp_path)
    assert load_secret("", tmp_path) == first
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0
