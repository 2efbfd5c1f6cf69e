"""Your library: made on first use with the bundled episode, grown by `earmark add`, listed by
`earmark list`; and how an episode's files combine (chapters from one file, turns from another)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.errors import EarmarkError
from index.library import Library
from index.library.user_library import (
    LOCK_FILE,
    NEW_FOLDER_BYTES,
    add_files,
    open_user_library,
    user_library,
)
from index.text import clean_line
from tests.seeds import DEFAULT_EPISODE_DIR, FORMAT_EXAMPLES_DIR
from tests.unwritable import no_room_to_write, permissions_hold, unprivileged
from tui.cli import main

EARMARK = Path(sys.executable).parent / "earmark"

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


def test_a_summary_counts_in_words(tmp_path: Path) -> None:
    """One caption without a speaker: ``1 turn, 0 speakers``, not ``1 turns``."""
    captions = tmp_path / "one.srt"
    captions.write_text("1\n00:00:01,000 --> 00:00:04,000\nJust one line.\n", encoding="utf-8")
    (added,) = add_files(open_user_library(), [captions], "One line").files
    assert added.summary == "SRT captions: 1 turn, 0 speakers"


def test_add_makes_an_episode_from_transcript_and_chapter_list(description: Path) -> None:
    root = open_user_library()
    addition = add_files(root, [SRT, description], "Ten rookie mistakes")
    episode_id, added = addition.episode_id, addition.files
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
    episode_id = add_files(root, [SRT], None).episode_id
    assert episode_id == "podcastindex-example-transcript"
    added = add_files(root, [description], episode_id).files
    assert added[0].stored == root / episode_id / "description.txt"
    again = add_files(root, [description], episode_id).files
    assert again[0].stored is None  # the same file is not copied twice
    other = add_files(root, [VTT], None).episode_id  # same stem, new episode: a new name
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
    addition = add_files(root, [hidden], 'Odd "name"\\ with\nlines')
    episode_id, added = addition.episode_id, addition.files
    assert added[0].stored is not None and added[0].stored.name == "captions.srt"
    library = Library.open(root)
    assert library.problems == ()
    assert library.episode(episode_id).title == 'Odd "name"\\ with lines'
    with pytest.raises(EarmarkError, match="needs a name"):
        add_files(root, [SRT], "  ")


# -- which episode an add goes into ------------------------------------------------------------


def _captions(folder: Path, name: str, words: str) -> Path:
    """A small WebVTT transcript whose one turn says ``words``."""
    path = folder / name
    path.write_text(f"WEBVTT\n\n00:01.000 --> 00:04.000\n<v Host>{words}\n", encoding="utf-8")
    return path


def _turn_texts(root: Path, episode_id: str) -> list[str]:
    return [turn.text for turn in Library.open(root).episode(episode_id).turns]


def test_every_script_keeps_its_own_episode(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Every name without ASCII letters used to be the id `episode`: the Russian file went
    into the Japanese episode and changed the transcript it showed."""
    japanese = _captions(tmp_path, "a.vtt", "konnichiwa")
    russian = _captions(tmp_path, "b.vtt", "privet")
    assert main(["add", str(japanese), "--episode", "日本語のポッドキャスト"]) == 0
    assert main(["add", str(russian), "--episode", "Русский"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("日本語のポッドキャスト: added as a new episode; ")
    assert out[3].startswith("русский: added as a new episode; ")
    root = user_library()
    assert _turn_texts(root, "日本語のポッドキャスト") == ["konnichiwa"]
    assert _turn_texts(root, "русский") == ["privet"]
    assert Library.open(root).episode("русский").title == "Русский"
    # The ids work as search filters.
    for episode_id in ("日本語のポッドキャスト", "русский"):
        assert main(["search", f"episode:{episode_id}", "--json"]) == 0
        hits = json.loads(capsys.readouterr().out)
        assert hits and {hit["episode"] for hit in hits} == {episode_id}


@pytest.mark.parametrize("name", [".", "..", "!!!", "🎙️"])
def test_a_name_without_letters_never_joins_another_episode(tmp_path: Path, name: str) -> None:
    root = open_user_library()
    first = add_files(root, [_captions(tmp_path, "a.vtt", "first")], "episode")
    second = add_files(root, [_captions(tmp_path, "b.vtt", "second")], name)
    assert (first.episode_id, first.existing_title) == ("episode", None)
    assert (second.episode_id, second.existing_title) == ("episode-2", None)
    assert second.summary == (
        "episode-2: added as a new episode (episode is another episode; "
        "--episode episode adds to it)"
    )
    assert _turn_texts(root, "episode") == ["first"]
    assert Library.open(root).episode("episode-2").title == name


def test_add_joins_an_episode_only_when_named_exactly(tmp_path: Path) -> None:
    root = open_user_library()
    made = add_files(root, [_captions(tmp_path, "a.vtt", "one")], "My Show")
    assert made.episode_id == "my-show"
    by_title = add_files(root, [_captions(tmp_path, "b.vtt", "two")], "My Show")
    by_id = add_files(root, [_captions(tmp_path, "c.vtt", "three")], "my-show")
    assert by_title.summary == by_id.summary == "my-show: added to the existing episode “My Show”"
    # Alike is not the same: a new episode, and a line saying how to reach the other one.
    alike = add_files(root, [_captions(tmp_path, "d.vtt", "four")], "my show")
    assert alike.summary == (
        "my-show-2: added as a new episode (my-show is another episode; "
        "--episode my-show adds to it)"
    )
    assert sorted(p.name for p in (root / "my-show").iterdir()) == [
        "a.vtt",
        "b.vtt",
        "c.vtt",
        "episode.toml",
    ]
    assert sorted(p.name for p in (root / "my-show-2").iterdir()) == ["d.vtt", "episode.toml"]


def test_a_title_several_episodes_share_is_refused(tmp_path: Path) -> None:
    root = open_user_library()
    for folder in ("one", "two"):
        (root / folder).mkdir()
        _captions(root / folder, "t.vtt", folder)
        (root / folder / "episode.toml").write_text('title = "Same"\n', encoding="utf-8")
    before = set(root.rglob("*"))
    with pytest.raises(EarmarkError, match=r"several episodes are titled “Same” \(one, two\)"):
        add_files(root, [_captions(tmp_path, "a.vtt", "x")], "Same")
    assert set(root.rglob("*")) == before | {root / LOCK_FILE}


def test_a_loose_file_episode_is_not_added_to(tmp_path: Path) -> None:
    root = open_user_library()
    _captions(root, "loose.vtt", "alone")
    with pytest.raises(EarmarkError, match=r"episode loose is the single file .*loose\.vtt"):
        add_files(root, [_captions(tmp_path, "a.vtt", "x")], "loose")


def test_a_new_folder_never_takes_an_id_the_library_gives_another_episode(
    tmp_path: Path,
) -> None:
    """A loose file `talk.vtt` is the episode `talk`: a new folder `talk` would take that id
    (folders are listed first) and the file's marks would move to `talk-2`."""
    root = open_user_library()
    _captions(root, "talk.vtt", "loose")
    added = add_files(root, [_captions(tmp_path, "talk.vtt", "new")], None)
    assert added.episode_id == "talk-2"
    assert _turn_texts(root, "talk") == ["loose"]
    assert _turn_texts(root, "talk-2") == ["new"]


def test_a_very_long_episode_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A 10,000-letter name was a traceback (File name too long)."""
    name = "a" * 10_000
    assert main(["add", str(_captions(tmp_path, "a.vtt", "one")), "--episode", name]) == 0
    out = capsys.readouterr().out.splitlines()
    episode_id = out[-1].split(":")[0]
    assert len(episode_id.encode()) <= NEW_FOLDER_BYTES
    assert Library.open(user_library()).episode(episode_id).title == name
    again = add_files(user_library(), [_captions(tmp_path, "b.vtt", "two")], name)
    assert (again.episode_id, again.existing_title) == (episode_id, name)
    alike = add_files(user_library(), [_captions(tmp_path, "c.vtt", "three")], name + "b")
    assert alike.existing_title is None and alike.episode_id != episode_id
    assert alike.episode_id[:80] == episode_id[:80]  # the same start, another hash


@pytest.mark.parametrize(
    ("name", "ending"),
    [("a" * 251 + ".vtt", "a-2.vtt"), ("é" * 125 + ".vtt", "é-2.vtt"), ("x." + "e" * 253, "e-2")],
)
def test_a_file_of_the_longest_name_added_twice_gets_a_second_name(
    tmp_path: Path, name: str, ending: str
) -> None:
    """Two different files of a 255-byte name into one episode: the second's name with "-2"
    was too long, and the add failed ("File name too long", make attack found it)."""
    first = add_files(open_user_library(), [_captions(tmp_path, name, "one")], "Long names")
    (tmp_path / "again").mkdir()
    second = add_files(user_library(), [_captions(tmp_path / "again", name, "two")], "Long names")
    stored = [first.files[0].stored, second.files[0].stored]
    assert stored[0] is not None and stored[1] is not None and stored[0] != stored[1]
    assert stored[0].name == name and stored[1].name.endswith(ending)
    assert len(os.fsencode(stored[1].name)) <= 255
    assert [p.read_text(encoding="utf-8").split(">")[-1].strip() for p in stored] == ["one", "two"]


@pytest.mark.parametrize("kind", ["named pipe", "device", "folder"])
def test_add_of_what_is_not_a_regular_file_says_so(tmp_path: Path, kind: str) -> None:
    """A named pipe is never opened (that would wait for a writer), `/dev/zero` never read."""
    if kind == "named pipe":
        target = tmp_path / "pipe.vtt"
        os.mkfifo(target)
    else:
        target = Path("/dev/zero") if kind == "device" else tmp_path
    env = {**os.environ, "EARMARK_HOME": str(tmp_path / "home")}
    run = subprocess.run(
        [str(EARMARK), "add", str(target)], capture_output=True, text=True, env=env, timeout=60
    )
    assert (run.returncode, run.stderr) == (1, f"earmark: {target}: not a regular file\n")


def test_add_to_a_full_library_folder_is_one_line_and_leaves_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = open_user_library()
    before = set(root.rglob("*"))
    files = [_captions(tmp_path, "a.vtt", "one")]
    for episode in (None, DEFAULT_EPISODE_DIR.name):  # a new episode, an existing one
        with no_room_to_write():
            status = main(["add", *map(str, files), *(["--episode", episode] if episode else [])])
        assert status == 1
        err = capsys.readouterr().err
        assert err == f"earmark: {root}: cannot add to your library: File too large\n"
        assert set(root.rglob("*")) == before | {root / LOCK_FILE}


def test_a_library_that_cannot_be_made_is_one_line_and_leaves_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with no_room_to_write():
        status = main(["list"])
    assert status == 1
    assert capsys.readouterr().err == (
        f"earmark: {user_library()}: cannot make your library: File too large\n"
    )
    assert list(user_library().parent.iterdir()) == []


def test_add_to_a_read_only_library_folder_is_one_line(tmp_path: Path) -> None:
    """Was a traceback from tempfile.mkdtemp."""
    if not permissions_hold():
        pytest.skip("root's file capabilities cannot be dropped here (no CAP_SETPCAP)")
    home = tmp_path / "home"
    env = {**os.environ, "EARMARK_HOME": str(home)}
    assert subprocess.run([str(EARMARK), "list"], env=env, capture_output=True).returncode == 0
    root = home / "data" / "library"
    root.chmod(0o555)
    try:
        run = unprivileged(
            [str(EARMARK), "add", str(_captions(tmp_path, "a.vtt", "one"))], env=env, timeout=60
        )
    finally:
        root.chmod(0o755)
    assert (run.returncode, run.stderr) == (
        1,
        f"earmark: {root}: cannot add to your library: Permission denied\n",
    )


ADDING = """
import sys
from pathlib import Path
from index.library import add_files
root, file = Path(sys.argv[1]), Path(sys.argv[2])
for name in sys.stdin:
    print(add_files(root, [file], name.strip()).episode_id, flush=True)
"""


def test_two_adds_naming_the_same_new_episode_at_once_both_land_in_it(tmp_path: Path) -> None:
    """One in six such pairs raised `OSError: Directory not empty`, and a file was not added."""
    root = tmp_path / "library"
    root.mkdir()
    files = [_captions(tmp_path, name, name) for name in ("a.vtt", "b.vtt")]
    adders = [
        subprocess.Popen(
            [sys.executable, "-c", ADDING, str(root), str(file)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for file in files
    ]
    rounds = 12
    for number in range(rounds):
        for adder in adders:  # both at once
            assert adder.stdin is not None
            adder.stdin.write(f"same new name {number}\n")
            adder.stdin.flush()
        for adder in adders:
            assert adder.stdout is not None
            assert adder.stdout.readline() == f"same-new-name-{number}\n", adder.stderr
    for adder in adders:
        adder.communicate(timeout=60)
        assert adder.returncode == 0
    for number in range(rounds):
        folder = root / f"same-new-name-{number}"
        assert sorted(p.name for p in folder.iterdir()) == ["a.vtt", "b.vtt", "episode.toml"]


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(exclude_categories=()), min_size=1, max_size=300))
@example("a" * 10_000)
@example("日本語のポッドキャスト" * 500)
@example("..")
@example("\udcff\udcfe")  # bytes of a command line that are not UTF-8
@example("\x1b[2J")
def test_any_episode_name_makes_one_episode_and_finds_it_again(name: str) -> None:
    """Any `--episode` name, in any script and of any length: the add either makes a new
    episode in a folder that is its id, titled with the name, or says the name is empty; the
    same name again adds to that episode."""
    vtt = VTT.read_bytes()
    with tempfile.TemporaryDirectory() as folder:
        root, source = Path(folder) / "library", Path(folder) / "t.vtt"
        root.mkdir()
        source.write_bytes(vtt)
        try:
            made = add_files(root, [source], name)
        except EarmarkError as error:
            assert str(error) == "--episode needs a name"
            assert not _title(name)
            return
        assert made.existing_title is None
        folder_name = made.episode_id
        assert len(folder_name.encode()) <= NEW_FOLDER_BYTES and (root / folder_name).is_dir()
        episode = Library.open(root).episode(folder_name)
        if _title(name) != folder_name:  # else the folder's name says it all: no title file
            assert episode.title == _title(name)
        source.write_bytes(vtt.replace(b"WEBVTT", b"WEBVTT\n\nNOTE another file"))
        again = add_files(root, [source], name)
        assert again.episode_id == folder_name and again.existing_title == episode.title
        assert len(list((root / folder_name).glob("t*.vtt"))) == 2


def _title(name: str) -> str:
    return clean_line(name.encode("utf-8", "surrogatepass").decode(errors="replace"))
