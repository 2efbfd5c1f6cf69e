"""``earmark add URL``: the yt-dlp command line earmark builds, and the import of what yt-dlp
writes, through a fake ``yt-dlp`` on PATH that writes the fixture files (no test reaches the
internet)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from index.library import Library, ytdlp
from index.library.user_library import open_user_library, user_library
from index.library.ytdlp import subtitle_choice, user_language, ytdlp_command
from tui.cli import main

REALWORLD = Path(__file__).resolve().parent / "fixtures" / "realworld"
VIDEO = "Fixing a wobbly chair, properly [Qx7pL2mVb0s]"
URL = "https://www.youtube.com/watch?v=Qx7pL2mVb0s"

# A stand-in for yt-dlp: records its arguments, then writes into --paths what the test asks.
FAKE = """#!{python}
import pathlib, shutil, sys, time
arguments = sys.argv[1:]
pathlib.Path({record!r}).write_text("\\n".join(arguments), encoding="utf-8")
folder = pathlib.Path(arguments[arguments.index("--paths") + 1])
for source, name in {writes!r}:
    shutil.copy(source, folder / name)
time.sleep({sleep})
sys.stderr.write({stderr!r})
sys.exit({code})
"""


def fake_ytdlp(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    writes: list[tuple[Path, str]],
    *,
    code: int = 0,
    stderr: str = "",
    sleep: float = 0,
) -> Path:
    """Put a fake ``yt-dlp`` first on PATH; returns the file its arguments are written to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "arguments.txt"
    program = bin_dir / "yt-dlp"
    program.write_text(
        FAKE.format(
            python=sys.executable,
            record=str(record),
            writes=[(str(source), name) for source, name in writes],
            sleep=sleep,
            stderr=stderr,
            code=code,
        ),
        encoding="utf-8",
    )
    program.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    return record


VIDEO_FILES = [
    (REALWORLD / f"{VIDEO}.info.json", "Qx7pL2mVb0s.info.json"),
    (REALWORLD / f"{VIDEO}.en.vtt", "Qx7pL2mVb0s.en.vtt"),
]


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


def test_add_a_video_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    record = fake_ytdlp(tmp_path, monkeypatch, VIDEO_FILES)
    assert main(["add", URL]) == 0
    arguments = record.read_text(encoding="utf-8").split("\n")
    folder = Path(arguments[arguments.index("--paths") + 1])
    assert arguments == ytdlp_command([], URL, folder, "en")
    assert not folder.exists()  # the temporary folder is gone once the files are copied
    out = capsys.readouterr().out
    assert f"{URL} (Qx7pL2mVb0s.en.vtt): WebVTT captions: 7 turns, 2 speakers" in out
    episode = Library.open(user_library()).episode("fixing-a-wobbly-chair-properly")
    assert (episode.title, episode.url, episode.duration) == (
        "Fixing a wobbly chair, properly",
        URL,
        312,
    )
    assert len(episode.turns) == 7 and len(episode.chapters) == 4


def test_a_video_without_subtitles_adds_its_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_ytdlp(tmp_path, monkeypatch, VIDEO_FILES[:1])
    assert main(["add", URL]) == 0
    assert f"note: {URL}: no subtitles in 'en'" in capsys.readouterr().err
    episode = Library.open(user_library()).episode("fixing-a-wobbly-chair-properly")
    assert episode.turns == () and len(episode.notes) == 4


def test_without_yt_dlp_one_line_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(ytdlp.importlib.util, "find_spec", lambda name: None)
    assert main(["add", URL]) == 1
    err = capsys.readouterr().err.strip().split("\n")[-1]
    assert err == (
        "earmark: adding a video needs yt-dlp, which is not installed: "
        "pipx inject earmark yt-dlp (or pip install 'earmark[youtube]')"
    )


def test_yt_dlps_error_is_one_line_and_nothing_is_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    said = "WARNING: something\nERROR: [youtube] Qx7pL2mVb0s: Video unavailable\x1b[0m\n"
    fake_ytdlp(tmp_path, monkeypatch, [], code=1, stderr=said)
    before = sorted(open_user_library().rglob("*"))
    assert main(["add", URL]) == 1
    err = capsys.readouterr().err.strip().split("\n")[-1]
    assert err == f"earmark: {URL}: yt-dlp: ERROR: [youtube] Qx7pL2mVb0s: Video unavailable"
    assert sorted(user_library().rglob("*")) == before


def test_a_stuck_yt_dlp_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_ytdlp(tmp_path, monkeypatch, VIDEO_FILES, sleep=30)
    monkeypatch.setattr(ytdlp, "TIMEOUT_S", 0.5)
    assert main(["add", URL]) == 1
    assert "yt-dlp did not finish within 0.5 s; nothing was added" in capsys.readouterr().err


def test_one_video_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["add", URL, "https://youtu.be/other"]) == 1


def test_a_playlists_videos_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    info = json.loads(VIDEO_FILES[0][0].read_text(encoding="utf-8"))
    second = tmp_path / "second.info.json"
    second.write_text(json.dumps(info | {"id": "other"}), encoding="utf-8")
    fake_ytdlp(tmp_path, monkeypatch, [*VIDEO_FILES, (second, "other.info.json")])
    assert main(["add", URL]) == 1
    assert "several videos (a playlist?); add one video at a time" in capsys.readouterr().err
