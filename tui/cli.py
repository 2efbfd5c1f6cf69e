"""The ``earmark`` command.

    earmark [PATH]                         open the reader (default: your library)
    earmark add FILE... [--episode NAME]   copy transcripts, chapters and notes into your library
    earmark list [PATH]                    the episodes, with their chapters, turns and notes
    earmark export [PATH] [--format json|markdown] [--episode ID]
                                           everything earmark understood, or your marks
    earmark search QUERY [PATH] [--json] [--limit N]    search turns, chapters and notes
    earmark index [PATH] [--rebuild]       build or update the search index

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
from typing import TYPE_CHECKING

from index.errors import EarmarkError
from index.library import Library
from index.user_library import open_user_library
from tui.progress import WorkProgress

if TYPE_CHECKING:  # Whoosh loads only when a command searches: start-up stays quick
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
        print(f"earmark: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:  # `earmark export | head` closed our stdout: not an error
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _parser(command: str | None) -> argparse.ArgumentParser:
    if command == "export":
        parser = argparse.ArgumentParser(
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
        parser = argparse.ArgumentParser(
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
        parser = argparse.ArgumentParser(
            prog="earmark add",
            description="Copy transcripts, chapter lists and notes into your library "
            "(WebVTT, SRT, podcast JSON/HTML, Markdown, chapter lists, notes, transcript pages).",
        )
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="documents")
        parser.add_argument(
            "--episode",
            metavar="NAME",
            help="add to this episode (new or existing); default: a new one named after FILE",
        )
        return parser
    elif command == "list":
        parser = argparse.ArgumentParser(
            prog="earmark list", description="List the episodes of a library."
        )
    elif command == "index":
        parser = argparse.ArgumentParser(
            prog="earmark index",
            description="Build the search index, or bring it up to date with the library.",
        )
        parser.add_argument("--rebuild", action="store_true", help="build it anew")
    else:
        parser = argparse.ArgumentParser(
            prog="earmark",
            description="A terminal reader for long conversations.",
            epilog="commands: earmark add FILE... [--episode NAME]; earmark list [PATH]; "
            "earmark export [PATH] --format json; earmark search QUERY [PATH] [--json]; "
            "earmark index [PATH] [--rebuild]",
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
        print(f"earmark: warning: {problem}", file=sys.stderr)
    return library


def _open(options: argparse.Namespace) -> int:
    """Open the reader; without a terminal, say what to use instead."""
    library = _load(options)
    if not library.infos:
        raise EarmarkError(f"{library.root}: no episodes earmark can read")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "earmark: the reader needs a terminal; try `earmark export` or `earmark search`",
            file=sys.stderr,
        )
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

    root = open_user_library()
    episode_id, added = add_files(root, options.files, options.episode)
    for item in added:
        where = f"{episode_id}/{item.stored.name}" if item.stored else "already there"
        print(f"{item.source}: {item.summary} → {where}")
    options.path = root
    with _search_index(options) as search_index:
        print(f"{episode_id}: added; {search_index.episode_count} episodes indexed")
    return EXIT_OK


def _list(options: argparse.Namespace) -> int:
    library = _load(options)
    rows = [
        (info.id, info.title, len(info.chapters), info.turn_count, info.note_count)
        for info in library.infos
    ]
    id_width = max((len(row[0]) for row in rows), default=2)
    print(f"{'episode':<{id_width}}  chapters  turns  notes  title")
    for episode_id, title, chapters, turns, notes in rows:
        print(f"{episode_id:<{id_width}}  {chapters:>8}  {turns:>5}  {notes:>5}  {title}")
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
        print(
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
        print(f"earmark: note: {search_index.notice}", file=sys.stderr)
    return search_index


def _userdata() -> UserData:
    """Your marks; a damaged file set aside is said here, once, as the reader would."""
    from index.userdata import UserData

    userdata = UserData.open()
    if userdata.notice:
        print(f"earmark: warning: {userdata.notice}", file=sys.stderr)
    return userdata


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    "add": _add,
    "list": _list,
    "export": _export,
    "search": _search,
    "index": _index,
}
