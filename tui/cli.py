"""The ``earmark`` command: ``earmark [PATH]`` opens the reader (default: your library), and
``earmark COMMAND …`` runs one of the commands in the table `COMMANDS` at the end of this module
(``earmark --help`` lists them; the README's list is checked against it).

Your library lives in the user data directory (under ``EARMARK_HOME`` when it is set); the
first time earmark opens it, it holds a copy of the bundled episode. Flags may come anywhere
among the arguments, and ``--`` ends them, as with grep and git.

Exit codes: 0 ok, 1 a problem the user can fix (one line on stderr) or, for ``search``, nothing
matched, 2 wrong usage. Warnings about single files go to stderr, one line each, when they
arise, and do not change the exit code.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from index import __version__
from index.errors import EarmarkError
from index.library import Library, open_user_library
from tui.output import complain, say, warn
from tui.progress import WorkProgress

if TYPE_CHECKING:  # Whoosh loads only when a command searches: start-up stays quick
    from index.feeds import FeedReport
    from index.marks import UserData
    from index.search import SearchIndex

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2
# A one-shot search can wait longer than a keystroke's.
SEARCH_TIME_LIMIT = 2.0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = _BY_NAME.get(args[0]) if args else None
    if command is None and (mistyped := _not_a_command(args)):
        complain(mistyped)
        return EXIT_USAGE
    parser = _parser(command)
    given = _options_first(parser, args[1:] if command else args, command)
    options = parser.parse_args(given)
    try:
        return (command.run if command else _open)(options)
    except EarmarkError as error:
        complain(str(error))
        return EXIT_USER_ERROR
    except BrokenPipeError:  # `earmark export | head` closed our stdout: not an error
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


@dataclass(frozen=True, slots=True)
class Command:
    """One ``earmark NAME …`` command: its usage, what it does in a few words (``--help``, the
    README) and in full (``earmark NAME --help``), its own arguments (besides ``[PATH]`` when
    ``takes_path``), and the function that runs it."""

    name: str
    usage: str
    summary: str
    help: str
    run: Callable[[argparse.Namespace], int]
    arguments: Callable[[argparse.ArgumentParser], None] = lambda parser: None
    takes_path: bool = True
    # Words starting with a dash are its words, not options: a search's ``-word`` (NOT).
    dashed_words: bool = False


class _ArgumentParser(argparse.ArgumentParser):
    """argparse's errors quote what was typed, perhaps a file name: shown, never obeyed."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        say(f"{self.prog}: error: {message}", sys.stderr)
        self.exit(EXIT_USAGE)


def _parser(command: Command | None) -> argparse.ArgumentParser:
    if command is None:
        parser = _ArgumentParser(
            prog="earmark",
            description="A terminal reader for long conversations.",
            epilog="\n".join(usage_lines()),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        parser.add_argument("--version", action="version", version=f"earmark {__version__}")
    else:
        parser = _ArgumentParser(
            prog=f"earmark {command.name}", description=command.help, allow_abbrev=False
        )
        command.arguments(parser)
    if command is None or command.takes_path:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            metavar="PATH",
            help="a library folder, an episode folder or one file (default: your library)",
        )
    return parser


def _options_first(
    parser: argparse.ArgumentParser, args: list[str], command: Command | None
) -> list[str]:
    """``args`` with the options first and everything else after a ``--``: flags may come
    anywhere (``earmark search word --json PATH``), as with grep and git, and a ``--`` ends
    the options. A command with ``dashed_words`` takes an unknown ``-word`` as a word."""
    values = {
        name: 1 if action.nargs is None else 0
        for action in parser._actions
        for name in action.option_strings
    }
    dashed_words = command is not None and command.dashed_words
    options: list[str] = []
    positional: list[str] = []
    rest = iter(args)
    for arg in rest:
        name = arg.split("=", 1)[0]
        if arg == "--":
            positional += rest
        elif name in values or (arg.startswith("-") and arg != "-" and not dashed_words):
            options += [arg, *islice(rest, 0 if "=" in arg else values.get(name, 0))]
        elif dashed_words and arg.startswith("--"):  # argparse judges an unknown --option
            options.append(arg)
        else:
            positional.append(arg)
    return [*options, "--", *positional] if positional else options


def usage_lines() -> list[str]:
    """``earmark …  # what it does``, a line a command: ``--help`` and the README show them."""
    usages = [("earmark [PATH]", "open the reader (default: your library)")]
    usages += [(f"earmark {c.name} {c.usage}".rstrip(), c.summary) for c in COMMANDS]
    width = max(len(usage) for usage, _ in usages)
    return [f"{usage.ljust(width)}  # {summary}" for usage, summary in usages]


