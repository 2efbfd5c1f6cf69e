"""docs/robustness.md names, for every row, the test that checks it: the table cannot name a test
that does not exist, and every robustness test has a row."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import tests.test_robustness

ROOT = Path(__file__).resolve().parent.parent
NAMED_TEST = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`")


def _named_tests() -> list[tuple[str, str]]:
    return NAMED_TEST.findall((ROOT / "docs" / "robustness.md").read_text(encoding="utf-8"))


def test_every_row_names_a_test_that_exists() -> None:
    named = _named_tests()
    assert len(named) >= 25
    for path, name in named:
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert inspect.isfunction(getattr(module, name, None)), f"{path}::{name} does not exist"


def test_every_robustness_test_has_a_row() -> None:
    named = {name for path, name in _named_tests() if path == "tests/test_robustness.py"}
    functions = inspect.getmembers(tests.test_robustness, inspect.isfunction)
    assert {name for name, _ in functions if name.startswith("test_")} - named == set()
