"""Pieces every benchmark uses: a timer and a fake server in a process of its own.

The fake servers run in their own process so that serving pages does not compete with the
client under test for the interpreter lock.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.report import Figure, print_table


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB.

    Linux's VmHWM where there is one: `ru_maxrss` survives exec, so a child started from a
    big process would report its parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


def ui_benchmark_main(
    doc: str | None,
    measure: Callable[[int], Sequence[Figure]],
    child: Callable[[Path], None],
    argv: Sequence[str] | None = None,
) -> int:
    """The command line of a UI benchmark that measures in a child process of its own.

    `--items N` sizes the library; `--child DATA_DIR` (internal) runs the measuring side.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0] if doc else None)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        child(args.child)
        return 0
    figures = measure(args.items)
    print_table(figures)
    return 0 if all(f.met for f in figures) else 1


def child_json(
    args: Sequence[str], *, stdin: str = "", env: Mapping[str, str] | None = None
) -> Any:
    """Run `python -m *args` (a benchmark's measuring side, in a process of its own) and return
    the JSON of its last line of output. `stdin` is how a secret (a token) reaches the child:
    never in a process's arguments."""
    done = subprocess.run(
        [sys.executable, "-m", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def sync_alone_in_child(
    module: str, args: Sequence[str], secret: str = ""
) -> tuple[float, float, float]:
    """The backend's full sync alone in a fresh process (`python -m module --alone *args`,
    answered by `sync_alone_main`): its seconds, the process's peak memory before it (MB) and
    the peak memory the sync added (MB). `secret` (a token) goes to the child's standard input."""
    seconds, before, added = child_json([module, "--alone", *args], stdin=secret)
    return float(seconds), float(before), float(added)


def sync_alone_main(run: Callable[[Path], float]) -> int:
    """The child side of `sync_alone_in_child`: `run(data_dir)` timed, peak memory around it."""
    with tempfile.TemporaryDirectory() as tmp:
        before = peak_mb()
        seconds = run(Path(tmp))
        print(json.dumps([seconds, before, peak_mb() - before]))
    return 0
