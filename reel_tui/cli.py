"""The `reel` command: the one place that builds Locations -> Config -> Engine -> ReelApp.

`reel` alone opens the TUI by the shortest way: no command-line parser, no command module, the
garbage collector paused from the first line (see `open_tui`). Anything else on the command
line goes to the click group of every command (``reel_tui.commands.group``), which behaves
the same for `reel tui`. Importing this module stays cheap: no click, no Textual, no guessit,
no database until a command needs it.

Exit status: 0 done, 1 a ReelError (printed as ``reel: <message>``, never a traceback),
2 a usage or configuration error.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from typing import Any

EXIT_ERROR = 1
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> None:
    """The console script `reel` (and `python -m reel_tui`)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        raise SystemExit(_open_tui_alone())
    from reel_tui.commands.group import cli

    cli.main(args=args, prog_name="reel")


def _open_tui_alone() -> int:
    """`reel` with nothing after it: the TUI, with the exit statuses of the click group."""
    # Before the imports: they make most of the objects the collector would walk again and
    # again on the way to the first screen (open_tui says when it runs again).
    gc.disable()
    from reel_tui.commands.context import RunContext, open_tui
    from reel_tui.engine.errors import ConfigError, ReelError
    from reel_tui.locations import resolve

    try:
        run = RunContext(resolve())
        try:
            open_tui(run)
        finally:
            run.close()
    except ConfigError as error:
        sys.stderr.write(f"reel: {error}\n")
        return EXIT_USAGE
    except ReelError as error:
        sys.stderr.write(f"reel: {error}\n")
        return EXIT_ERROR
    except (KeyboardInterrupt, EOFError):
        sys.stderr.write("\nAborted!\n")  # as click says it
        return EXIT_ERROR
    finally:
        gc.enable()
    return 0


def __getattr__(name: str) -> Any:
    # `reel_tui.cli.cli` (the click group) as before it moved: imported on first use only.
    if name == "cli":
        from reel_tui.commands.group import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
