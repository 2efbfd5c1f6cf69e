"""Synthetic libraries for the search benchmark, made from the bundled episode.

Each episode is the bundled one's turns reshuffled, re-timed (about 150 words a minute), cut into
ten chapters, its guest renamed, and a seeded share of its vocabulary replaced by made-up words,
so that a library of 1,000 episodes has a vocabulary that grows with it rather than 1,000 copies
of one text. Its comments and summary points are resampled the same way. Episodes are written in
the two formats the parsers read (a saved transcript page with reader comments, and an Obsidian
note), so the benchmark goes through the real `Library.open`. The same seed gives the same bytes.
"""

from __future__ import annotations

import random
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from index.library import Library
from index.library.cache import EpisodeCache
from index.model import Episode, Note
from index.paths import default_library
from index.timecode import format_time

WORDS_PER_SECOND = 2.5
CHAPTERS = 10
SUBSTITUTED_SHARE = 0.12
MADE_UP_WORDS = 40_000
HOSTS = ("Dwarkesh Patel", "Lex Fridman", "Tyler Cowen", "Sarah Chen")
GUESTS = (
    "Ilya Sutskever",
    "Andrej Karpathy",
    "Sarah Paine",
    "Nick Lane",
    "Adam Marblestone",
    "Satya Nadella",
    "Richard Sutton",
    "Dario Amodei",
    "Demis Hassabis",
    "Jane Goodall",
)
_WORD = re.compile(r"[A-Za-z]{4,}")
_SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]


@dataclass(frozen=True)
class Material:
    """What every synthetic episode is cut from."""

    host_turns: tuple[tuple[str, ...], ...]
    guest_turns: tuple[tuple[str, ...], ...]
    turn_roles: tuple[bool, ...]  # True where the guest speaks, in the bundled order
    chapter_titles: tuple[str, ...]
    comments: tuple[Note, ...]
    summaries: tuple[Note, ...]
    made_up: tuple[str, ...]

    @classmethod
    @cache  # parsing the bundled episode anew for each test that writes a library was ~0.4 s
    def bundled(cls) -> Material:
        with tempfile.TemporaryDirectory() as cache:
            library = Library.open(default_library(), cache=EpisodeCache(Path(cache)))
            (episode,) = library.episodes
        return cls.from_episode(episode)

    @classmethod
    def from_episode(cls, episode: Episode) -> Material:
        guest = set(episode.guests)
        rng = random.Random(0)
        made_up = sorted(
            {"".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))) for _ in range(MADE_UP_WORDS)}
        )
        return cls(
            host_turns=tuple(t.paragraphs for t in episode.turns if t.speaker not in guest),
            guest_turns=tuple(t.paragraphs for t in episode.turns if t.speaker in guest),
            turn_roles=tuple(t.speaker in guest for t in episode.turns),
            chapter_titles=tuple(chapter.title for chapter in episode.chapters),
            comments=tuple(n for n in episode.notes if n.kind == "comment" and n.text),
            summaries=tuple(n for n in episode.notes if n.kind == "summary" and n.text),
            made_up=tuple(made_up),
        )


def write_library(root: Path, episodes: int, seed: int = 0) -> Path:
    """Write ``episodes`` synthetic episode folders under ``root`` (created); returns ``root``."""
    material = Material.bundled()
    root.mkdir(parents=True, exist_ok=True)
    for number in range(episodes):
        write_episode(root, material, number, seed)
    return root


def write_episode(root: Path, material: Material, number: int, seed: int = 0) -> Path:
    """One episode folder, the same for the same ``number`` and ``seed``."""
    rng = random.Random(seed * 1_000_003 + number)
    vary = _vocabulary(rng, material.made_up)
    host, guest = rng.choice(HOSTS), rng.choice(GUESTS)
    folder = root / f"episode-{number:04d}"
    folder.mkdir(parents=True, exist_ok=True)
    page = _transcript_page(rng, material, vary, number, host, guest)
    (folder / "transcript-page.txt").write_text(page, encoding="utf-8")
    note = _obsidian_note(rng, material, vary, host, guest)
    (folder / "obsidian-note.md").write_text(note, encoding="utf-8")
    return folder


