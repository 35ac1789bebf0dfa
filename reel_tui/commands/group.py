"""The `reel` command line: the click group of every command, and its exit statuses.

Every engine capability is a command (for scripts and tests); `reel tui` (or `reel` with
options only) opens the TUI. Command groups live in ``reel_tui.commands``, one module each, so
later ones slot in by registration in `COMMAND_MODULES`. A command's module is imported only
when that command runs (or `--help` lists them), so a run loads none of the others.

Exit status: 0 done, 1 a ReelError (printed as ``reel: <message>``, never a traceback),
2 a usage or configuration error.
"""

from __future__ import annotations

import importlib
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import IO, Any

import click

from reel_tui import __version__
from reel_tui.cli import EXIT_ERROR, EXIT_USAGE
from reel_tui.commands.context import RunContext, open_tui, pass_run
from reel_tui.engine.errors import ConfigError, ReelError
from reel_tui.locations import resolve

COMMAND_MODULES: dict[str, str] = {
    "demo": "reel_tui.commands.demo",
    "doctor": "reel_tui.commands.doctor",
    "download": "reel_tui.commands.downloads",
    "downloads": "reel_tui.commands.downloads",
    "ls": "reel_tui.commands.library",
    "match": "reel_tui.commands.match",
    "play": "reel_tui.commands.play",
    "show": "reel_tui.commands.library",
    "sources": "reel_tui.commands.sources",
    "sync": "reel_tui.commands.sync",
    "watched": "reel_tui.commands.watched",
}
"""Each command's name and the module defining it (as a function of the same name)."""


def _interrupt_on_hangup_and_terminate() -> None:
    """SIGHUP (an SSH connection that drops) and SIGTERM stop a command as ctrl+c does: a
    download pauses where it is, `reel play` saves the position, a sync leaves the cache as it
    was, and the cache is closed. (The TUI quits on them the normal way: `ReelApp`.)"""

    def as_ctrl_c(number: int, frame: FrameType | None) -> None:
        # Whatever ctrl+c does at this moment: a command may have put its own handler there.
        handler = signal.getsignal(signal.SIGINT)
        if callable(handler):
            handler(signal.SIGINT, frame)
        else:
            raise KeyboardInterrupt

    for number in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(number, as_ctrl_c)


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
    """A click group that turns ReelErrors into clean messages and exit statuses, and
    imports each command of `COMMAND_MODULES` when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in COMMAND_MODULES:
            module = importlib.import_module(COMMAND_MODULES[cmd_name])
            command = getattr(module, cmd_name)
            assert isinstance(command, click.Command)
            self.add_command(command, cmd_name)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        _interrupt_on_hangup_and_terminate()
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
