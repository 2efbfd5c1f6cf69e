"""A podcast episode page (Substack-style) saved as text: metadata, chapters, transcript, comments.

What the page holds, in order, and what is taken from it:

- chrome (skip links, player widgets, image hashes ``…_MD5``, markdown link brackets): skipped,
  except the player's ``/`` ``1:36:03`` which gives the duration;
- an auto-caption preview with anonymous ``SPEAKER N`` labels: skipped (it duplicates the start);
- the title (the heading a ``Section titled “…”`` line repeats), byline and date;
- the chapter list, ``(00:09:39) - Title`` lines; chapters may also repeat inside the transcript as
  ``00:25:13 – Title`` headings, which are not part of any turn;
- the transcript: ``Speaker Name 00:01:38`` lines, each followed by its paragraphs;
- reader comments: an avatar link ending in ``utm_source=comment``, the author, the date as written
  (``25 Nov``, ``5d``, ``26 NovEdited``), body paragraphs, then ``Like (14)``, ``Reply (1)``,
  ``Share``; a comment whose widget reads ``Reply (N)`` is followed by its N replies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from index.chapters import chapters_with_ends
from index.errors import FormatError
from index.formats.common import SPEAKER_NAME, Row, iso_date, rows, turns_with_ends
from index.formats.source import SourceText, read_source
from index.model import Document, Note
from index.text import clean, clean_line
from index.timecode import CLOCK, find_spans, parse_time

NAME = "transcript-page"
LABEL = "Transcript page"
COMMENTS_SOURCE = "Reader comments"

# "Dwarkesh Patel 00:01:38": up to five capitalised words (name particles allowed), then the time.
_TURN_HEADER = re.compile(rf"^(?P<speaker>{SPEAKER_NAME}) (?P<time>{CLOCK})$")
_CHAPTER_LINE = re.compile(rf"^\(?(?P<time>{CLOCK})\)?\s*[-–—]\s*(?P<title>\S.*)$")
_SECTION_TITLED = re.compile(r"^Section titled [“\"](?P<title>.*)[”\"]$")
_WINDOW_TITLE = re.compile(r"^(?P<site>[\w-]+(?:\.[\w-]+)+) - (?P<title>.+)$")
_CLOCK_ONLY = re.compile(rf"^{CLOCK}$")
_COMMENT_AVATAR = re.compile(r"^\]\((?P<url>https?://\S*utm_source=comment\S*)\)$")
_LIKE = re.compile(r"^Like(?: \((?P<count>\d+)\))?$")
_REPLY = re.compile(r"^Reply(?: \((?P<count>\d+)\))?$")
_CHROME = re.compile(r"^(?:\[|\]\(.*\)\[?|[0-9a-f]{32}_MD5)$")


def sniff(head: str) -> float:
    lines = [line.strip() for line in head.split("\n")]
    headers = sum(1 for line in lines if _TURN_HEADER.match(line))
    comments = sum(1 for line in lines if _COMMENT_AVATAR.match(line))
    if headers < 2 and not comments:
        return 0.0
    page_marks = any(_SECTION_TITLED.match(line) or line.endswith("_MD5") for line in lines)
    return min(1.0, 0.5 + 0.05 * (headers + comments) + (0.2 if page_marks else 0.0))


def parse(path: Path, source: SourceText | None = None) -> Document:
    source = source or read_source(path)
    page = rows(source.text)
    first_turn = next((i for i in range(len(page)) if _starts_turn(page, i)), len(page))
    meta = _Metadata.read(page[:first_turn])
    chapter_lines = [(t, title) for t, title in map(_chapter_line, page[:first_turn]) if title]
    raw_turns, transcript_end, heading_chapters = _read_turns(page, first_turn)
    comments = _read_comments(page[transcript_end:])
    if not raw_turns and not comments:
        raise FormatError(path, None, "no speaker turns (“Name 00:00:00” lines) or comments found")

    duration = meta.duration or (raw_turns[-1][1] if raw_turns else 0)
    chapters = chapters_with_ends(chapter_lines + heading_chapters, duration) if raw_turns else []
    turns = turns_with_ends(raw_turns, chapters, duration)
    speakers = dict.fromkeys(turn.speaker for turn in turns)
    return Document(
        path=path,
        format=NAME,
        source=LABEL,
        title=meta.title,
        show=_show_from_footer(page[transcript_end:]) or meta.show,
        published=meta.published,
        guests=tuple(name for name in speakers if name != meta.byline),
        duration=duration or None,
        chapters=tuple(chapters),
        turns=tuple(turns),
        notes=tuple(comments),
    )


def _starts_turn(page: list[Row], index: int) -> bool:
    """A turn header followed by a paragraph (not by another header or by chrome)."""
    following = page[index + 1].text if index + 1 < len(page) else "["
    return bool(_TURN_HEADER.match(page[index].text)) and not (
        _TURN_HEADER.match(following) or _CHROME.match(following)
    )


def _chapter_line(row: Row) -> tuple[int, str | None]:
    match = _CHAPTER_LINE.match(row.text)
    if not match:
        return 0, None
    return parse_time(match["time"]), clean_line(match["title"])


@dataclass
class _Metadata:
    """What the page says about the episode before its transcript begins."""

    title: str | None = None
    show: str | None = None
    published: str | None = None
    byline: str | None = None
    duration: int | None = None

    @classmethod
    def read(cls, header: list[Row]) -> _Metadata:
        meta = cls()
        window_title = None
        texts = [row.text for row in header]
        for index, text in enumerate(texts):
            previous = texts[index - 1] if index else ""
            following = texts[index + 1] if index + 1 < len(texts) else ""
            if (match := _WINDOW_TITLE.match(text)) and window_title is None:
                meta.show, window_title = match["site"], clean_line(match["title"])
            elif (match := _SECTION_TITLED.match(text)) and meta.title is None:
                if match["title"] == previous and not _CHAPTER_LINE.match(previous):
                    meta.title = clean_line(previous)
            elif text == "/" and _CLOCK_ONLY.match(following) and meta.duration is None:
                meta.duration = parse_time(following)
            elif (date := iso_date(text)) and meta.published is None:
                meta.published = date
                if previous and not _CHROME.match(previous):
                    meta.byline = clean_line(previous)
        meta.title = meta.title or window_title
        return meta


def _show_from_footer(footer: list[Row]) -> str | None:
    """The publication's name: the line after the logo that precedes ``Listen on``."""
    listen = next((i for i, row in enumerate(footer) if row.text == "Listen on"), None)
    if listen is None:
        return None
    logos = [i for i in range(listen) if footer[i].text.endswith("_MD5")]
    return clean_line(footer[logos[-1] + 1].text) if logos and logos[-1] + 1 < listen else None


