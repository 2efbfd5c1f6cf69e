import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.model import Span
from index.timecode import (
    TimecodeError,
    find_spans,
    format_span,
    format_time,
    parse_moment,
    parse_span,
    parse_spans,
    parse_time,
    strip_trailing_spans,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("9:39", 579),
        ("09:39", 579),
        ("00:09:39", 579),
        ("1:02:03", 3723),
        ("01:36:03", 5763),
        ("0:00", 0),
        (" 25:13 ", 1513),
    ],
)
def test_parse_time(text: str, seconds: int) -> None:
    assert parse_time(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "9", "9:6", "9:60", "1:2:3", "a:bc", "123:00", "1:00:00:00", "-1:00"]
)
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(TimecodeError):
        parse_time(text)


def test_parse_span_with_every_dash() -> None:
    for dash in ("-", "–", "—", " - ", " – "):
        assert parse_span(f"39:13{dash}39:18") == Span(2353, 2358)
    assert parse_span("21:02") == Span(1262, 1262)


def test_reversed_range_is_ordered() -> None:
    assert parse_span("42:01-41:42") == Span(2502, 2521)


def test_parse_spans_list() -> None:
    assert parse_spans("(39:13-39:18, 41:42-42:01)") == (Span(2353, 2358), Span(2502, 2521))
    assert parse_spans("1:30:26") == (Span(5426, 5426),)
    with pytest.raises(TimecodeError):
        parse_spans("()")
    with pytest.raises(TimecodeError):
        parse_spans("(description)")


def test_find_spans_in_text() -> None:
    text = (
        "compute is helpful (39:26-39:39), to prove ideas (39:13-39:18, 41:42-42:01), "
        "self-play (01:30:26) and at 4:46."
    )
    assert find_spans(text) == (
        Span(2366, 2379),
        Span(2353, 2358),
        Span(2502, 2521),
        Span(5426, 5426),
        Span(286, 286),
    )


@pytest.mark.parametrize(
    "text",
    [
        "from 2020-2025",
        "10,000 hours",
        "https://host:8080/x",
        "3:1 ratio",
        "v1.2:30",
        "2-3 times",
        "12:30pm",
    ],
)
def test_find_spans_ignores_what_is_not_a_time(text: str) -> None:
    assert find_spans(text) == ()


def test_strip_trailing_spans() -> None:
    assert strip_trailing_spans("The Crux of Generalization (25:00)") == (
        "The Crux of Generalization",
        (Span(1500, 1500),),
    )
    assert strip_trailing_spans("Practical Tools (description)") == (
        "Practical Tools (description)",
        (),
    )


def test_format_time() -> None:
    assert format_time(579) == "9:39"
    assert format_time(3723) == "1:02:03"
    assert format_time(579, hours=True) == "00:09:39"
    assert format_time(0) == "0:00"
    assert format_span(Span(2353, 2358)) == "39:13-39:18"
    assert format_span(Span(1262, 1262)) == "21:02"
    with pytest.raises(TimecodeError):
        format_time(-1)


@given(st.integers(min_value=0, max_value=99 * 3600 + 3599))
def test_format_then_parse_round_trips(seconds: int) -> None:
    assert parse_time(format_time(seconds, hours=True)) == seconds
    if seconds < 24 * 3600:
        assert parse_time(format_time(seconds)) == seconds


@pytest.mark.parametrize(
    ("pasted", "seconds"),
    [
        ("1:05:00", 3900),
        ("65:00", 3900),
        ("00:01:05.250", 65),
        ("1h5m", 3900),
        ("1h 5m 30s", 3930),
        ("65m", 3900),
        ("65min", 3900),
        ("3900s", 3900),
        ("3900", 3900),
        (" 12 ", 12),
        ("https://www.youtube.com/watch?v=abc&t=3900s", 3900),
        ("https://youtu.be/abc?t=1h5m", 3900),
        ("https://example.com/episode#t=3900", 3900),
    ],
)
def test_a_moment_as_people_paste_it(pasted: str, seconds: int) -> None:
    assert parse_moment(pasted) == seconds


@pytest.mark.parametrize("pasted", ["", "x", "1:5", "12:60", "h", "https://example.com/", "9" * 12])
def test_what_is_no_moment_is_refused(pasted: str) -> None:
    with pytest.raises(TimecodeError):
        parse_moment(pasted)
