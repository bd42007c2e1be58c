"""The poison step of the chaos run: test code that lives in the wrapper, never the product.

Importing this module with HELPDESK_CHAOS_POISON set (to a Subject marker) wraps the
DECIDE step `classify_kind` so that it raises RuntimeError for a message whose Subject
holds the marker, exactly as a bug in a step would. It is installed on import, not by a
call, because the bot parses and decides in worker processes started by a forkserver:
chaos_bot.py names this module as the forkserver's preload, and the preload is an import.
It must come before helpdesk.pipeline is imported, whose DECIDE tuple then holds it: the
bot is a real `helpdesk run` in another process, so no Pipeline can be handed the step.
"""

from __future__ import annotations

import functools
import os
import sys

import helpdesk.steps.classify_kind as classify_kind_module
from helpdesk.decision import Decision
from helpdesk.settings import Settings
from helpdesk.steps.classify_kind import classify_kind
from parsers.types import ParsedMessage

POISON_ENV = "HELPDESK_CHAOS_POISON"
POISON_ERROR = "chaos poison: this message breaks classify_kind"


def install(marker: str) -> None:
    """Make `classify_kind` raise for mail whose Subject contains `marker`."""
    if "helpdesk.pipeline" in sys.modules:
        raise RuntimeError("install the poison before helpdesk.pipeline builds its DECIDE")

    @functools.wraps(classify_kind)
    def poisoned(message: ParsedMessage, decision: Decision, settings: Settings) -> None:
        if marker in message.subject:
            raise RuntimeError(POISON_ERROR)
        classify_kind(message, decision, settings)

    classify_kind_module.classify_kind = poisoned


if os.environ.get(POISON_ENV):
    install(os.environ[POISON_ENV])
