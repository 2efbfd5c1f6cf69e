"""Short audio files for the player's tests, made with the standard library's `wave`, and an
episode to listen to: a transcript whose turn N starts at N seconds, beside its audio."""

from __future__ import annotations

import wave
from pathlib import Path

RATE = 8000  # samples a second: small files, and mpv plays them like any other
TURNS = 12  # turn N starts at N seconds
SECONDS = 14  # of audio: the last turn is said before it ends


def write_wav(path: Path, seconds: int) -> Path:
    """``seconds`` of silence, mono, 16-bit."""
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(RATE)
        audio.writeframes(b"\0\0" * RATE * seconds)
    return path


def write_episode(folder: Path, *, timed: bool = True, audio: bool = True) -> Path:
    """An episode folder: a Descript-style transcript (``Ana (00:00:03): …``; without times, a
    Markdown one) of `TURNS` turns, and its `SECONDS` of audio."""
    folder.mkdir(parents=True)
    turns = []
    for n in range(TURNS):
        speaker = "Ana" if n % 2 == 0 else "Ben"
        header = f"{speaker} (00:00:{n:02d}):" if timed else f"**{speaker}:**"
        turns.append(f"{header} Turn {n} says its words.")
    suffix = "txt" if timed else "md"
    (folder / f"transcript.{suffix}").write_text(
        "# A short talk\n\n" + "\n\n".join(turns) + "\n", encoding="utf-8"
    )
    if audio:
        write_wav(folder / "talk.wav", SECONDS)
    return folder
