"""Timestamps as people write them: ``9:39``, ``00:09:39``, ``1:02:03``, ``39:13-39:18``,
``(39:13-39:18, 41:42-42:01)``; parsed to whole seconds and formatted back.
"""

from __future__ import annotations

import re

from index.model import Span

# A regular expression for one clock time, for parsers that look for times in their own patterns.
CLOCK = r"\d{1,2}:[0-5]\d(?::[0-5]\d)?"
_DASH = r"\s*[-–—]\s*"
_TIME = re.compile(rf"^{CLOCK}$")
_SPAN = re.compile(rf"^(?P<start>{CLOCK})(?:{_DASH}(?P<end>{CLOCK}))?$")
# In running text a time must stand alone: not inside a longer number, a date or a URL port.
_SPAN_IN_TEXT = re.compile(rf"(?<![\w:.,/])(?P<start>{CLOCK})(?:{_DASH}(?P<end>{CLOCK}))?(?![\w:])")


class TimecodeError(ValueError):
    """Raised for a string that is not a timestamp, a range or a list of them."""


def parse_time(text: str) -> int:
    """``"9:39"``, ``"25:13"`` (M:SS, MM:SS), ``"1:02:03"``, ``"00:09:39"`` (H:MM:SS) → seconds."""
    text = text.strip()
    if not _TIME.match(text):
        raise TimecodeError(f"not a timestamp: {text!r}")
    seconds = 0
    for part in text.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


_UNITS = re.compile(r"^(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m(?:in)?)?\s*(?:(?P<s>\d+)\s*s)?$")
_LOOSE_CLOCK = re.compile(r"^(?:(?P<h>\d+):)?(?P<m>\d+):(?P<s>[0-5]\d)(?:[.,]\d+)?$")
# Seconds a moment may name: past this (over 115 days) it is no moment of an episode.
MAX_MOMENT = 10_000_000


def parse_moment(text: str) -> int:
    """A moment as people paste it → seconds: ``1:05:00``, ``65:00``, ``00:01:05.250``,
    ``1h5m``, ``65m``, ``1h 5m 30s``, ``3900s``, ``3900``, or a link with ``t=`` (YouTube's
    ``?t=3900``, ``&t=1h5m``, a page's ``#t=3900``). Raises TimecodeError for anything else."""
    moment = text.strip()
    if "t=" in moment:
        from urllib.parse import urlsplit

        parts = urlsplit(moment)
        for pair in f"{parts.query}&{parts.fragment}".split("&"):
            key, _, value = pair.partition("=")
            if key == "t" and value:
                moment = value
                break
    seconds: int | None = None
    if moment.isdigit():
        seconds = int(moment)
    elif match := _LOOSE_CLOCK.match(moment):
        seconds = int(match["h"] or 0) * 3600 + int(match["m"]) * 60 + int(match["s"])
    elif moment and (match := _UNITS.match(moment.lower())):
        seconds = int(match["h"] or 0) * 3600 + int(match["m"] or 0) * 60 + int(match["s"] or 0)
    if seconds is None or seconds > MAX_MOMENT:
        raise TimecodeError(f"not a time: {text.strip()!r}")
    return seconds


def parse_span(text: str) -> Span:
    """``"39:13-39:18"`` (hyphen, en or em dash) or a single time → a Span in seconds."""
    match = _SPAN.match(text.strip())
    if not match:
        raise TimecodeError(f"not a timestamp or range: {text!r}")
    return _span(match)


def parse_spans(text: str) -> tuple[Span, ...]:
    """``"(39:13-39:18, 41:42-42:01)"`` → both spans; the parentheses are optional."""
    inner = text.strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    parts = [part for part in re.split(r"[,;]", inner) if part.strip()]
    if not parts:
        raise TimecodeError(f"no timestamps in {text!r}")
    return tuple(parse_span(part) for part in parts)


def find_spans(text: str) -> tuple[Span, ...]:
    """Every timestamp or range mentioned anywhere in free text, in order of appearance."""
    return tuple(_span(match) for match in _SPAN_IN_TEXT.finditer(text))


def strip_trailing_spans(text: str) -> tuple[str, tuple[Span, ...]]:
    """Split ``"The Crux of Generalization (25:00)"`` into the title and the spans it ends with."""
    match = re.search(r"\s*\(([^()]*)\)\s*$", text)
    if match:
        try:
            return text[: match.start()].rstrip(), parse_spans(match.group(1))
        except TimecodeError:
            pass
    return text, ()


def clock(start: int | None) -> str:
    """A turn's start as ``"00:09:39"``; ``""`` for a turn without a time."""
    return format_time(start, hours=True) if start is not None else ""


def format_time(seconds: int, *, hours: bool = False) -> str:
    """Seconds → ``"9:39"`` or ``"1:02:03"``; ``hours=True`` always gives ``"00:09:39"``."""
    if seconds < 0:
        raise TimecodeError(f"negative time: {seconds}")
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if hours:
        return f"{h:02d}:{m:02d}:{s:02d}"
    if h:
        return f"{h}:{m:02d}:{s:02d}"
    return f"{m}:{s:02d}"


def format_span(span: Span) -> str:
    if span.start == span.end:
        return format_time(span.start)
    return f"{format_time(span.start)}-{format_time(span.end)}"


def _span(match: re.Match[str]) -> Span:
    start = parse_time(match.group("start"))
    end = parse_time(match.group("end")) if match.group("end") else start
    return Span(min(start, end), max(start, end))
