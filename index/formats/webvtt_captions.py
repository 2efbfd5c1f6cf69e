"""WebVTT captions (``.vtt``), read with webvtt-py.

Speakers come from voice spans, ``<v Sarah>`` or ``<v.loud Sarah>`` (the closing ``</v>`` is
optional), which may change inside a cue from one line to the next; a cue without one continues
the speaker before it. Other tags (word timings ``<00:00:04.160><c> word</c>``) are dropped and
entities decoded (``Q&amp;A`` → ``Q&A``); rolling captions are read once (`_new_lines`).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import webvtt
from webvtt.errors import MalformedFileError

from index.errors import FormatError
from index.formats.cues import (
    Cue,
    caption_speakers,
    captions_document,
    labelled,
    plain_text,
    speaker_cues,
)
from index.formats.source import SourceText, read_source
from index.model import Document
from index.text import clean_line

NAME = "webvtt"
LABEL = "WebVTT captions"

# A cue this short only flashes a finished line again (rolling captions).
FLASH_MS = 50
# A voice span, perhaps inside other tags that open the line (``<c.yellow><v Carl>``).
_VOICE = re.compile(r"^(?:<(?!v[\s.])[^>]*>)*<v(?:\.[\w-]+)*\s+(?P<speaker>[^>]+)>")


# A cue's timing line, "00:01.000 --> 00:04.000" or with hours.
_CUE_TIMING = re.compile(r"^(?:\d+:)?\d{2}:\d{2}\.\d{3}[ \t]+-->", re.MULTILINE)


def sniff(head: str) -> float:
    """Sure of a file that opens with the ``WEBVTT`` header; cue timings without it only
    resemble WebVTT (the header is missing)."""
    if _has_header(head):
        return 1.0
    return 0.2 if _CUE_TIMING.search(head) else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    if not _has_header(source.text):
        raise FormatError(path, 1, "not valid WebVTT: the first line is not “WEBVTT”")
    try:
        captions = webvtt.from_string(source.text).captions
    except (MalformedFileError, ValueError) as error:
        raise FormatError(path, None, f"not valid WebVTT: {error}") from None
    # Without a single voice span, speakers may be named "Name: text" (Zoom does).
    voiced = any(_VOICE.match(line) for caption in captions for line in caption.lines)
    plain = [[plain_text(line) for line in caption.lines if line.strip()] for caption in captions]
    labels = set() if voiced else caption_speakers(plain)
    cues: list[Cue] = []
    shown = ""  # the last line shown, which rolling captions repeat
    for caption in captions:
        new = _new_lines(caption, shown)
        if new:
            start = caption.start_time.in_milliseconds() / 1000
            end = caption.end_time.in_milliseconds() / 1000
            said = [_speaker(line, labels, opens_cue=i == 0) for i, line in enumerate(new)]
            cues += speaker_cues(start, end, said)
            shown = plain_text(new[-1]).strip()
    return captions_document(path, NAME, LABEL, cues)


def _has_header(text: str) -> bool:
    first_line = text.lstrip("\ufeff \n").split("\n", 1)[0]
    return bool(re.match(r"WEBVTT(?:$|[ \t])", first_line))


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


def _speaker(line: str, labels: set[str], *, opens_cue: bool) -> tuple[str | None, str]:
    """Who the line says speaks (its voice span, or a label) and its words."""
    if voice := _VOICE.match(line):
        return clean_line(html.unescape(voice["speaker"])), plain_text(line)
    return labelled(plain_text(line), labels, opens_cue=opens_cue)
