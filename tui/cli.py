"""The ``earmark`` command.

    earmark [PATH]                         open the reader (default: your library)
    earmark add FILE... [--episode NAME]   copy transcripts, chapters and notes into your library
    earmark add URL                        a video's page: its subtitles, chapters and description
                                           (needs yt-dlp: the earmark[youtube] extra)
    earmark list [PATH]                    the episodes, with their chapters, turns and notes
    earmark export [PATH] [--format json|markdown] [--episode ID]
                                           everything earmark understood, or your marks
    earmark search QUERY [PATH] [--json] [--limit N]    search turns, chapters and notes
    earmark index [PATH] [--rebuild]       build or update the search index
    earmark follow FEED_URL [--last N | --all]   follow a podcast: its last N episodes (10)
    earmark update [FEED]                  bring in what is new in the feeds you follow
    earmark unfollow FEED                  stop following (what came in stays)

Your library lives in the user data directory (under ``EARMARK_HOME`` when it is set); the
first time earmark opens it, it holds a copy of the bundled episode.

Exit codes: 0 ok, 1 a problem the user can fix (one line on stderr), 2 wrong usage.
Warnings about single files go to stderr, one line each, and do not change the exit code.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Callable, Sequence
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from index.errors import EarmarkError
from index.library import Library
from index.user_library import open_user_library
from tui.output import complain, say, warn
from tui.progress import WorkProgress

if TYPE_CHECKING:  # Whoosh loads only when a command searches: start-up stays quick
    from index.feeds.following import FeedReport
    from index.search import SearchIndex
    from index.userdata import UserData

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2
# A one-shot search can wait longer than a keystroke's.
SEARCH_TIME_LIMIT = 2.0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args and args[0] in COMMANDS else None
    parser = _parser(command)
    given = args[1:] if command else args
    if command == "search":
        given = _positional_after_options(parser, given)
    options = parser.parse_args(given)
    try:
        return COMMANDS.get(command, _open)(options)
    except EarmarkError as error:
        complain(str(error))
        return EXIT_USER_ERROR
    except BrokenPipeError:  # `earmark export | head` closed our stdout: not an error
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


class _ArgumentParser(argparse.ArgumentParser):
    """argparse's errors quote what was typed, perhaps a file name: shown, never obeyed."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        say(f"{self.prog}: error: {message}", sys.stderr)
        self.exit(EXIT_USAGE)


def _parser(command: str | None) -> argparse.ArgumentParser:
    if command == "export":
        parser = _ArgumentParser(
            prog="earmark export", description="Print everything earmark understood of a library."
        )
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
    elif command == "search":
        parser = _ArgumentParser(
            prog="earmark search",
            description="Search the turns, chapter titles, summary points and comments.",
            allow_abbrev=False,  # what is not an option is the query (`-word`)
            epilog="e.g. earmark search 'speaker:ilya \"age of research\"'; also kind:comment, "
            "episode:…, chapter:…, source:…, word~ (fuzzy), word* (prefix), OR, NOT",
        )
        parser.add_argument("query", metavar="QUERY", help="what to look for")
        parser.add_argument("--json", action="store_true", help="print the hits as JSON")
        parser.add_argument(
            "--limit", type=_positive, default=20, metavar="N", help="at most N hits (20)"
        )
    elif command == "add":
        parser = _ArgumentParser(
            prog="earmark add",
            description="Copy transcripts, chapter lists and notes into your library "
            "(WebVTT, SRT, Whisper JSON, yt-dlp info JSON, Otter/Rev/Descript text, podcast "
            "JSON/HTML, Markdown, chapter lists, notes, transcript pages), or a video's "
            "subtitles, chapters and description from its URL (with yt-dlp).",
        )
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="documents, or a video's URL (http…)"
        )
        parser.add_argument(
            "--episode",
            metavar="NAME",
            help="add to this episode (new or existing); default: a new one named after FILE",
        )
        return parser
    elif command == "list":
        parser = _ArgumentParser(
            prog="earmark list",
            description="List the feeds a library follows and its episodes.",
        )
    elif command == "follow":
        from index.feeds.following import DEFAULT_LAST

        parser = _ArgumentParser(
            prog="earmark follow",
            description="Follow a podcast: bring its last episodes (transcript, chapters, show "
            "notes) into your library; `earmark update` brings in what is new.",
        )
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
        return parser
    elif command == "update":
        parser = _ArgumentParser(
            prog="earmark update",
            description="Bring in what is new in the feeds you follow (and what failed before).",
        )
        parser.add_argument("feed", nargs="?", metavar="FEED", help="only this feed (name or URL)")
        return parser
    elif command == "unfollow":
        parser = _ArgumentParser(
            prog="earmark unfollow",
            description="Stop following a feed; the episodes it brought in stay.",
        )
        parser.add_argument("feed", metavar="FEED", help="the feed's name (earmark list) or URL")
        return parser
    elif command == "index":
        parser = _ArgumentParser(
            prog="earmark index",
            description="Build the search index, or bring it up to date with the library.",
        )
        parser.add_argument("--rebuild", action="store_true", help="build it anew")
    else:
        parser = _ArgumentParser(
            prog="earmark",
            description="A terminal reader for long conversations.",
            epilog="commands: earmark add FILE...|URL [--episode NAME]; earmark list [PATH]; "
            "earmark export [PATH] --format json; earmark search QUERY [PATH] [--json]; "
            "earmark index [PATH] [--rebuild]; earmark follow FEED_URL [--last N | --all]; "
            "earmark update [FEED]; earmark unfollow FEED",
        )
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        metavar="PATH",
        help="a library folder, an episode folder or one file (default: your library)",
    )
    return parser


