"""Starting a command costs only what it uses: no password hash, no workbook at import."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from click.testing import CliRunner
from helpdesk.cli import cli
from replies.blank_forms import blank_form
CliRunner().invoke(cli, ["--help"])
print(json.dumps({
    "argon2": "argon2" in sys.modules,
    "workbooks": blank_form.cache_info().currsize,
}))
"""


def test_help_neither_hashes_a_password_nor_builds_a_form() -> None:
    # A fresh interpreter: the test process has imported everything already.
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == {"argon2": False, "workbooks": 0}
