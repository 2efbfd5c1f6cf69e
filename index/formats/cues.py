"""Timed captions (WebVTT and SRT cues, podcast JSON segments) merged into speaker turns.

Captions cut speech into screen-sized pieces, sometimes single words. A turn is one speaker's
run of them; a piece that names no speaker continues the turn before it (captions name the
speaker when it changes). Inside a turn a pause starts a new paragraph, and so does a length
that would make a wall of text, at the end of a sentence. When no speaker is named at all, each
paragraph is a turn of its own, so that every stretch of talk keeps its time.

Speakers are named by voice spans (WebVTT) or by a label before a colon. A label counts when it
looks like a transcript's (`labelled`): a capitalised name that labels several lines, or the
display name a meeting tool writes before nearly every cue (Zoom: ``mkowalski: …``,
``Priya Raman (she/her): …``, ``Иван Петров: …``), typed as the person typed it.
"""

from __future__ import annotations

import functools
import html
import math
import re
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

from index.errors import FormatError
from index.formats.common import (
    MAX_SECONDS,
    SPEAKER_LABEL,
    recurring_speakers,
    turns_with_ends,
    unmarked,
)
from index.formats.json_source import seconds
from index.model import Document, Turn
from index.text import clean_line

PARAGRAPH_PAUSE_S = 2.0
PARAGRAPH_WORDS = 150
_MAX_FIELD_DIGITS = 9  # far more than a time in an episode needs in any field
_MAX_MILLISECONDS = MAX_SECONDS * 1000
_FRACTION_SCALE = (0, 100, 10, 1)  # by the fraction's digits: .5 is 500 ms, .05 is 50 ms
# "7", "07", "007" → 7, for every number under 1,000.
_SMALL_NUMBERS = {f"{n:0{width}d}": n for n in range(1000) for width in (1, 2, 3)}
_TAG = re.compile(r"<[^<>]*>")  # not [^>]: from each "<" of "<<<<…" to the end is quadratic
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_NO_SPACE_BEFORE = ",.;:!?…)]}%"  # a piece that starts with one of these joins the word before
# A display name as a meeting tool writes it before a colon: any case or script, pronouns,
# a company, a phone number ("+1 206***4411"); not a "12:30" or a "https://".
DISPLAY_LABEL = re.compile(r"^(?P<speaker>[^\s:][^:]{0,59}?) ?:(?:\s+|$)")
# The share of cues a file must open with a display name for those names to be speakers.
LABELLED_SHARE = 0.8


@dataclass(slots=True)  # not frozen: five times slower to make, and a file may hold a million
class Cue:
    """One timed piece of text; ``speaker`` None when the piece does not name one."""

    start: float
    end: float | None
    text: str
    speaker: str | None = None
    ends_paragraph: bool = False


@functools.lru_cache(maxsize=4)  # a cue mostly starts where the one before it ended
def clock_milliseconds(
    hours: str | None, minutes: str, seconds: str, fraction: str | None
) -> int | None:
    """A caption's clock, ``H:MM:SS.mmm`` as digits, in milliseconds (the fraction read as a
    decimal: ``.5`` is 500 ms); None past `MAX_SECONDS`, where no episode is.

    Twice a cue, a million times for a large file: fields of up to three digits, nearly all
    of them, are looked up rather than converted (three times quicker). Longer ones have their
    digits counted before they are converted: a field of a million digits is no int."""
    known = _SMALL_NUMBERS
    whole = (known.get(hours or "0"), known.get(minutes), known.get(seconds))
    if None in whole:
        if any(
            len(field.lstrip("0")) > _MAX_FIELD_DIGITS for field in (hours or "", minutes, seconds)
        ):
            return None
        whole = (int(hours or 0), int(minutes), int(seconds))
    milliseconds = (whole[0] * 3600 + whole[1] * 60 + whole[2]) * 1000
    if fraction:
        fraction = fraction[:3]
        milliseconds += known[fraction] * _FRACTION_SCALE[len(fraction)]
    return milliseconds if milliseconds < _MAX_MILLISECONDS else None


def speaker_cues(start: float, end: float | None, lines: list[tuple[str | None, str]]) -> list[Cue]:
    """A caption's lines, each with the speaker it names (None: nobody), as one cue per change
    of speaker: captions may change speaker from one line to the next."""
    runs: list[tuple[str | None, list[str]]] = []
    for speaker, text in lines:
        if speaker is not None or not runs:
            runs.append((speaker, [text]))
        else:
            runs[-1][1].append(text)
    return [Cue(start, end, " ".join(texts), speaker) for speaker, texts in runs]


def segment_cues(segments: list[object], *, start: str, end: str, words: str) -> list[Cue]:
    """JSON segments (objects with a ``start`` time, an ``end`` time and ``words``, perhaps a
    ``speaker``) as cues. Every segment says who speaks it: a ``null`` or missing ``speaker``
    (music, the audience, a part diarization did not place) is nobody named, not the speaker
    before. Words that end in a newline end a paragraph. A segment without a start time or
    words (or with ``null`` there) is skipped."""
    cues = []
    for segment in segments:
        if not isinstance(segment, dict):
            continue
        begins, said = seconds(segment.get(start)), segment.get(words)
        if begins is None or not isinstance(said, str) or not said.strip():
            continue
        speaker = segment.get("speaker")
        cues.append(
            Cue(
                begins,
                seconds(segment.get(end)),
                said,
                speaker.strip() if isinstance(speaker, str) else "",
                ends_paragraph=said.endswith("\n"),
            )
        )
    return cues


