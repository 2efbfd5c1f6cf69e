"""The ``earmark`` command.

    earmark [PATH]                         open the reader on a library (default: the bundled one)
    earmark export [PATH] --format json    print everything earmark understood

Exit codes: 0 ok, 1 a problem the user can fix (one line on stderr), 2 wrong usage.
Warnings about single files go to stderr, one line each, and do not change the exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from index.errors import EarmarkError
from index.library import Library
from index.paths import default_library

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args and args[0] in COMMANDS else None
    parser = _parser(command)
    options = parser.parse_args(args[1:] if command else args)
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
        parser.add_argument("--format", choices=["json"], default="json", help="output format")
    else:
        parser = argparse.ArgumentParser(
            prog="earmark",
            description="A terminal reader for long conversations.",
            epilog="commands: earmark export [PATH] --format json",
        )
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        metavar="PATH",
        help="a library folder, an episode folder or one file",
    )
    return parser


def _load(options: argparse.Namespace) -> Library:
    library = Library.open(options.path or default_library())
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
    from tui.app import EarmarkApp

    app = EarmarkApp(library)
    app.run()
    return app.return_code or EXIT_OK


def _export(options: argparse.Namespace) -> int:
    from index.export import library_to_dict

    document = json.dumps(library_to_dict(_load(options)), ensure_ascii=False, indent=2)
    sys.stdout.buffer.write(document.encode("utf-8") + b"\n")
    sys.stdout.flush()
    return EXIT_OK


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {"export": _export}