def _not_a_command(args: list[str]) -> str | None:
    """What to say when the first word is no file or folder but looks like a mistyped command
    (``earmark lst``), instead of opening it as a library that does not exist."""
    first = args[0] if args else ""
    if not first or first.startswith("-") or Path(first).exists():
        return None
    import difflib

    close = difflib.get_close_matches(first, _BY_NAME, n=1, cutoff=0.6)
    return f"{first!r} is not a command; did you mean `earmark {close[0]}`?" if close else None


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def _load(options: argparse.Namespace, *, later: bool = False) -> Library:
    """The library PATH names (your library without one). Its problems are said when they
    arise (a file parsed now); each episode's are in `earmark list`, beside it. ``later``:
    the episodes the cache does not have are left to the reader to read."""
    with WorkProgress("reading your library") as progress:
        root = options.path or open_user_library()
        library = Library.open(root, progress=progress.update, later=later)
    for problem in library.new_problems:
        warn(problem)
    return library


def _open(options: argparse.Namespace) -> int:
    """Open the reader; without a terminal, say what to use instead."""
    from index.reading import Reading

    # What start-up allocates (the library's manifest, Textual, the app) lasts as long as the
    # reader: the collector is not run while it is made, then it is frozen out of every later
    # collection, which would walk it again and again for nothing. Collections while reading a
    # 10,000 episodes' manifest were 30-50 ms of the first paint.
    gc.disable()
    try:
        library = _load(options, later=True)  # the reader shows one, then reads the rest
        # The episode the reader opens is parsed now if new, and only that one: not the first.
        reading = Reading.of(library)
        if reading.first_episode() is None:
            raise EarmarkError(f"{library.root}: no episodes earmark can read")
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            complain("the reader needs a terminal; try `earmark export` or `earmark search`")
            return EXIT_USAGE
        from tui.app import EarmarkApp

        app = EarmarkApp(library, reading)
        gc.freeze()
    finally:
        gc.enable()
    app.run()
    return app.return_code or EXIT_OK


def _export(options: argparse.Namespace) -> int:
    library = _load(options)
    if options.episode is not None and library.info(options.episode) is None:
        raise EarmarkError(
            f"no episode {options.episode!r} in {library.root} (there are: {_ids(library)})"
        )
    if options.format == "markdown":
        document = _markdown(library, options.episode)
    else:
        import json

        from index.library import episode_to_dict, library_to_dict

        exported = (
            {"episodes": [episode_to_dict(library.episode(options.episode))]}
            if options.episode is not None
            else library_to_dict(library)
        )
        document = json.dumps(exported, ensure_ascii=False, indent=2) + "\n"
    sys.stdout.buffer.write(document.encode("utf-8"))
    sys.stdout.flush()
    return EXIT_OK


def _markdown(library: Library, episode_id: str | None) -> str:
    from index.marks import episode_markdown

    userdata = _userdata()
    last = userdata.last_episode()
    if episode_id is None and last is not None and library.info(last) is not None:
        episode_id = last
    if episode_id is None and len(library.infos) == 1:
        episode_id = library.infos[0].id
    if episode_id is None:
        raise EarmarkError(f"which episode? add --episode ID (one of: {_ids(library)})")
    episode = library.episode(episode_id)
    return episode_markdown(episode, userdata.bookmarks(episode_id), userdata.notes(episode_id))


def _ids(library: Library) -> str:
    return ", ".join(info.id for info in library.infos)


def _add(options: argparse.Namespace) -> int:
    from index.library import add_files, add_sources, is_url

    root = open_user_library()
    if any(map(is_url, options.files)):
        complain("fetching the video's page with yt-dlp…")
    with add_sources(options.files) as sources:
        addition = add_files(root, sources.files, options.episode)
    for notice in sources.notices:
        complain(f"note: {notice}")
    for item in addition.files:
        where = f"{addition.episode_id}/{item.stored.name}" if item.stored else "already there"
        say(f"{sources.shown.get(item.source, item.source)}: {item.summary} → {where}")
    options.path = root
    with _search_index(options) as search_index:
        say(f"{addition.summary}; {search_index.episode_count} episodes indexed")
    return EXIT_OK


def _list(options: argparse.Namespace) -> int:
    from rich.cells import cell_len  # an id in a wide script takes two columns a letter

    from index.feeds import read_followed

    library = _load(options)
    feeds = read_followed(library.root)
    if feeds:
        name_width = max(len(feed.name) for feed in feeds)
        say(f"{'feed':<{name_width}}  episodes  failed  checked                    url")
        for feed in feeds:
            checked = feed.checked or "never"
            say(
                f"{feed.name:<{name_width}}  {len(feed.episodes):>8}  {len(feed.failed):>6}  "
                f"{checked:<25}  {feed.url}"
            )
        say("")
    id_width = max((cell_len(info.id) for info in library.infos), default=2)
    say(f"{'episode'.ljust(id_width)}  chapters  turns  notes  transcript  title")
    for info in library.infos:
        transcript = "yes" if info.turn_count else "no"
        say(
            f"{info.id}{' ' * (id_width - cell_len(info.id))}  {info.chapter_count:>8}  "
            f"{info.turn_count:>5}  {info.note_count:>5}  {transcript:<10}  {info.title}"
        )
        for problem in info.problems:
            say(f"{' ' * id_width}  ! {problem}")
    return EXIT_OK


