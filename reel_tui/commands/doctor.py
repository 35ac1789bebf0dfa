"""`reel doctor [--repair] [--json]`: what works here, and what to do about what does not.

The engine's checks come from ``reel_tui.engine.doctor``; the player checks are added here,
because the engine may not import the players. Exit status 1 when a check fails.
"""

from __future__ import annotations

import sys

import click

from reel_tui.commands.context import RunContext, pass_run, print_json
from reel_tui.config_schema import Config
from reel_tui.engine.doctor import Check, CheckStatus, check_cache, run_checks

_MARKS = {CheckStatus.OK: "ok  ", CheckStatus.WARN: "warn", CheckStatus.FAIL: "FAIL"}
_COLOURS = {CheckStatus.OK: "green", CheckStatus.WARN: "yellow", CheckStatus.FAIL: "red"}


@click.command()
@click.option("--repair", is_flag=True, help="Repair a damaged cache, keeping what can be kept.")
@click.option("--yes", "-y", is_flag=True, help="Repair without asking first.")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as one JSON document.")
@pass_run
def doctor(run: RunContext, repair: bool, yes: bool, as_json: bool) -> None:
    """Check the config, data folder, cache, players, keyring, terminal and display."""
    locations = run.locations
    config, checks = run_checks(locations, on_tty=sys.stdout.isatty())
    checks[3:3] = player_checks(config)
    if repair:
        checks = _repair(run, checks, yes=yes, quiet=as_json)
    if as_json:
        failed = any(c.status is CheckStatus.FAIL for c in checks)
        print_json({"ok": not failed, "checks": [c.to_json() for c in checks]})
    else:
        _print_checks(checks)
    if any(c.status is CheckStatus.FAIL for c in checks):
        raise click.exceptions.Exit(1)


def player_checks(config: Config) -> list[Check]:
    """One check per player backend, and whether `playback.player` can be honoured."""
    from reel_tui.player.choose import available_players

    found = available_players()
    checks = [
        Check(f"player {name}", CheckStatus.OK if p.available else CheckStatus.WARN, p.reason)
        for name, p in found.items()
    ]
    usable = {name for name, p in found.items() if p.available}
    wanted = config.playback.player
    # "mpv" is honoured by libmpv in-process or by the mpv program over IPC.
    accepted = {"auto": set(found), "mpv": {"mpv", "mpv-ipc"}}.get(wanted, {wanted})
    if not usable:
        checks.append(
            Check("players", CheckStatus.FAIL, "no usable player: install libmpv2 or GStreamer")
        )
    elif not usable & accepted:
        checks.append(
            Check("players", CheckStatus.FAIL, f"playback.player = {wanted!r} is not usable here")
        )
    return checks


def _repair(run: RunContext, checks: list[Check], *, yes: bool, quiet: bool) -> list[Check]:
    """Repair the cache if its check failed, after the user agrees."""
    cache_db = run.locations.cache_db
    failed = [c for c in checks if c.name == "cache" and c.status is CheckStatus.FAIL]
    if not failed:
        if not quiet:
            click.echo("The cache is healthy: nothing to repair.", err=True)
        return checks
    if not yes:
        if not sys.stdin.isatty():
            raise click.UsageError("--repair needs --yes when not run on a terminal")
        click.confirm(
            f"Repair {cache_db}? A copy of the damaged file is kept next to it.",
            abort=True,
            err=True,
        )
    from reel_tui.engine.cache.repair import repair_cache

    report = repair_cache(cache_db)
    if not quiet:
        click.echo(report.describe(), err=True)
    return [check_cache(run.locations) if c.name == "cache" else c for c in checks]


def _print_checks(checks: list[Check]) -> None:
    width = max(len(c.name) for c in checks)
    for check in checks:
        mark = click.style(_MARKS[check.status], fg=_COLOURS[check.status], bold=True)
        click.echo(f"{mark}  {check.name.ljust(width)}  {check.detail}")
    failed = sum(c.status is CheckStatus.FAIL for c in checks)
    warned = sum(c.status is CheckStatus.WARN for c in checks)
    if failed:
        click.echo(f"\n{failed} check(s) failed, {warned} warning(s).")
    elif warned:
        click.echo(f"\nAll needed parts work; {warned} warning(s).")
    else:
        click.echo("\nEverything works.")
