"""What ``earmark search`` and ``earmark index`` print: a table of hits for people, JSON for
programs.

Document text is untrusted: snippets, names and titles reach Rich only as `Text` objects, never
as markup, with any control character shown as its escape (`index.text.visible`), and the lit
words are styled by offset.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict

from rich.console import Console
from rich.table import Table
from rich.text import Text

from index.search import Hit
from index.text import visible
from index.timecode import format_time

LIT_STYLE = "bold reverse"
# Below this width a table's snippet column would be a sliver: one line a hit instead.
TABLE_FROM_COLUMNS = 120
SNIPPET_MIN_COLUMNS = 40


def print_json(hits: list[Hit]) -> None:
    document = json.dumps([asdict(hit) for hit in hits], ensure_ascii=False, indent=2)
    sys.stdout.buffer.write(document.encode("utf-8") + b"\n")
    sys.stdout.flush()


def print_hits(hits: list[Hit], several_episodes: bool) -> None:
    """A line a hit (``episode  17:15  Ilya Sutskever  …the snippet…``), as rg prints, when
    piped or on a narrow terminal; a table of columns on a wide one."""
    console = Console(highlight=False, soft_wrap=True)
    if not hits:
        console.print(Text("no hits"))
        return
    if not console.is_terminal or console.width < TABLE_FROM_COLUMNS:
        for hit in hits:
            console.print(_line(hit))
        return
    table = Table(box=None, pad_edge=False, expand=True, header_style="bold")
    table.add_column("kind", no_wrap=True)
    table.add_column("where", max_width=32)
    table.add_column("time", justify="right", no_wrap=True)
    table.add_column("who", max_width=20)
    table.add_column("snippet", ratio=1, min_width=SNIPPET_MIN_COLUMNS)
    for hit in hits:
        where = " › ".join(
            part for part in (hit.episode if several_episodes else None, hit.chapter_title) if part
        )
        table.add_row(
            Text(hit.kind),
            Text(visible(where)),
            Text(_time(hit)),
            Text(visible(hit.who)),
            lit_snippet(hit),
        )
    console.print(table)


def _line(hit: Hit) -> Text:
    line = Text(visible(hit.episode), style="bold")
    for part in (_time(hit), visible(hit.who)):
        if part:
            line.append(f"  {part}")
    line.append("  ")
    line.append_text(lit_snippet(hit))
    return line


def _time(hit: Hit) -> str:
    return format_time(hit.start) if hit.start is not None else ""


def lit_snippet(hit: Hit) -> Text:
    """The snippet with its matched words lit; each piece made visible on its own, so that the
    offsets still fit."""
    text, shown = Text(), 0
    for start, end in hit.highlights:
        text.append(visible(hit.snippet[shown:start]))
        text.append(visible(hit.snippet[start:end]), LIT_STYLE)
        shown = end
    text.append(visible(hit.snippet[shown:]))
    return text
