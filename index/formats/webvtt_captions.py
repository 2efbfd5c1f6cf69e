"""WebVTT captions (``.vtt``).

Speakers come from voice spans, ``<v Sarah>`` or ``<v.loud Sarah>`` (the closing ``</v>`` is
optional), which may change inside a cue from one line to the next; a cue without one continues
the speaker before it. Other tags (word timings ``<00:00:04.160><c> word</c>``) are dropped and
entities decoded (``Q&amp;A`` → ``Q&A``); rolling captions are read once (`_rolling`).

The blocks are read here, in one pass, by webvtt-py's rules (a block ends at an empty line, or
where a ``-->`` line cannot be its timing; the timing is its first line or follows an
identifier; fields may be short, ``0:1:5.2``): that library was too slow (docs/decisions.md).
Blocks that are not cues (``NOTE``, ``STYLE``, ``REGION``, broken timings) are not captions, and
neither is a cue whose start is past `MAX_SECONDS`.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

from index.errors import FormatError
from index.formats.cues import (
    Cue,
    caption_speakers,
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


# A cue's start and end in milliseconds (end None: past `MAX_SECONDS`) and its lines; a tuple,
# the quickest thing to make, a million times for a large file.
_Caption = tuple[int, int | None, list[str]]


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
    captions = _captions(source.text.lstrip("\ufeff \n"))
    # Without a single voice span, speakers may be named "Name: text" (Zoom does).
    voiced = any(
        line[:1] == "<" and _VOICE.match(line)
        for _, _, caption_lines in captions
        for line in caption_lines
    )
    labels = (
        set()
        if voiced
        else caption_speakers(
            [[plain_text(line) for line in lines if line.strip()] for _, _, lines in captions]
        )
    )
    cues: list[Cue] = []
    shown = ""  # the words of the last line shown, which rolling captions repeat
    for start, end, caption_lines in captions:
        written = list(filter(str.strip, caption_lines))  # the lines with text
        words = [plain_text(line) if "<" in line or "&" in line else line for line in written]
        if words and shown and words[0].strip() == shown and _rolling(start, end, written):
            del written[0], words[0]
        if written:
            cues += _cues(start, end, written, words, labels)
            shown = words[-1].strip()
    return captions_document(path, NAME, LABEL, cues)


def _has_header(text: str) -> bool:
    first_line = text.lstrip("\ufeff \n").split("\n", 1)[0]
    return bool(re.match(r"WEBVTT(?:$|[ \t])", first_line))


def _cues(
    start_ms: int, end_ms: int | None, written: list[str], words: list[str], labels: set[str]
) -> list[Cue]:
    """A caption's cues from its lines (as written, and their words): one, unless a line after
    the first starts with a tag (a voice, perhaps) or a line names a speaker (`labelled`)."""
    start, end = start_ms / 1000, None if end_ms is None else end_ms / 1000
    text = " ".join(words)
    if "\n<" not in "\n".join(written) and not (labels and ":" in text):  # the usual caption
        first = written[0]
        voice = _VOICE.match(first) if first[:1] == "<" else None
        return [Cue(start, end, text, _voice_name(voice["speaker"]) if voice else None)]
    said = [
        _speaker(line, plain, labels, opens_cue=i == 0)
        for i, (line, plain) in enumerate(zip(written, words, strict=True))
    ]
    return speaker_cues(start, end, said)


def _captions(text: str) -> list[_Caption]:
    """The file's cues, in order. A block ends at an empty line (a line of spaces is not one),
    or before a ``-->`` line that cannot be its timing: one after the block's second line,
    after a timing line, or in the header. Nearly every block holds one ``-->``, on its first
    or second line, and is read at once; only the others are split by those rules."""
    captions = []
    for number, chunk in enumerate(text.split("\n\n")):  # quicker than a pattern of \n{2,}
        if "-->" not in chunk:
            continue  # the header, a NOTE, a STYLE: not a cue
        lines = chunk.lstrip("\n").split("\n")  # after three newlines or more, one is left
        if number and chunk.count("-->") == 1 and ("-->" in lines[0] or "-->" in lines[1]):
            if caption := _caption(lines):
                captions.append(caption)
        else:
            captions += [
                caption
                for block in _split(lines, header=number == 0)
                if (caption := _caption(block))
            ]
    return captions


def _split(lines: list[str], *, header: bool) -> list[list[str]]:
    """A chunk's lines as blocks, by the rules of `_captions`."""
    blocks: list[list[str]] = []
    block: list[str] = []
    for line in lines:
        if (
            block
            and "-->" in line
            and ((header and not blocks) or len(block) > 1 or "-->" in block[0])
        ):
            blocks.append(block)
            block = []
        block.append(line)
    return [*blocks, block]


def _caption(block: list[str]) -> _Caption | None:
    """The block as a caption: its timing is its first line, or the second after an
    identifier; None for a block that is not a cue, or starts past `MAX_SECONDS`."""
    at = 0 if "-->" in block[0] else 1
    timing = _TIMING.match(block[at]) if at < len(block) else None
    if timing is None:
        return None
    clocks = timing.groups()
    start = clock_milliseconds(*clocks[:4])
    if start is None:
        return None
    return start, clock_milliseconds(*clocks[4:]), block[at + 1 :]


def _rolling(start: int, end: int | None, written: list[str]) -> bool:
    """Whether the caption may repeat the line shown before it: rolling captions (YouTube's
    automatic ones) repeat it as their first line, and flash each finished line again in a cue
    of a few milliseconds. A line said twice in cues of its own stays twice."""
    return len(written) > 1 or (end is not None and end - start < FLASH_MS)


def _speaker(line: str, words: str, labels: set[str], *, opens_cue: bool) -> tuple[str | None, str]:
    """Who the line says speaks (its voice span, or a label) and its words (``words``: the
    line's plain text)."""
    if line[:1] == "<" and (voice := _VOICE.match(line)):
        return _voice_name(voice["speaker"]), words
    return labelled(words, labels, opens_cue=opens_cue)


@functools.lru_cache(maxsize=1024)
def _voice_name(written: str) -> str:
    """A voice's name as it enters the model: few names, each on thousands of lines."""
    return clean_line(html.unescape(written))