def caption_speakers(cue_lines: list[list[str]]) -> set[str]:
    """The names that label speakers in captions (each cue given as its plain lines): names that
    label several lines, and the display names of a file that opens nearly every cue with one
    (when one of them recurs), whatever they look like."""
    names = [
        match["speaker"]
        for lines in cue_lines
        if lines and (match := DISPLAY_LABEL.match(unmarked(lines[0])))
    ]
    labelled_throughout = len(names) >= LABELLED_SHARE * len(cue_lines)
    display_names = set(names) if labelled_throughout and len(set(names)) < len(names) else set()
    labels = (line for lines in cue_lines for line in lines if ":" in line)
    return recurring_speakers(labels) | display_names


def labelled(line: str, speakers: set[str], *, opens_cue: bool) -> tuple[str | None, str]:
    """The speaker a caption line's label names (``Name:``, ``[SPEAKER_00]:``, after ``- `` or
    ``>> ``), and the words after the label. A label counts when its name is one of
    ``speakers`` (`caption_speakers`), or when it opens a cue in a file that labels its
    speakers (a caller heard once); a "Chapter One:" in a file without labels is words."""
    if not speakers or ":" not in line:  # no label without a colon: most lines, quickly
        return None, line
    text = unmarked(line)
    match = SPEAKER_LABEL.match(text)
    if match and (match["speaker"] in speakers or (opens_cue and speakers)):
        return match["speaker"], text[match.end() :]
    if (match := DISPLAY_LABEL.match(text)) and match["speaker"] in speakers:
        return match["speaker"], text[match.end() :]
    return None, line


def plain_text(markup: str) -> str:
    """Caption text without its tags (``<i>``, ``<c.loud>``, ``<00:01.500>``), entities decoded."""
    return html.unescape(_TAG.sub("", markup)) if "<" in markup or "&" in markup else markup


def captions_document(path: Path, name: str, label: str, cues: list[Cue]) -> Document:
    """The transcript document the cues of one file make."""
    turns, duration = merge_cues(cues)
    if not turns:
        raise FormatError(path, None, f"no {label} with text found")
    return Document(path=path, format=name, source=label, duration=duration, turns=tuple(turns))


def merge_cues(cues: list[Cue]) -> tuple[list[Turn], int]:
    """The turns the cues make (chapter 0, for the library to place) and the duration.

    A new speaker starts a turn; a pause, a body that ended a paragraph, or a paragraph long
    enough at the end of a sentence (twice as long, for automatic captions without punctuation)
    starts a paragraph; with nobody named, a paragraph is a turn, with its own time. One loop
    with its state in local variables: it runs a million times for a large file."""
    raw: list[tuple[str, float, list[list[str]]]] = []  # speaker, start, paragraphs of pieces
    paragraph: list[str] = []  # the last one's pieces
    speaker, last_end, closed, words = "", None, False, 0  # words: in the last paragraph
    for cue in sorted(cues, key=attrgetter("start")):
        text = clean_line(cue.text)
        if not text:
            continue
        named = speaker if cue.speaker is None else cue.speaker
        if not raw or named != speaker:
            paragraph, words = [], 0
            raw.append((named, cue.start, [paragraph]))
        elif (
            closed
            or (last_end is not None and cue.start - last_end >= PARAGRAPH_PAUSE_S)
            or (
                words >= PARAGRAPH_WORDS
                and (words >= 2 * PARAGRAPH_WORDS or _SENTENCE_END.search(paragraph[-1]))
            )
        ):
            paragraph, words = [], 0
            if named:
                raw[-1][2].append(paragraph)
            else:
                raw.append((named, cue.start, [paragraph]))
        paragraph.append(text)
        words += text.count(" ") + 1  # `text` is clean, on one line
        speaker, closed = named, cue.ends_paragraph
        last_end = cue.start if cue.end is None else cue.end
    duration = math.ceil(max((cue.end or cue.start for cue in cues), default=0))
    turns = [
        (who, int(start), tuple(_join(pieces) for pieces in paragraphs))
        for who, start, paragraphs in raw
    ]
    return turns_with_ends(turns, [], duration), duration


def _join(pieces: list[str]) -> str:
    """Caption pieces → running text: a piece that starts with punctuation ("," "." "?") joins
    the word before it without a space."""
    if all(piece[0] not in _NO_SPACE_BEFORE for piece in pieces[1:]):  # the usual paragraph
        return " ".join(pieces)
    joined = [pieces[0]]
    for piece in pieces[1:]:
        joined.append(piece if piece[0] in _NO_SPACE_BEFORE else " " + piece)
    return "".join(joined)