def _follow(options: argparse.Namespace) -> int:
    from index.feeds import Fetcher, follow

    root = open_user_library()
    with Fetcher() as fetcher, WorkProgress(options.url) as progress:
        last = None if options.all else options.last
        report = follow(root, options.url, last=last, fetcher=fetcher, progress=progress.update)
    return _brought_in(options, root, [report], [])


def _update(options: argparse.Namespace) -> int:
    from index.feeds import Fetcher, find_followed, read_followed, update_feed

    root = open_user_library()
    feeds = read_followed(root)
    if options.feed is not None:
        chosen = find_followed(feeds, options.feed)
        if chosen is None:
            names = ", ".join(feed.name for feed in feeds) or "none"
            raise EarmarkError(f"not following {options.feed!r} (followed: {names})")
        feeds = [chosen]
    elif not feeds:
        raise EarmarkError("you follow no feeds yet: earmark follow FEED_URL")
    reports, failures = [], []
    with Fetcher() as fetcher:
        for feed in feeds:
            try:
                with WorkProgress(feed.title) as progress:
                    reports.append(
                        update_feed(root, feed.url, fetcher=fetcher, progress=progress.update)
                    )
            except EarmarkError as error:  # this feed this time; the others still update
                failures.append(f"{feed.title}: {error}")
    return _brought_in(options, root, reports, failures)


def _brought_in(
    options: argparse.Namespace, root: Path, reports: list[FeedReport], failures: list[str]
) -> int:
    """Say what came in (stdout) and what did not (stderr, one line each), then index only
    the new episodes. Exit 1 when anything failed: the next update tries it again."""
    for report in reports:
        for arrival in report.arrived:
            what = [arrival.transcript or "no transcript"]
            if arrival.chapters:
                what.append(f"{arrival.chapters} chapters")
            say(f"{arrival.episode_id}: {arrival.title} ({', '.join(what)})")
        for problem in report.problems:
            warn(problem)
        for failure in report.failed:
            complain(failure)
        say(report.summary)
    for failure in failures:
        complain(failure)
    if any(report.arrived for report in reports):
        options.path = root
        with _search_index(options) as search_index:
            say(f"{len(search_index.indexed)} episodes indexed now")
    failed = failures or any(report.failed for report in reports)
    return EXIT_USER_ERROR if failed else EXIT_OK


def _unfollow(options: argparse.Namespace) -> int:
    from index.feeds import unfollow

    feed = unfollow(open_user_library(), options.feed)
    count = len(feed.episodes)
    say(
        f"{feed.title}: no longer followed; the {count} episode{'' if count == 1 else 's'} "
        "it brought in stay in your library"
    )
    return EXIT_OK


def _search(options: argparse.Namespace) -> int:
    from tui.search_output import print_hits, print_json

    with _search_index(options) as search_index:
        found = search_index.search(options.query, options.limit, time_limit=SEARCH_TIME_LIMIT)
    notes = list(found.notes)
    if found.timed_out:
        notes.append(f"stopped at the {SEARCH_TIME_LIMIT:g} s limit: the best hits found by then")
    if notes:
        complain(f"note: {'; '.join(notes)}")
    if options.json:
        print_json(list(found.hits))
    else:
        print_hits(list(found.hits), several_episodes=search_index.episode_count > 1)
    return EXIT_OK if found.hits else EXIT_USER_ERROR  # as grep: 1 when nothing matched


def _index(options: argparse.Namespace) -> int:
    with _search_index(options, rebuild=options.rebuild) as search_index:
        updated = len(search_index.indexed)
        say(
            f"{search_index.episode_count} episodes ({updated} indexed now), "
            f"{search_index.document_count} documents: {search_index.folder}"
        )
    return EXIT_OK


def _search_index(options: argparse.Namespace, rebuild: bool = False) -> SearchIndex:
    """The library's search index, with a progress bar on stderr while it is being built."""
    from index.search import SearchIndex

    library = _load(options)
    with WorkProgress("indexing") as progress:
        search_index = SearchIndex.open(library, rebuild=rebuild, progress=progress.update)
    search_index.sync_own_notes(library, _userdata().notes())  # kind:own finds them
    if search_index.notice:
        complain(f"note: {search_index.notice}")
    return search_index


def _userdata() -> UserData:
    """Your marks; a damaged file set aside is said here, once, as the reader would."""
    from index.marks import UserData

    userdata = UserData.open()
    if userdata.notice:
        warn(userdata.notice)
    return userdata


