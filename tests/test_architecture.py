"""The shape DESIGN.md fixes: index/ stays free of the UI, its toolkit and the app."""

import ast
import subprocess
import sys
from pathlib import Path

INDEX = Path(__file__).resolve().parent.parent / "index"


def test_index_never_imports_the_ui() -> None:
    offenders = []
    for module in INDEX.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{module.relative_to(INDEX)}: {n}"
                for n in names
                if n.split(".")[0] in {"textual", "rich", "tui"}
            ]
    assert offenders == []


def test_the_reader_starts_without_whoosh() -> None:
    """The first screen paints before Whoosh loads: the search index opens after it."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, tui.cli, tui.app; print(*sorted(sys.modules))"],
        capture_output=True, text=True, check=True, cwd=INDEX.parent,
    ).stdout.split()  # fmt: skip
    assert [name for name in loaded if name.split(".")[0] == "whoosh"] == []


def test_the_app_asks_the_reading_not_user_data() -> None:
    """What a person does to the episode is asked of `index.reading.Reading`; the app neither
    opens your marks nor merges notes itself (types named for hints only are no calls)."""
    app = ast.parse((INDEX.parent / "tui" / "app.py").read_text(encoding="utf-8"))
    hints_only = {
        id(node)
        for block in ast.walk(app)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for node in ast.walk(block)
    }
    imported = {
        node.module
        for node in ast.walk(app)
        if isinstance(node, ast.ImportFrom) and node.module and id(node) not in hints_only
    }
    assert imported.isdisjoint({"index.userdata", "index.passage_notes", "index.related"})


ROOMS = {"library", "search", "linking", "marks", "formats", "feeds", "player"}


def test_a_room_is_used_from_outside_only_by_its_public_names() -> None:
    """`index` is grouped into rooms (docs/decisions.md): code outside a room imports the names
    its ``__init__`` offers, never one of its modules."""
    offenders = []
    for module in [*INDEX.rglob("*.py"), *(INDEX.parent / "tui").rglob("*.py")]:
        parts = module.relative_to(INDEX.parent).with_suffix("").parts
        inside = parts[1] if parts[0] == "index" and len(parts) > 2 else None
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = (
                node.module.split(".") if isinstance(node, ast.ImportFrom) and node.module else []
            )
            if len(names) > 2 and names[0] == "index" and names[1] in ROOMS - {inside}:
                offenders.append(f"{'/'.join(parts)}: {node.module}")
    assert offenders == []
