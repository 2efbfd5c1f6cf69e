"""Your library: made on first use with the bundled episode, grown by `earmark add`, listed by
`earmark list`; and how an episode's files combine (chapters from one file, turns from another)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.errors import EarmarkError
from index.library import Library
from index.user_library import add_files, open_user_library, user_library
from tests.seeds import DEFAULT_EPISODE_DIR, FORMAT_EXAMPLES_DIR
from tui.cli import main

SRT = FORMAT_EXAMPLES_DIR / "podcastindex_example_transcript.srt"
VTT = FORMAT_EXAMPLES_DIR / "podcastindex_example_transcript.vtt"
CHAPTERS_JSON = FORMAT_EXAMPLES_DIR / "podcastindex_example_chapters.json"


@pytest.fixture
def description(tmp_path: Path) -> Path:
    path = tmp_path / "description.txt"
    path.write_text(
        "Ten rookie mistakes.\n\nChapters:\n0:00 Intro\n0:53 Audio\n1:42 Your intro\n",
        encoding="utf-8",
    )
    return path


def test_first_use_copies_the_bundled_episode(earmark_home: Path) -> None:
    root = open_user_library()
    assert root == earmark_home / "data" / "library"
    copied = root / DEFAULT_EPISODE_DIR.name
    assert sorted(p.name for p in copied.iterdir()) == sorted(
        p.name for p in DEFAULT_EPISODE_DIR.iterdir()
    )


def test_a_removed_bundled_episode_stays_removed() -> None:
    root = open_user_library()
    for file in (root / DEFAULT_EPISODE_DIR.name).iterdir():
        file.unlink()
    (root / DEFAULT_EPISODE_DIR.name).rmdir()
    assert list(open_user_library().iterdir()) == []


def test_add_makes_an_episode_from_transcript_and_chapter_list(description: Path) -> None:
    root = open_user_library()
    episode_id, added = add_files(root, [SRT, description], "Ten rookie mistakes")
    assert episode_id == "ten-rookie-mistakes"
    assert [a.summary for a in added] == [
        "SRT captions: 10 turns, 3 speakers",
        "Chapter list: 3 chapters",
    ]
    library = Library.open(root)
    episode = library.episode(episode_id)
    assert episode.title == "Ten rookie mistakes"
    assert [(c.title, c.start) for c in episode.chapters] == [
        ("Intro", 0),
        ("Audio", 53),
        ("Your intro", 102),
    ]
    # The chapters from the description apply to the captions' turns.
    assert [(t.speaker, t.start, t.chapter) for t in episode.turns[:4]] == [
        ("Travis", 0, 0),
        ("Sarah", 53, 1),
        ("Travis", 102, 2),
        ("Gilon", 219, 2),
    ]


def test_add_to_an_existing_episode_and_again(description: Path) -> None:
    root = open_user_library()
    episode_id, _ = add_files(root, [SRT], None)
    assert episode_id == "podcastindex-example-transcript"
    _, added = add_files(root, [description], episode_id)
    assert added[0].stored == root / episode_id / "description.txt"
    _, again = add_files(root, [description], episode_id)
    assert again[0].stored is None  # the same file is not copied twice
    other, _ = add_files(root, [VTT], None)  # same stem, new episode: a new name
    assert other == "podcastindex-example-transcript-2"
    infos = {info.id: info for info in Library.open(root).infos}
    assert len(infos[episode_id].chapters) == 3
    assert infos[other].chapters[0].title == "Full transcript"


def test_an_unreadable_file_stops_the_add_before_anything_is_copied(tmp_path: Path) -> None:
    root = open_user_library()
    junk = tmp_path / "junk.txt"
    junk.write_text("nothing earmark reads\n", encoding="utf-8")
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    with pytest.raises(EarmarkError, match=r"junk\.txt: not a format earmark reads"):
        add_files(root, [SRT, junk], "new episode")
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_episode_toml_sets_show_date_and_roles(tmp_path: Path) -> None:
    folder = tmp_path / "library" / "talk"
    folder.mkdir(parents=True)
    for source in (VTT, SRT, CHAPTERS_JSON):
        (folder / source.name).write_bytes(source.read_bytes())
    (folder / "episode.toml").write_text(
        'show = "Podcasting Q&A"\ndate = 2024-05-01\n'
        '[roles]\n"podcastindex_example_transcript.srt" = "transcript"\n',
        encoding="utf-8",
    )
    library = Library.open(tmp_path / "library")
    episode = library.episode("talk")
    assert (episode.show, episode.published) == ("Podcasting Q&A", "2024-05-01")
    assert episode.title == "Episode 7 - Making Progress"  # from the chapters file
    assert episode.turns[0].speaker == "Travis"  # the SRT, as the role says, not the VTT
    assert len(episode.chapters) == 10
    assert not any("several transcripts" in problem for problem in library.problems)


def test_bad_roles_are_reported_not_fatal(tmp_path: Path) -> None:
    folder = tmp_path / "library" / "talk"
    folder.mkdir(parents=True)
    (folder / VTT.name).write_bytes(VTT.read_bytes())
    (folder / "episode.toml").write_text(
        '[roles]\n"x.vtt" = "transcript"\n"y.txt" = "boss"\n', encoding="utf-8"
    )
    library = Library.open(tmp_path / "library")
    assert len(library.episode("talk").turns) == 2
    assert any("'y.txt' ignored: expected transcript or chapters" in p for p in library.problems)
    assert f"{folder / 'episode.toml'}: no transcript in 'x.vtt'; role ignored" in library.problems


def test_cli_add_list_and_search(capsys: pytest.CaptureFixture[str], description: Path) -> None:
    assert main(["add", str(SRT), str(description), "--episode", "Rookie mistakes"]) == 0
    out = capsys.readouterr().out
    assert f"{SRT}: SRT captions: 10 turns, 3 speakers → rookie-mistakes/" in out
    assert "rookie-mistakes: added" in out
    assert main(["list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].split() == ["episode", "chapters", "turns", "notes", "transcript", "title"]
    assert any(line.split()[:5] == ["rookie-mistakes", "3", "10", "0", "yes"] for line in listed)
    assert any(line.startswith(DEFAULT_EPISODE_DIR.name) for line in listed)
    assert main(["search", "episode:rookie-mistakes rookie", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits
    assert {hit["episode"] for hit in hits} == {"rookie-mistakes"}


def test_cli_add_of_a_missing_file_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", "no-such-file.vtt"]) == 1
    err = capsys.readouterr().err
    assert err == "earmark: no-such-file.vtt: no such file\n"
    assert not user_library().exists() or len(list(user_library().iterdir())) == 1


def test_a_transcripts_own_chapters_win_over_a_list_whatever_the_names(tmp_path: Path) -> None:
    for list_name in ("a-chapters.json", "z-chapters.json"):
        folder = tmp_path / list_name / "talk"
        folder.mkdir(parents=True)
        (folder / "transcript.md").write_text(
            "## Opening (0:00)\n\n**A:** hi\n\n**B:** yo\n\n## Middle (0:30)\n\n**A:** [0:31] so\n",
            encoding="utf-8",
        )
        (folder / list_name).write_bytes(CHAPTERS_JSON.read_bytes())
        episode = Library.open(folder.parent).episode("talk")
        assert [c.title for c in episode.chapters] == ["Opening", "Middle"], list_name


def test_added_names_are_ones_the_library_reads(tmp_path: Path) -> None:
    root = open_user_library()
    hidden = tmp_path / ".captions.srt"
    hidden.write_bytes(SRT.read_bytes())
    episode_id, added = add_files(root, [hidden], 'Odd "name"\\ with\nlines')
    assert added[0].stored is not None and added[0].stored.name == "captions.srt"
    library = Library.open(root)
    assert library.problems == ()
    assert library.episode(episode_id).title == 'Odd "name"\\ with lines'
    with pytest.raises(EarmarkError, match="needs a name"):
        add_files(root, [SRT], "  ")
