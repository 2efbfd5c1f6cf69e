"""WebVTT captions (``.vtt``).

Speakers come from voice spans, ``<v Sarah>`` or ``<v.loud Sarah>`` (the closing ``</v>`` is
optional), which may change inside a cue from one line to the next; a cue without one continues
the speaker before it. Other tags (word timings ``<00:00:04.160><c> word</c>``) are dropped and
entities decoded (``Q&amp;A`` → ``Q&A``); rolling captions are read once (`_new_lines`).

The blocks are read here, in one pass, by webvtt-py's rules (a block ends at an empty line, or
where a ``-->`` line cannot be its timing; the timing is its first line or follows an
identifier; fields may be short, ``0:1:5.2``): that library was too slow (docs/decisions.md).
Blocks that are not cues (``NOTE``, ``STYLE``, ``REGION``, broken timings) are not captions, and
neither is a cue whose start is past `MAX_SECONDS`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from index.errors import FormatError
from index.formats.common import recurring_speakers
from index.formats.cues import (
    Cue,
    captions_document,
    clock_milliseconds,
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
_CLOCK = r"(?:(\d+):)?([0-5]?\d):([0-5]?\d)\.(\d{1,3})"  # fields may be short: 0:1:5.2
_TIMING = re.compile(rf"\s*{_CLOCK}\s*-->\s*{_CLOCK}")
_EMPTY_LINES = re.compile(r"\n{2,}")


@dataclass(frozen=True, slots=True)
class _Caption:
    start: int  # milliseconds
    end: int | None  # None: past `MAX_SECONDS`
    lines: list[str]


def sniff(head: str) -> float:
    first_line = head.lstrip("\ufeff \n").split("\n", 1)[0]
    return 1.0 if re.match(r"WEBVTT(?:$|[ \t])", first_line) else 0.0


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    text = source.text.lstrip("\ufeff \n")
    if not text.startswith("WEBVTT"):
        raise FormatError(path, None, "not valid WebVTT: the first line is not WEBVTT")
    captions = [caption for block in _blocks(text) if (caption := _caption(block))]
    # Without a single voice span, speakers may be named "Name: text" (Zoom does).
    lines = [line for caption in captions for line in caption.lines]
    voiced = any(_VOICE.match(line) for line in lines)
    labels = set() if voiced else recurring_speakers(map(plain_text, lines))
    cues: list[Cue] = []
    shown = ""  # the last line shown, which rolling captions repeat
    for caption in captions:
        new = _new_lines(caption, shown)
        if new:
            end = None if caption.end is None else caption.end / 1000
            said = [_speaker(line, labels, opens_cue=i == 0) for i, line in enumerate(new)]
            cues += speaker_cues(caption.start / 1000, end, said)
            shown = plain_text(new[-1]).strip()
    return captions_document(path, NAME, LABEL, cues)


def _blocks(text: str) -> list[list[str]]:
    """The file's blocks of lines, the header first. A block ends at an empty line (a line of
    spaces is not one), or before a ``-->`` line that cannot be its timing: one after the
    block's second line, after a timing line, or in the header."""
    blocks = []
    for number, chunk in enumerate(_EMPTY_LINES.split(text)):
        lines = chunk.strip("\n").split("\n")
        arrow = chunk.find("-->")
        if number and (
            arrow < 0 or (chunk.count("\n", 0, arrow) < 2 and "-->" not in chunk[arrow + 3 :])
        ):
            blocks.append(lines)  # the usual block: no "-->" past where its timing may be
            continue
        block: list[str] = []
        for line in lines:
            header = number == 0 and not blocks
            if block and "-->" in line and (header or len(block) > 1 or "-->" in block[0]):
                blocks.append(block)
                block = []
            block.append(line)
        blocks.append(block)
    return blocks


def _caption(block: list[str]) -> _Caption | None:
    """The block as a caption: its timing is its first line, or the second after an
    identifier; None for a block that is not a cue, or starts past `MAX_SECONDS`."""
    at = 0 if "-->" in block[0] else 1
    timing = _TIMING.match(block[at]) if at < len(block) else None
    if timing is None:
        return None
    start = clock_milliseconds(*timing.groups()[:4])
    if start is None:
        return None
    return _Caption(start, clock_milliseconds(*timing.groups()[4:]), block[at + 1 :])


def _new_lines(caption: _Caption, shown: str) -> list[str]:
    """The caption's lines with text, less what is already on screen: rolling captions (YouTube's
    automatic ones) repeat the line before as their first line, and flash each finished line
    again in a cue of a few milliseconds. A line said twice in cues of its own stays twice."""
    kept = [line for line in caption.lines if line.strip()]
    rolling = len(kept) > 1 or (caption.end is not None and caption.end - caption.start < FLASH_MS)
    if kept and shown and rolling and plain_text(kept[0]).strip() == shown:
        kept = kept[1:]
    return kept


def _speaker(line: str, labels: set[str], *, opens_cue: bool) -> tuple[str | None, str]:
    """Who the line says speaks (its voice span, or a label) and its words."""
    if voice := _VOICE.match(line):
        return clean_line(html.unescape(voice["speaker"])), plain_text(line)
    return labelled(plain_text(line), labels, opens_cue=opens_cue)
