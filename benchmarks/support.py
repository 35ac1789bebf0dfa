"""Pieces every benchmark uses: a timer and a fake server in a process of its own.

The fake servers run in their own process so that serving pages does not compete with the
client under test for the interpreter lock.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any


def timed(run: Callable[[], Any]) -> float:
    """Seconds `run` took."""
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


@contextmanager
def server_process(module: str, args: Sequence[str], ready: str) -> Iterator[re.Match[str]]:
    """Run `python -m module args`; yield the match of `ready` on its first line of output."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(ready, line)
        if found is None:
            raise RuntimeError(f"{module} did not start: {line!r}")
        yield found
    finally:
        process.terminate()
        process.wait(10)