def _positional_after_options(parser: argparse.ArgumentParser, args: list[str]) -> list[str]:
    """``args`` with the options first and everything else after a ``--``, so that a query
    may start with a dash (``-word`` leaves a word out) and a ``--`` may come anywhere."""
    values = {
        name: 1 if action.nargs is None else 0
        for action in parser._actions
        for name in action.option_strings
    }
    options: list[str] = []
    positional: list[str] = []
    rest = iter(args)
    for arg in rest:
        name = arg.split("=", 1)[0]
        if arg == "--":
            positional += rest
        elif name in values or arg.startswith("--"):  # argparse judges an unknown --option
            options += [arg, *islice(rest, 0 if "=" in arg else values.get(name, 0))]
        else:
            positional.append(arg)
    return [*options, "--", *positional]


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def _load(options: argparse.Namespace) -> Library:
    with WorkProgress("reading") as progress:
        library = Library.open(options.path or open_user_library(), progress=progress.update)
    for problem in library.problems:
        warn(problem)
    return library


def _open(options: argparse.Namespace) -> int:
    """Open the reader; without a terminal, say what to use instead."""
    library = _load(options)
    if not library.infos:
        raise EarmarkError(f"{library.root}: no episodes earmark can read")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        complain("the reader needs a terminal; try `earmark export` or `earmark search`")
        return EXIT_USAGE
    # What start-up allocates (Textual, the app, the library) lasts as long as the reader: the
    # collector is not run while it is made, then it is frozen out of every later collection,
    # which would walk it again and again for nothing (~10-30 ms before the first paint).
    gc.disable()
    try:
        from tui.app import EarmarkApp

        app = EarmarkApp(library)
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

        from index.export import episode_to_dict, library_to_dict

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
    from index.export_markdown import episode_markdown

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
    from index.user_library import add_files
    from index.ytdlp import add_sources, is_url

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
    from index.feeds.followed import read_followed

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
        print()
    rows = [
        (info.id, info.title, len(info.chapters), info.turn_count, info.note_count)
        for info in library.infos
    ]
    id_width = max((len(row[0]) for row in rows), default=2)
    print(f"{'episode':<{id_width}}  chapters  turns  notes  transcript  title")
    for episode_id, title, chapters, turns, notes in rows:
        transcript = "yes" if turns else "no"
        say(
            f"{episode_id:<{id_width}}  {chapters:>8}  {turns:>5}  {notes:>5}  "
            f"{transcript:<10}  {title}"
        )
    return EXIT_OK


def _follow(options: argparse.Namespace) -> int:
    from index.feeds.fetch import Fetcher
    from index.feeds.following import follow

    root = open_user_library()
    with Fetcher() as fetcher, WorkProgress(options.url) as progress:
        last = None if options.all else options.last
        report = follow(root, options.url, last=last, fetcher=fetcher, progress=progress.update)
    return _brought_in(options, root, [report], [])


def _update(options: argparse.Namespace) -> int:
    from index.feeds.fetch import Fetcher
    from index.feeds.followed import find_followed, read_followed
    from index.feeds.following import update_feed

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
    from index.feeds.following import unfollow

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
        print(f"earmark: note: {'; '.join(notes)}", file=sys.stderr)
    if options.json:
        print_json(list(found.hits))
    else:
        print_hits(list(found.hits), several_episodes=search_index.episode_count > 1)
    return EXIT_OK


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
    from index.userdata import UserData

    userdata = UserData.open()
    if userdata.notice:
        warn(userdata.notice)
    return userdata


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    "add": _add,
    "list": _list,
    "export": _export,
    "search": _search,
    "index": _index,
    "follow": _follow,
    "update": _update,
    "unfollow": _unfollow,
}