def _read_turns(
    page: list[Row], first: int
) -> tuple[list[tuple[str, int, tuple[str, ...]]], int, list[tuple[int, str]]]:
    """Speaker turns from ``first`` on, until the first line of page chrome.

    Returns the turns, the index of the row where the transcript ends, and the chapter headings
    that stood inside the transcript.
    """
    turns: list[tuple[str, int, list[str]]] = []
    headings: list[tuple[int, str]] = []
    index = first
    while index < len(page):
        text = page[index].text
        if _CHROME.match(text):
            break
        if match := _TURN_HEADER.match(text):
            turns.append((clean_line(match["speaker"]), parse_time(match["time"]), []))
        elif _SECTION_TITLED.match(text):
            pass
        elif (heading := _chapter_line(page[index]))[1] and _announces_section(page, index):
            headings.append((heading[0], heading[1] or ""))
        elif paragraph := clean(text):
            turns[-1][2].append(paragraph)
        index += 1
    finished = [(speaker, start, tuple(paras)) for speaker, start, paras in turns]
    return finished, index, headings


def _announces_section(page: list[Row], index: int) -> bool:
    """A ``00:25:13 – Title`` line is a chapter heading when a ``Section titled`` line follows."""
    return index + 1 < len(page) and bool(_SECTION_TITLED.match(page[index + 1].text))


def _read_comments(page: list[Row]) -> list[Note]:
    notes: list[Note] = []
    open_threads: list[_Thread] = []
    index = 0
    while index < len(page):
        if not _COMMENT_AVATAR.match(page[index].text):
            index += 1
            continue
        note, index = _read_comment(page, index + 1, str(len(notes)))
        while open_threads and open_threads[-1].replies_left == 0:
            open_threads.pop()
        if open_threads:
            open_threads[-1].replies_left -= 1
            note = replace(note, reply_to=open_threads[-1].parent)
        notes.append(note)
        if replies := _reply_count(page, index):
            open_threads.append(_Thread(note.id, replies))
    return notes


@dataclass
class _Thread:
    """A comment whose ``Reply (N)`` widget says N replies follow it on the page."""

    parent: str
    replies_left: int


def _read_comment(page: list[Row], index: int, note_id: str) -> tuple[Note, int]:
    """One comment starting at its author line; returns it and the row after its widgets."""
    author = clean_line(page[index].text) if index < len(page) else ""
    date_text = page[index + 1].text if index + 1 < len(page) else ""
    edited = date_text.endswith("Edited")  # "26 NovEdited"
    date = clean_line(date_text.removesuffix("Edited"))
    body: list[str] = []
    likes = 0
    index += 2
    while index < len(page):
        text = page[index].text
        if text == "[" and index + 1 < len(page) and (like := _LIKE.match(page[index + 1].text)):
            likes = int(like["count"] or 0)
            index += 2
            break
        if _COMMENT_AVATAR.match(text):
            break
        if paragraph := clean(text):
            body.append(paragraph)
        index += 1
    text = "\n\n".join(body)
    note = Note(
        id=note_id,
        kind="comment",
        source=COMMENTS_SOURCE,
        text=text,
        author=author or None,
        date=date or None,
        likes=likes,
        edited=edited,
        times=find_spans(text),
    )
    return note, index


def _reply_count(page: list[Row], index: int) -> int:
    """The N of the ``Reply (N)`` widget among the few rows after a comment's Like widget."""
    for row in page[index : index + 3]:
        if match := _REPLY.match(row.text):
            return int(match["count"] or 0)
    return 0
