"""``earmark add URL``: the yt-dlp command line earmark builds, and the import of what yt-dlp
writes, through a fake ``yt-dlp`` on PATH that writes the fixture files (no test reaches the
internet)."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.ytdlp import subtitle_choice, user_language, ytdlp_command

URL = "https://www.youtube.com/watch?v=Qx7pL2mVb0s"


def test_the_command_line_asks_for_metadata_and_subtitles_only(tmp_path: Path) -> None:
    assert ytdlp_command(["yt-dlp"], URL, tmp_path, "de") == [
        "yt-dlp",
        "--skip-download",
        "--ignore-no-formats-error",
        "--no-playlist",
        "--no-write-playlist-metafiles",
        "--quiet",
        "--no-warnings",
        "--write-info-json",
        "--write-subs",
        "--write-auto-subs",
        "--sub-langs",
        "de,de-(?-i:[A-Z]{2}),de-[0-9]{3}",
        "--sub-format",
        "vtt/srt/best",
        "--paths",
        str(tmp_path),
        "--output",
        "%(id)s.%(ext)s",
        "--",
        URL,
    ]


@pytest.mark.parametrize(
    ("environment", "language"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANGUAGE": "pt_BR:pt", "LANG": "en_US.UTF-8"}, "pt"),
        ({"LC_ALL": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({}, "en"),
    ],
)
def test_subtitles_in_the_persons_language(environment: dict[str, str], language: str) -> None:
    assert user_language(environment) == language


def test_uploaded_subtitles_before_automatic_ones() -> None:
    written = [Path("v.en.vtt"), Path("v.en-GB.vtt"), Path("v.en-US.vtt")]
    assert subtitle_choice(written, {"en-GB"}, "en") == Path("v.en-GB.vtt")  # "en" is automatic
    assert subtitle_choice(written, {"en", "en-GB"}, "en") == Path("v.en.vtt")
    assert subtitle_choice(written, set(), "en") == Path("v.en.vtt")
    assert subtitle_choice([], set(), "en") is None
