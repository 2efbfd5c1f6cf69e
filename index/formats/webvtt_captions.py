"""WebVTT captions (``.vtt``), read with webvtt-py.

Speakers come from voice spans, ``<v Sarah>`` or ``<v.loud Sarah>`` (the closing ``</v>`` is
optional), which may change inside a cue from one line to the next; a cue without one continues
the speaker before it. Other tags (word timings ``<00:00:04.160><c> word</c>``) are dropped and
entities decoded (``Q&amp;A`` → ``Q&A``); rolling captions are read once (`_new_lines`).
"""

from __future__ import annotations

import re
from pathlib import Path

import webvtt
from webvtt.errors import MalformedFileError

from index.errors import FormatError
from index.formats.cues import Cue, captions_document, plain_text
from index.formats.source import SourceText, read_source
from index.model import Document

NAME = "webvtt"
LABEL = "WebVTT captions"

# A cue this short only flashes a finished line again (rolling captions).
FLASH_MS = 50
_VOICE = re.compile(r"^<v(?:\.[\w-]+)*\s+(?P<speaker>[^>]+)>")


def sniff(head: str) -> float:
    first_line = head.lstrip("\ufeff \n").split("\n", 1)[0]
    return 1.0 if re.match(r"WEBVTT(?:$|[ \t])", first_line) else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    try:
        captions = webvtt.from_string(source.text).captions
    except (MalformedFileError, ValueError) as error:
        raise FormatError(path, None, f"not valid WebVTT: {error}") from None
    cues: list[Cue] = []
    shown = ""  # the last line shown, which rolling captions repeat
    for caption in captions:
        lines = _new_lines(caption, shown)
        if lines:
            cues += _cues(caption, lines)
            shown = plain_text(lines[-1]).strip()
    return captions_document(path, NAME, LABEL, cues)


def _new_lines(caption: webvtt.Caption, shown: str) -> list[str]:
    """The caption's lines with text, less what is already on screen: rolling captions (YouTube's
    automatic ones) repeat the line before as their first line, and flash each finished line
    again in a cue of a few milliseconds. A line said twice in cues of its own stays twice."""
    kept = [line for line in caption.lines if line.strip()]
    rolling = (
        len(kept) > 1
        or caption.end_time.in_milliseconds() - caption.start_time.in_milliseconds() < FLASH_MS
    )
    if kept and shown and rolling and plain_text(kept[0]).strip() == shown:
        kept = kept[1:]
    return kept


def _cues(caption: webvtt.Caption, lines: list[str]) -> list[Cue]:
    """One cue per voice the lines name (most captions: one)."""
    cues: list[Cue] = []
    start = caption.start_time.in_milliseconds() / 1000
    end = caption.end_time.in_milliseconds() / 1000
    for line in lines:
        voice = _VOICE.match(line)
        text = plain_text(line)
        if voice or not cues:
            speaker = voice["speaker"].strip() if voice else None
            cues.append(Cue(start, end, text, speaker))
        else:
            cues[-1] = Cue(start, end, f"{cues[-1].text} {text}", cues[-1].speaker)
    return cues
