"""The libraries' own complaints about the files they open ("EOF marker not found",
"fontTools is required") stay out of the bot's output: a broken attachment is a verdict
on its ticket, not a warning for the terminal or the journal."""

from __future__ import annotations

import logging
from typing import Final

NOISY: Final = ("pypdf", "openpyxl", "docx", "mailparser", "PIL", "fontTools", "py.warnings")


def quiet_libraries() -> None:
    """Only the libraries' errors are logged; their Python warnings go through logging
    too (logger "py.warnings"), so they are silenced the same way. Call it in every
    process that parses mail: the parsing workers start with a fresh logging setup."""
    logging.captureWarnings(True)
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.ERROR)
