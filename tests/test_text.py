import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from index.text import clean, clean_line, strip_controls, visible


def test_keeps_brackets_quotes_and_markup_lookalikes() -> None:
    text = "[bold red]not markup[/bold red] [link=file:///etc/passwd]x[/link] “quoted” 'single'"
    assert clean(text) == text


def test_strips_csi_osc_and_c1_sequences() -> None:
    assert clean("a\x1b[2Jb") == "ab"
    assert clean("\x1b[1;31mred\x1b[0m") == "red"
    assert clean("x\x1b]0;evil title\x07y") == "xy"
    assert clean("x\x1b]8;;http://e.vil\x1b\\link\x1b]8;;\x1b\\y") == "xlinky"
    assert clean("x\x9b2Jy") == "xy"
    assert clean("x\x9d0;title\x9cy") == "xy"
    assert clean("x\x1bPdcs payload\x1b\\y") == "xy"
    assert clean("x\x1b(By") == "xy"
    assert clean("x\x1b") == "x"


def test_strips_control_characters_but_not_text() -> None:
    assert clean("a\x00b\x07c\x08d\x7fe\u202ef") == "abcdef"
    assert clean("emoji 💚 🥃 and ZWJ 👩\u200d💻") == "emoji 💚 🥃 and ZWJ 👩\u200d💻"


def test_normalises_whitespace() -> None:
    assert clean("  a \t\u00a0 b  \r\n\r\n\r\n\r\nc  ") == "a b\n\nc"
    assert clean_line(" Dwarkesh\n  Patel ") == "Dwarkesh Patel"


def test_strip_controls_keeps_layout() -> None:
    assert strip_controls("\t- item\r\n  next\x1b[0m") == "\t- item\n  next"


@given(st.text())
def test_clean_never_leaves_escape_or_control(text: str) -> None:
    cleaned = clean(text)
    assert "\x1b" not in cleaned
    assert not any(ord(c) < 32 and c != "\n" for c in cleaned)
    assert not any(0x7F <= ord(c) <= 0x9F for c in cleaned)
    assert clean(cleaned) == cleaned


def test_clean_removes_lone_surrogates() -> None:
    """JSON's "\\ud800" decodes to a lone surrogate, which no output can encode."""
    assert clean("a\ud800b\udfffc") == "abc"
    assert clean("emoji \U0001f49a stays") == "emoji \U0001f49a stays"


def test_visible_shows_every_control_as_its_escape() -> None:
    assert visible("x\x1b]2;TITLE\x1b\\y") == "x\\x1b]2;TITLE\\x1b\\y"
    assert visible("a\x9b2J\u202eb\nc\td\x00") == "a\\x9b2J\\u202eb\\nc\\td\\x00"
    assert visible("name\udc9b.srt") == "name\\x9b.srt"  # a byte that is not UTF-8, as that byte
    assert visible("[bold]“quoted” 💚 é\u00a0") == "[bold]“quoted” 💚 é\u00a0"


@given(st.text())
def test_visible_is_one_printable_line(text: str) -> None:
    shown = visible(text)
    assert "\n" not in shown
    assert not any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in shown)
    assert not any("\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069" for c in shown)


@given(
    st.text(
        st.characters(codec="utf-8")
        | st.sampled_from(" \t\n\x1b\x9b\x07\r\u2028\x1c\x85\xa0\u200d\u202e\u3000[]")
    )
)
def test_clean_line_is_clean_on_one_line(text: str) -> None:
    """`clean_line` skips `clean` (and more) when it can: never with another result."""
    assert clean_line(text) == " ".join(clean(text).split())
