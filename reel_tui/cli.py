"""The `reel` command: the one place that builds Locations -> Config -> Engine -> ReelApp.

Every engine capability is a command (for scripts and tests); the bare `reel` opens the TUI.
Command groups live in ``reel_tui.commands``, one module each, so later ones (play, download,
server sources) slot in by registration here. Importing this module stays cheap: no Textual,
no guessit, no database until a command needs it.

Exit status: 0 done, 1 a ReelError (printed as ``reel: <message>``, never a traceback),
2 a usage or configuration error.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import click

from reel_tui import __version__
from reel_tui.commands.context import RunContext, open_tui, pass_run
from reel_tui.commands.demo import demo
from reel_tui.commands.doctor import doctor
from reel_tui.commands.downloads import download, downloads
from reel_tui.commands.library import ls, show
from reel_tui.commands.match import match
from reel_tui.commands.play import play
from reel_tui.commands.sources import sources
from reel_tui.commands.sync import sync
from reel_tui.engine.errors import ConfigError, ReelError
from reel_tui.locations import resolve

EXIT_ERROR = 1
EXIT_USAGE = 2


class ReelFailure(click.ClickException):
    """A ReelError on its way out: `reel: <message>` on stderr and exit status 1."""

    exit_code = EXIT_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        stream = file if file is not None else sys.stderr
        stream.write(f"reel: {self.message}\n")


class ReelConfigFailure(ReelFailure):
    """A broken config file on its way out: exit status 2, like a usage error."""

    exit_code = EXIT_USAGE


class ReelGroup(click.Group):
    """A click group that turns ReelErrors into clean messages and exit statuses."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConfigError as error:
            raise ReelConfigFailure(str(error)) from error
        except ReelError as error:
            raise ReelFailure(str(error)) from error


@click.group(
    cls=ReelGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path, exists=True),
    help="Settings file to use (default: $REEL_CONFIG, else ~/.config/reel-tui/config.toml).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the cache, images, downloads and demo (default: $REEL_DATA_DIR, "
    "else ~/.local/share/reel-tui).",
)
@click.version_option(__version__, prog_name="reel")
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None, data_dir: Path | None) -> None:
    """Reel TUI: browse and play movies and shows from local folders, Plex and Jellyfin.

    Without a command, opens the TUI.
    """
    run = RunContext(resolve(config_file=config_file, data_dir=data_dir))
    ctx.obj = run
    ctx.call_on_close(run.close)
    if ctx.invoked_subcommand is None:
        ctx.invoke(tui)


@cli.command()
@pass_run
def tui(run: RunContext) -> None:
    """Open the TUI (the same as `reel` alone)."""
    open_tui(run)


cli.add_command(sources)
cli.add_command(sync)
cli.add_command(ls)
cli.add_command(show)
cli.add_command(demo)
cli.add_command(doctor)
cli.add_command(play)
cli.add_command(download)
cli.add_command(downloads)
cli.add_command(match)


def main(argv: Sequence[str] | None = None) -> None:
    """The console script `reel` (and `python -m reel_tui`)."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="reel")
