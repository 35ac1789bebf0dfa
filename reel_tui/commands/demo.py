"""`reel demo`: build the sample library, add it as a source, sync it and open the TUI."""

from __future__ import annotations

import sys

import click

from reel_tui.commands.context import RunContext, open_tui, pass_run


@click.command()
@click.option("--no-tui", is_flag=True, help="Only build, add and sync the sample library.")
@pass_run
def demo(run: RunContext, no_tui: bool) -> None:
    """Build a sample library of short clips in the data folder and open the TUI on it."""
    from reel_tui.engine.demo import prepare_demo

    engine = run.engine
    click.echo(f"Building the demo library in {engine.locations.demo_dir} ...", err=True)
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("Making clips", total=None)

            def show_step(done: int, total: int, _relative: str) -> None:
                bar.update(task, completed=done, total=total)

            source, build, result = prepare_demo(engine, build_progress=show_step)
    else:
        source, build, result = prepare_demo(engine)
    made = f"{build.made} files made, {build.reused} reused"
    click.echo(
        f"{source.name} ({source.id}): {made}; {result.items_total} items in the library",
        err=True,
    )
    if not no_tui:
        open_tui(run)
