"""What an officer reads of the bot's reasoning is Indonesian: each reason the bot records
has an Indonesian twin, and that is what the ticket keeps and the pages show."""

from __future__ import annotations

import re

import pytest

from helpdesk.kind_rules import RULES, SHOWN_LABELS
from helpdesk.pipeline import check_bytes
from helpdesk.settings import Settings
from tests.test_check_snapshot import ROOT, corpus_files

# Words of the English reasons that no Indonesian reason needs.
ENGLISH = re.compile(
    r"\b(the|attached|missing|found|kind|points|sender|verified|subject|body|follow-up|"
    r"schedule|asked|complete|incomplete|refused|holds|automatic|answer(ed)?|no|not)\b"
)


def test_every_kind_rule_has_an_indonesian_label() -> None:
    assert {rule.label for rule in RULES} <= set(SHOWN_LABELS)


@pytest.mark.parametrize("relative", corpus_files())
def test_each_reason_of_each_sample_reads_in_indonesian(relative: str) -> None:
    decision = check_bytes((ROOT / relative).read_bytes(), Settings())
    assert len(decision.shown_reasons) == len(decision.reasons)
    for shown in decision.shown_reasons:
        # Quoted evidence (the requester's own words, file names, header values) aside.
        words = re.sub(r"«[^»]*»|'[^']*'|\([^)]*=[^)]*\)", " ", shown)
        assert not ENGLISH.search(words.lower()), shown


def test_the_samples_cover_most_kinds_of_reason() -> None:
    starts = set()
    for relative in corpus_files():
        decision = check_bytes((ROOT / relative).read_bytes(), Settings())
        starts |= {shown.split(" ")[0] for shown in decision.shown_reasons}
    assert {"jenis", "lengkap:", "belum", "pengirim", "kode", "lampiran"} <= starts

