"""`python -m benchmarks` (`make bench`): every benchmark, one table.

Each module's `measure_default()` runs its figures at the sizes the goals name. Benchmarks
that need a piece not installed here print why and are left out of the table.
"""

from __future__ import annotations

import importlib
import sys

from benchmarks.report import Figure, print_table

MODULES = (
    "benchmarks.scan",
    "benchmarks.playback",
    "benchmarks.sync_jellyfin",
    "benchmarks.sync_plex",
    "benchmarks.ui_start",
    "benchmarks.ui_keys",
    "benchmarks.ui_memory",
    "benchmarks.ui_sync_lag",
)


def main() -> int:
    figures: list[Figure] = []
    for name in MODULES:
        module = importlib.import_module(name)
        print(f"running {name} ...", file=sys.stderr, flush=True)
        figures.extend(module.measure_default())
    print_table(figures, title="Reel TUI benchmarks")
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