def _vocabulary(rng: random.Random, made_up: tuple[str, ...]) -> Callable[[str], str]:
    """A text → text function replacing a seeded share of the words (4+ letters) consistently."""
    choices: dict[str, str] = {}

    def replace(match: re.Match[str]) -> str:
        word = match.group()
        key = word.lower()
        if key not in choices:
            substitute = rng.random() < SUBSTITUTED_SHARE
            choices[key] = rng.choice(made_up) if substitute else key
        found = choices[key]
        if found == key:
            return word
        return found.capitalize() if word[0].isupper() else found

    return lambda text: _WORD.sub(replace, text)


def _transcript_page(
    rng: random.Random,
    material: Material,
    vary: Callable[[str], str],
    number: int,
    host: str,
    guest: str,
) -> str:
    host_turns, guest_turns = list(material.host_turns), list(material.guest_turns)
    rng.shuffle(host_turns)
    rng.shuffle(guest_turns)
    roles = list(material.turn_roles)
    turns = [
        (guest, guest_turns.pop()) if is_guest else (host, host_turns.pop()) for is_guest in roles
    ]
    starts, second = [], 0
    for _, paragraphs in turns:
        starts.append(second)
        second += max(1, round(sum(len(p.split()) for p in paragraphs) / WORDS_PER_SECOND))
    chapter_turns = sorted(rng.sample(range(1, len(turns)), CHAPTERS - 1))
    titles = [vary(title) for title in rng.sample(material.chapter_titles, CHAPTERS)]
    chapter_starts = [0] + [starts[i] for i in chapter_turns]
    title = f"{guest} – {vary(rng.choice(material.chapter_titles))} (episode {number})"
    lines = [
        f"example.com - {title}",
        "0:00",
        "/",
        format_time(second, hours=True),
        title,
        f"Section titled “{title}”",
        host,
        "Nov 25, 2025",
    ]
    lines += [
        f"({format_time(s, hours=True)}) – {t}" for s, t in zip(chapter_starts, titles, strict=True)
    ]
    for (speaker, paragraphs), start in zip(turns, starts, strict=True):
        lines.append(f"{speaker} {format_time(start, hours=True)}")
        lines += [vary(paragraph) for paragraph in paragraphs]
    for comment in rng.sample(material.comments, len(material.comments) * 3 // 4):
        lines += _comment(rng, comment, vary)
    return "\n\n".join(lines) + "\n"


def _comment(rng: random.Random, comment: Note, vary: Callable[[str], str]) -> list[str]:
    author = comment.author or "Anonymous"
    profile = re.sub(r"[^a-z]+", "-", author.lower())
    likes = rng.choice(["Like", "Like (1)", "Like (3)", "Like (12)"])
    return [
        "[",
        f"{rng.getrandbits(128):032x}_MD5",
        f"](https://substack.com/profile/{rng.randint(1, 10**8)}-{profile}?utm_source=comment)",
        author,
        f"{rng.randint(1, 28)} Nov",
        *vary(comment.text).split("\n\n"),
        "[",
        likes,
        "](https://example.com/p/)",
        "Reply",
        "Share",
    ]


def _obsidian_note(
    rng: random.Random, material: Material, vary: Callable[[str], str], host: str, guest: str
) -> str:
    points = rng.sample(material.summaries, len(material.summaries) * 3 // 4)
    lines = [
        "---",
        f'author: "[[{host}]]"',
        f'guests:\n  - "[[{guest}]]"',
        "published: 2025-11-26",
        "---",
    ]
    for index, point in enumerate(points):
        if index % 6 == 0:
            heading = vary(rng.choice(material.chapter_titles))
            lines.append(f"\n## **{heading} ({rng.randint(0, 90)}:{rng.randint(0, 59):02d}):**\n")
        label = f"**{vary(point.title)}:** " if point.title else ""
        lines.append(f"- {label}{vary(' '.join(point.text.split()))}")
    return "\n".join(lines) + "\n"
