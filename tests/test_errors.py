"""The exception tree in helpdesk/errors.py names every HelpdeskError the code defines."""

from __future__ import annotations

import importlib
import pkgutil
import re

import helpdesk
from helpdesk import errors
from helpdesk.errors import HelpdeskError


def subclasses(cls: type) -> set[str]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub.__name__, *subclasses(sub)}
    return found


def test_every_helpdesk_error_is_drawn_in_the_tree() -> None:
    for module in pkgutil.walk_packages(helpdesk.__path__, "helpdesk."):
        if ".migrations" not in module.name and module.name != "helpdesk.__main__":
            importlib.import_module(module.name)
    assert errors.__doc__ is not None
    drawn = set(re.findall(r"[├└]── (\w+)", errors.__doc__))
    assert subclasses(HelpdeskError) == drawn
