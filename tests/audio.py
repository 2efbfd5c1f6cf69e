"""Short audio files for the player's tests, made with the standard library's `wave`."""

from __future__ import annotations

import wave
from pathlib import Path

RATE = 8000  # samples a second: small files, and mpv plays them like any other


def write_wav(path: Path, seconds: int) -> Path:
    """``seconds`` of silence, mono, 16-bit."""
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(RATE)
        audio.writeframes(b"\0\0" * RATE * seconds)
    return path
