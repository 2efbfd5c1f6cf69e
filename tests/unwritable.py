"""Disks and folders that refuse writes, in tests that also run as root (CI does).

Root ignores permission bits, so a folder chmod'ed read-only is still writable to it. Two real
refusals hold for root as well:

- `no_room_to_write()`: this process's file-size limit (RLIMIT_FSIZE) at 0 bytes while the block
  runs, so the kernel refuses every write that would grow a file (EFBIG), as a full disk would.
  Only the soft limit is lowered, so it can be put back.
- `unprivileged(command)`: the command as a child process that, when we are root, first drops
  the capabilities that let root ignore permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)
  from its bounding set and then runs the command, which therefore obeys chmod. Dropping needs
  CAP_SETPCAP; `permissions_hold()` says whether it works here.
"""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

# Run by the child: drop the two capabilities, then become the command.
_DROP_AND_RUN = """
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
    if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
        sys.exit(f"cannot drop capability {capability}: errno {ctypes.get_errno()}")
os.execvp(sys.argv[1], sys.argv[1:])
"""


@contextmanager
def no_room_to_write() -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def unprivileged(command: Sequence[str], **options: object) -> subprocess.CompletedProcess[str]:
    """Run ``command`` so that permission bits apply to it, even when we are root."""
    if os.geteuid() == 0:
        command = [sys.executable, "-c", _DROP_AND_RUN, *command]
    return subprocess.run(command, capture_output=True, text=True, check=False, **options)  # type: ignore[call-overload]


@cache
def permissions_hold() -> bool:
    """Whether `unprivileged` commands are refused a write into a read-only folder here."""
    with tempfile.TemporaryDirectory() as folder:
        locked = Path(folder) / "locked"
        locked.mkdir(mode=stat.S_IRUSR | stat.S_IXUSR)
        target = str(locked / "probe")
        probe = f"try:\n open({target!r}, 'w')\nexcept PermissionError:\n print('refused')"
        refused = unprivileged([sys.executable, "-c", probe], timeout=30).stdout == "refused\n"
        locked.chmod(0o700)
        return refused
