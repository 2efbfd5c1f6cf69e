"""Where each note belongs: links made when an episode is read (`related`), and the side pane's
question answered from them (`passage_notes`: which notes go with this turn, and why).

`passage_notes` is light and on the reader's start-up path; `related` loads the analyser (and
Whoosh's stemmer) only when an episode is parsed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from index.lazy import exports

if TYPE_CHECKING:
    from index.linking.passage_notes import PassageNotes, RelatedNotes, evidence_words
    from index.linking.related import link_notes

__all__ = ["PassageNotes", "RelatedNotes", "evidence_words", "link_notes"]
__getattr__ = exports(
    __name__,
    {
        "PassageNotes": "passage_notes",
        "RelatedNotes": "passage_notes",
        "evidence_words": "passage_notes",
        "link_notes": "related",
    },
)
