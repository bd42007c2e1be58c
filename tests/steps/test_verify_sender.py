"""verify_sender: only our own server's Authentication-Results vouch for a From."""

from __future__ import annotations

from helpdesk.decision import Decision
from helpdesk.settings import Settings, settings_from_dict
from helpdesk.steps.verify_sender import verify_sender
from tests.support.messages import mail, run

OURS = "mail.karawangkab.go.id"
TRUSTING = settings_from_dict({"helpdesk": {"authserv_id": OURS}})
ADMIN = "Admin Dinkes <admin@dinkes.karawangkab.go.id>"


def verify(results: str, settings: Settings = TRUSTING) -> Decision:
    return run(verify_sender, mail(sender=ADMIN, Authentication_Results=results), None, settings)


def test_dmarc_pass_from_our_server_verifies_the_sender() -> None:
    results = f"{OURS}; dmarc=pass header.from=dinkes.karawangkab.go.id"
    decision = verify(results)
    assert decision.sender_verified
    assert decision.reasons == [
        f"sender verified: dmarc=pass for dinkes.karawangkab.go.id ({OURS})"
    ]


def test_results_another_server_wrote_are_not_trusted() -> None:
    forged = "mx.example.net; dmarc=pass header.from=dinkes.karawangkab.go.id"
    decision = verify(forged)
    assert not decision.sender_verified


def test_without_an_authserv_id_nobody_is_verified() -> None:
    results = f"{OURS}; dmarc=pass header.from=dinkes.karawangkab.go.id"
    decision = verify(results, Settings())
    assert not decision.sender_verified
    assert "no authserv_id set" in decision.reasons[0]


def test_dkim_of_another_domain_does_not_vouch() -> None:
    results = f"{OURS}; dkim=pass header.d=gmail.com"
    decision = verify(results)
    assert not decision.sender_verified
