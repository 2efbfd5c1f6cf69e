"""Making untrusted document text safe to store and show.

Documents come from the web. Terminals act on escape sequences (``ESC [2J`` clears the screen,
``ESC ]0;…BEL`` sets the window title) and Textual passes ESC and C1 controls through, so they are
removed here, once, when a file is read (`strip_controls`, `clean`), and again from whatever a
format decodes after that (`index.untrusted`). Brackets, quotes and every printable character stay
as written: markup safety is the display's job, not a reason to alter the text.

What earmark prints that it did not write (paths, problems, error text) goes through `visible`,
which shows each control character as its escape instead of dropping it, so a file named with an
ESC can still be found.
"""

from __future__ import annotations

import re

# Escape sequences, longest forms first: string commands (OSC, DCS, SOS, PM, APC) run to their
# terminator (BEL or ST) or, when unterminated, to the end of the line; CSI carries parameters;
# anything else is ESC plus one character. The same commands exist as single C1 bytes.
_ESCAPE_SEQUENCE = re.compile(
    r"""
      (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) [^\x07\x1b\x9c\n]* (?:\x07|\x1b\\|\x9c)?
    | (?:\x1b\[|\x9b) [0-?]* [ -/]* [@-~]?
    | \x1b [ -/]* [0-~]?
    """,
    re.VERBOSE,
)
# Every other control character but tab and newline, including C1 and DEL, plus the Unicode
# bidirectional overrides that can make text read differently from what it is, and lone
# surrogates (JSON's "\ud800"), which no output can encode.
_CONTROLS = r"\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_CONTROL = re.compile(f"[{_CONTROLS}]")
# What a string of the model may not hold: in text of several lines (paragraphs, notes), the
# controls above and the Unicode line separators (`clean` makes them newlines); in one line
# (names, titles, paths), tabs and newlines as well.
UNSAFE_IN_TEXT = re.compile(f"[{_CONTROLS}\u2028\u2029]")
UNSAFE_IN_LINE = re.compile(f"[{_CONTROLS}\t\n\u2028\u2029]")
# Runs of horizontal space that are not one plain space already (a tab, a no-break space, two
# spaces…), each to be folded to one space: matching every single space too, to put it back,
# was most of the time of cleaning a paragraph.
_OTHER_SPACE = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_SPACES_TO_FOLD = re.compile(f"[{_OTHER_SPACE}][ {_OTHER_SPACE}]*| [ {_OTHER_SPACE}]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def strip_controls(text: str) -> str:
    """Remove escape sequences and control characters, keeping the layout (newlines, tabs).

    Carriage returns become newlines, so files with CRLF or CR line ends read like LF ones.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    # Every escape sequence starts with a control character, so text without one has none; and
    # the escape pattern tries every position (2 s for 45 MB), where this search takes 0.2 s.
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def clean(text: str) -> str:
    """The form in which a string enters the model.

    Escape sequences and control characters removed, runs of spaces folded to one, each line
    trimmed, at most one blank line in a row, no blank lines at either end.
    """
    # Spaces are folded in one pass over the whole text (a run never holds a newline): a pass
    # per line was most of the time of cleaning a transcript.
    folded = _SPACES_TO_FOLD.sub(" ", strip_controls(text))
    lines = [line.strip() for line in folded.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def clean_line(text: str) -> str:
    """`clean`, then folded onto one line: for names, titles, dates."""
    # Quick ways out, for a million caption pieces: printable text holds no control character
    # and no space but " ", so it is clean once its spaces are single and inside it.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    if not _CONTROL.search(text):  # nothing to remove, only spaces to fold
        return " ".join(text.split())
    return " ".join(clean(text).split())


def visible(text: str) -> str:
    """``text`` for printing on one line: each control character shown as its escape (ESC as the
    four characters ``\\x1b``, a newline as ``\\n``), never emitted. A byte of a file name that
    is not UTF-8 (held as a lone surrogate) is shown as that byte."""
    return UNSAFE_IN_LINE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for an undecodable byte
        return f"\\x{code - 0xDC00:02x}"
    return match[0].encode("unicode_escape").decode("ascii") if code < 0x100 else f"\\u{code:04x}"
