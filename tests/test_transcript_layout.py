"""Word wrap by terminal cells: each line fits, and only spaces are dropped at the breaks."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from rich.cells import cell_len

from tui.transcript_layout import wrap

# Latin, curly quotes and dashes, wide CJK and emoji, a zero-width joiner and a control.
TEXT = st.text(alphabet="ab cdé’“”—漢字👍\u200d\ufe0f\x07", max_size=60)


@given(TEXT, st.integers(min_value=8, max_value=40))
@example("You know what’s crazy? That all of this is real.", 8)
@example("xé👍a’a字cbd\u200dx👍\x07’x", 8)  # wide and zero-width characters in one word
def test_lines_fit_and_keep_all_but_the_spaces_at_breaks(text: str, width: int) -> None:
    lines = wrap(text, width)
    at = 0
    for start, end in lines:
        assert text[at:start].strip(" ") == ""
        assert cell_len(text[start:end]) <= width or end - start == 1
        at = end
    assert text[at:].strip(" ") == ""
    assert lines == [(0, 0)] or all(start < end for start, end in lines)
