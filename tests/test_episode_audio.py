"""Where an episode's audio comes from: ``audio`` in episode.toml, or a media file in its folder
(never parsed as a document); and `earmark add` taking audio files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from index.errors import EarmarkError
from index.library import Library
from index.library.user_library import LOCK_FILE, add_files, open_user_library
from index.player.audio import NO_AUDIO, episode_audio, is_media
from tests.audio import write_wav
from tests.seeds import FORMAT_EXAMPLES_DIR
from tui.cli import main

SRT = FORMAT_EXAMPLES_DIR / "podcastindex_example_transcript.srt"


@pytest.fixture
def episode_folder(tmp_path: Path) -> Path:
    """A library with one episode: a transcript and nothing else yet."""
    folder = tmp_path / "library" / "talk"
    folder.mkdir(parents=True)
    shutil.copy(SRT, folder / "captions.srt")
    return folder


def opened(folder: Path) -> tuple[str | None, tuple[str, ...], tuple[Path, ...]]:
    """The episode's audio, the library's problems and the episode's documents."""
    library = Library.open(folder.parent)
    episode = library.episode(library.infos[0].id)
    return episode.audio, library.problems, episode.sources


def test_a_media_file_in_the_folder_is_the_audio_not_a_document(episode_folder: Path) -> None:
    audio = write_wav(episode_folder / "episode.wav", 1)
    found, problems, sources = opened(episode_folder)
    assert found == str(audio)
    assert problems == ()  # parsed, the WAV would be "binary" or "not a format earmark reads"
    assert sources == (episode_folder / "captions.srt",)


def test_every_media_extension_is_set_aside() -> None:
    names = ["a.mp3", "a.M4A", "a.ogg", "a.opus", "a.wav", "a.mp4", "a.webm"]
    assert all(is_media(name) for name in names)
    assert not any(is_media(name) for name in ["a.srt", "a.vtt", "mp3", "a.mp3.txt", "a.json"])


def test_audio_without_a_transcript_is_no_episode(tmp_path: Path) -> None:
    (tmp_path / "lone").mkdir()
    write_wav(tmp_path / "lone" / "episode.wav", 1)
    write_wav(tmp_path / "loose.wav", 1)
    shutil.copy(SRT, tmp_path / "talk.srt")
    library = Library.open(tmp_path)
    assert [info.id for info in library.infos] == ["talk"]
    assert library.problems == ()


def test_audio_that_arrives_later_is_found(episode_folder: Path) -> None:
    """The media files count in the episode's fingerprint, so the cached episode is not kept."""
    assert opened(episode_folder)[0] is None
    audio = write_wav(episode_folder / "episode.wav", 1)
    assert opened(episode_folder)[0] == str(audio)


def test_audio_plays_before_video_and_several_are_said(episode_folder: Path) -> None:
    write_wav(episode_folder / "a-video.mp4", 1)  # first by name, but a video
    write_wav(episode_folder / "b-audio.ogg", 1)
    found, problems, _ = opened(episode_folder)
    assert found == str(episode_folder / "b-audio.ogg")
    assert problems == (
        f"{episode_folder}: several audio files (a-video.mp4, b-audio.ogg); playing b-audio.ogg",
    )


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("recording/full.mp3", "{folder}/recording/full.mp3"),
        ("https://cdn.example.com/ep 7.mp3?x=1", "https://cdn.example.com/ep 7.mp3?x=1"),
        ("HTTP://example.com/a.mp3", "HTTP://example.com/a.mp3"),
    ],
)
def test_the_audio_setting_wins(episode_folder: Path, setting: str, expected: str) -> None:
    write_wav(episode_folder / "episode.wav", 1)
    (episode_folder / "episode.toml").write_text(f"audio = {setting!r}\n", encoding="utf-8")
    found, problems, _ = opened(episode_folder)
    assert found == expected.format(folder=episode_folder)
    assert problems == ()


@pytest.mark.parametrize(
    "setting", ["/srv/audio/a.mp3", "~/a.mp3", "ftp://host/a.mp3", "file:///a"]
)
def test_any_other_audio_setting_is_one_line(episode_folder: Path, setting: str) -> None:
    audio = write_wav(episode_folder / "episode.wav", 1)
    settings = episode_folder / "episode.toml"
    settings.write_text(f"audio = {setting!r}\n", encoding="utf-8")
    found, problems, _ = opened(episode_folder)
    assert found == str(audio)  # the folder's own file, then
    assert problems == (
        f"{settings}: audio ignored: {setting!r} is neither a path relative to the episode "
        "folder nor an http(s) URL",
    )


def test_an_episode_without_audio_has_none(tmp_path: Path) -> None:
    assert episode_audio(tmp_path / "episode.toml", None, (), []) is None
    assert "episode.toml" in NO_AUDIO


def test_add_takes_an_audio_file_with_its_transcript(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audio = write_wav(tmp_path / "talk.wav", 1)
    assert main(["add", str(SRT), str(audio), "--episode", "Talk"]) == 0
    assert f"{audio}: audio → talk/talk.wav" in capsys.readouterr().out
    library = Library.open(open_user_library())
    assert library.episode("talk").audio == str(open_user_library() / "talk" / "talk.wav")
    assert library.problems == ()


def test_add_takes_audio_into_an_episode_that_exists(tmp_path: Path) -> None:
    root = open_user_library()
    add_files(root, [SRT], "Talk")
    audio = write_wav(tmp_path / "recording.mp3", 1)  # the suffix counts, not the bytes
    addition = add_files(root, [audio], "talk")
    assert (addition.episode_id, [item.summary for item in addition.files]) == ("talk", ["audio"])
    assert Library.open(root).episode("talk").audio == str(root / "talk" / "recording.mp3")


def episode_folders() -> list[str]:
    """What the library holds, but the lock that keeps adds one at a time."""
    return sorted(p.name for p in open_user_library().iterdir() if p.name != LOCK_FILE)


def test_add_of_audio_alone_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    audio = write_wav(tmp_path / "talk.wav", 1)
    before = episode_folders()
    assert main(["add", str(audio)]) == 1
    assert capsys.readouterr().err == (
        f"earmark: {audio}: audio alone is not an episode: add it with its transcript, "
        "or to an episode with --episode ID\n"
    )
    assert episode_folders() == before
    with pytest.raises(EarmarkError):
        add_files(open_user_library(), [audio], "A new one")
