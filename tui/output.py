"""The one way out for text earmark did not write itself: paths, problems, error text, titles.

A file name can hold ``ESC ]2;…`` and an error message can quote one; printed as they are, the
terminal would act on them (set its title, write the clipboard, clear the screen). `markup=False`
and Rich `Text` stop markup, not escape bytes. So the CLI prints such lines, and the reader
notifies them, only through these helpers, which show each control character as its escape
(`index.text.visible`): the line stays one line, and the person can still tell which file it is.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from index.text import visible

if TYPE_CHECKING:  # the CLI prints without loading Textual
    from textual.app import App
    from textual.notifications import SeverityLevel


def say(line: str, file: TextIO | None = None) -> None:
    """Print one line (stdout by default)."""
    print(visible(line), file=file or sys.stdout)


def warn(message: str) -> None:
    say(f"earmark: warning: {message}", sys.stderr)


def complain(message: str) -> None:
    """An error or a note for the person at the terminal, on stderr."""
    say(f"earmark: {message}", sys.stderr)


def notify(
    app: App,
    message: str,
    *,
    title: str = "",
    severity: SeverityLevel = "information",
    timeout: float | None = None,
) -> None:
    """A notification in the reader, neither markup nor escapes."""
    app.notify(
        visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
    )
