"""The benchmark's memory figures are the measured command's, not the benchmark's own."""

from __future__ import annotations

import sys

import pytest

from tests.bench.memory import available, run_sampled

# A child holding this many MB, every page written (so resident), for a moment.
HOLD = "import time; held = b'x' * ({mb} << 20); time.sleep(0.3)"


@pytest.mark.skipif(not available(), reason="samples processes from /proc")
def test_a_small_command_run_by_a_big_process_is_measured_small() -> None:
    """Linux gives a child that executes the high-water mark of the memory it replaces (wait4's
    ``ru_maxrss``): a 10,000-episode bench reported its own 562 MB for an update of 126 MB."""
    benchmark = b"x" * (200 << 20)
    small = run_sampled([sys.executable, "-c", HOLD.format(mb=0)])
    big = run_sampled([sys.executable, "-c", HOLD.format(mb=100)])
    assert small.peak_rss_mb is not None and big.peak_rss_mb is not None
    assert small.peak_rss_mb < 60
    assert 100 <= big.peak_rss_mb < 160
    del benchmark
