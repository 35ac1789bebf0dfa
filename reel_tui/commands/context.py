"""What every command shares: the run's paths, its config and its engine, made on first use.

`reel --help` or `reel doctor` must work with a broken config or cache, so nothing is loaded
before a command asks for it. The engine is opened at most once per run and closed when the
command ends.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from reel_tui.config import load_config
from reel_tui.config_schema import Config
from reel_tui.locations import Locations

if TYPE_CHECKING:
    from reel_tui.engine.engine import Engine
    from reel_tui.player.session import PlaybackSession

F = TypeVar("F", bound=Callable[..., Any])


class RunContext:
    """The paths, config and engine of one command-line run."""

    def __init__(self, locations: Locations) -> None:
        self.locations = locations
        """Where the config file and the data live for this run."""
        self._config: Config | None = None
        self._engine: Engine | None = None
        self._log_handler: logging.Handler | None = None

    @property
    def config(self) -> Config:
        """The loaded config (ConfigError if the file is broken)."""
        if self._config is None:
            self._config = load_config(self.locations.config_file)
        return self._config

    @property
    def engine(self) -> Engine:
        """The engine, opened on first use (CacheError if the cache cannot be used)."""
        if self._engine is None:
            from reel_tui.engine.engine import Engine

            config = self.config
            engine = Engine.open(config, self.locations)
            self._engine = engine
            self._start_logging(config)
        return self._engine

    def close(self) -> None:
        """Close the engine (if it was opened) and the log file."""
        engine, self._engine = self._engine, None
        try:
            if engine is not None:
                engine.close()
        finally:
            if self._log_handler is not None:
                logging.captureWarnings(False)
                logging.getLogger().removeHandler(self._log_handler)
                self._log_handler.close()
                self._log_handler = None

    def _start_logging(self, config: Config) -> None:
        """Log to the data folder's reel.log: never to the terminal, which the TUI owns."""
        handler = logging.FileHandler(self.locations.log_file, encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(config.general.log_level.upper())
        # Library warnings (watchdog's inotify races, GStreamer's) would otherwise be printed
        # over the TUI's screen: they go to the log with everything else.
        logging.captureWarnings(True)
        self._log_handler = handler


def open_tui(run: RunContext) -> None:
    """Run the Textual app on this run's engine until the user quits.

    The playback session is made once the first screen is shown, and makes its player on the
    first Play, from the `playback` settings, so a missing player library or an unusable
    display only shows as a message when playing.

    The garbage collector waits until the first screen is shown: the start makes a few
    hundred thousand objects that live as long as the app (modules, classes, styles, widgets)
    and would otherwise walk them all, over and over, for about a tenth of the start. Once the
    first screen is up they are frozen (never walked again, which also keeps later full
    collections short while scrolling) and collecting resumes.
    """
    gc.disable()
    try:
        _open_tui(run)
    finally:
        gc.enable()


def _open_tui(run: RunContext) -> None:
    setting = run.config.display.images
    # The terminal can be asked what it draws only before Textual starts reading stdin, and a
    # terminal may answer late or never (each question waits up to 0.1 s): the questions are
    # asked on a thread while the cache opens and the UI loads, and answered before it runs.
    asking = _TerminalQuestions(setting)
    asking.start()
    try:
        engine = run.engine
        from reel_tui.app import ReelApp
    finally:
        asking.wait()  # an error of the start itself goes out first, as it is
    asking.raise_error()
    settings = run.config.playback

    def make_session() -> PlaybackSession:
        from reel_tui.player.base import Player
        from reel_tui.player.choose import create_player
        from reel_tui.player.session import PlaybackSession

        def make_player() -> Player:
            return create_player(settings.player, settings.display, settings.fullscreen)

        return PlaybackSession(engine, settings, make_player)

    app = ReelApp(
        engine=engine,
        config=run.config,
        session_factory=make_session,
        on_first_screen=_resume_collecting,
    )
    try:
        app.run()
    finally:
        if app.session is not None:
            # Saves the position of whatever still plays, and closes the player.
            app.session.close()
    if app.return_code:  # ended by an error Textual showed on the way out
        raise SystemExit(app.return_code)


def _resume_collecting() -> None:
    """What the start made lives on: frozen out of every later collection, which resumes."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class _TerminalQuestions:
    """`image_renderers.prepare` (what the terminal draws) on a thread of its own.

    The thread only waits on the terminal: what it imports is imported before it starts, on
    the calling thread, since two threads importing at once wait on each other's imports.
    """

    def __init__(self, setting: str) -> None:
        self._setting = setting
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._ask, name="reel-terminal-questions")

    def _ask(self) -> None:
        try:
            from reel_tui.widgets.image_renderers import prepare

            prepare(self._setting)
        except BaseException as error:  # handed to the main thread by raise_error()
            self._error = error

    def start(self) -> None:
        import reel_tui.widgets.image_renderers  # noqa: F401 (imported here, not on the thread)

        self._thread.start()

    def wait(self) -> None:
        """Wait for the answers (the terminal is back in its own mode then)."""
        self._thread.join()

    def raise_error(self) -> None:
        """Raise what asking raised, if anything (after `wait`)."""
        if self._error is not None:
            raise self._error


def pass_run(function: F) -> F:
    """Hand the command its RunContext as the first argument."""
    # Imported here: `reel` alone (the TUI) loads no command-line parser at all.
    import click

    return click.pass_obj(function)  # type: ignore[return-value]


def print_json(document: Any) -> None:
    """Write one JSON document to stdout (the --json contract)."""
    import json

    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str))
    sys.stdout.write("\n")


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
