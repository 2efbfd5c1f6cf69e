"""Everything below earmark's UI: the document model, parsers, library, search and linking.

Nothing here imports Textual or Rich (see ../DESIGN.md in the shared notes and docs/decisions.md).
"""

__version__ = "0.1.0"