def _config(options: argparse.Namespace) -> int:
    from tui.config import describe, describe_keys, load_config

    config = load_config()
    state = "" if config.path.exists() else " (no such file yet: these are the defaults)"
    say(f"# {config.path}{state}")
    for line in describe(config):
        say(line)
    from tui.app import EarmarkApp

    say("# Every binding's id and keys (a line under [keys], uncommented, sets them):")
    for line in describe_keys(EarmarkApp.binding_keys()):
        say(f"# {line}")
    for problem in config.problems:
        warn(problem)
    return EXIT_OK


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=["json", "markdown"],
        default="json",
        help="json: everything earmark understood; markdown: one episode with your "
        "bookmarks and notes, for Obsidian",
    )
    parser.add_argument(
        "--episode",
        metavar="ID",
        help="only this episode (markdown default: the one you read last)",
    )


def _search_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        "e.g. earmark search 'speaker:ilya \"age of research\"'; also kind:comment, "
        "episode:…, chapter:…, source:…, word~ (fuzzy), word* (prefix), OR, NOT, -word. "
        "Exit status: 0 when something matched, 1 when nothing did, 2 on a usage error."
    )
    parser.add_argument("query", metavar="QUERY", help="what to look for")
    parser.add_argument("--json", action="store_true", help="print the hits as JSON")
    parser.add_argument(
        "--limit", type=_positive, default=20, metavar="N", help="at most N hits (20)"
    )


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="documents, or a video's URL (http…)"
    )
    parser.add_argument(
        "--episode",
        metavar="NAME",
        help="add to the episode with this id or title, or make a new one so named; "
        "default: a new one named after the files",
    )


def _follow_arguments(parser: argparse.ArgumentParser) -> None:
    from index.feeds import DEFAULT_LAST

    parser.add_argument("url", metavar="FEED_URL", help="the podcast's RSS feed (http/https)")
    how_many = parser.add_mutually_exclusive_group()
    how_many.add_argument(
        "--last",
        type=_positive,
        default=DEFAULT_LAST,
        metavar="N",
        help=f"bring in the N newest episodes ({DEFAULT_LAST})",
    )
    how_many.add_argument("--all", action="store_true", help="bring in every episode")


COMMANDS: tuple[Command, ...] = (
    Command(
        "add",
        "FILE...|URL [--episode NAME]",
        "copy files or a video's page into your library",
        "Copy transcripts, chapter lists, notes and audio into your library, or a video's "
        "subtitles, chapters and description from its URL (with yt-dlp).",
        _add,
        _add_arguments,
        takes_path=False,
    ),
    Command(
        "list",
        "[PATH]",
        "followed podcasts; episodes with chapters, turns, notes",
        "The feeds you follow and the episodes, with their chapters, turns and notes.",
        _list,
    ),
    Command(
        "search",
        "QUERY [PATH] [--json] [--limit N]",
        "search everything (exit 1: nothing found)",
        "Search the turns, chapter titles, summary points, comments and your notes.",
        _search,
        _search_arguments,
        dashed_words=True,
    ),
    Command(
        "export",
        "[PATH] [--format json|markdown] [--episode ID]",
        "what earmark understood (json), or your marks (markdown)",
        "Print everything earmark understood of a library, or one episode with your marks.",
        _export,
        _export_arguments,
    ),
    Command(
        "index",
        "[PATH] [--rebuild]",
        "build or update the search index",
        "Build the search index, or bring it up to date with the library.",
        _index,
        lambda parser: parser.add_argument("--rebuild", action="store_true", help="build anew"),
    ),
    Command(
        "follow",
        "FEED_URL [--last N | --all]",
        "follow a podcast: its last N episodes (10)",
        "Follow a podcast: bring its last episodes (transcript, chapters, show notes) into "
        "your library; `earmark update` brings in what is new.",
        _follow,
        _follow_arguments,
        takes_path=False,
    ),
    Command(
        "update",
        "[FEED]",
        "bring in what is new in the podcasts you follow",
        "Bring in what is new in the feeds you follow (and what failed before).",
        _update,
        lambda parser: parser.add_argument(
            "feed", nargs="?", metavar="FEED", help="only this feed (name or URL)"
        ),
        takes_path=False,
    ),
    Command(
        "unfollow",
        "FEED",
        "stop following (what came in stays)",
        "Stop following a feed; the episodes it brought in stay.",
        _unfollow,
        lambda parser: parser.add_argument(
            "feed", metavar="FEED", help="the feed's name (earmark list) or URL"
        ),
        takes_path=False,
    ),
    Command(
        "config",
        "",
        "your settings file and the settings in force",
        "Where your settings file is, and the settings in force.",
        _config,
        takes_path=False,
    ),
)
_BY_NAME = {command.name: command for command in COMMANDS}
