"""`python -m benchmarks.sync --backend jellyfin|plex --items N`: a server sync benchmark.

Dispatches to `benchmarks.sync_jellyfin` or `benchmarks.sync_plex`, imported only when chosen
(each starts its own fake server as a separate process).
"""

from __future__ import annotations

import argparse
import importlib

from benchmarks.report import print_table

_MODULES = {"jellyfin": "benchmarks.sync_jellyfin", "plex": "benchmarks.sync_plex"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backend", choices=sorted(_MODULES), required=True)
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args(argv)
    module = importlib.import_module(_MODULES[args.backend])
    figures = module.measure(items=args.items)
    print_table(figures, title=f"{args.backend} sync, {args.items} items")
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
