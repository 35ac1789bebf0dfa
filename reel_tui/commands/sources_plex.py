"""`reel sources add plex [--pin | --token-stdin]` and `reel sources add plex-server URL`.

A plex.tv account adds one source per server it can use (owned or shared), each with the
address chosen for it; a single server is added by its URL and an access token. Tokens are
read from stdin, never from the command line (where `ps` would show them), and are kept in
the secret store.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from reel_tui.commands.context import RunContext, pass_run, print_json
from reel_tui.commands.formatting import source_json
from reel_tui.engine.errors import SyncCancelled

if TYPE_CHECKING:
    from reel_tui.engine.backends.plex.signin import AddedServer


def _read_token() -> str:
    token = sys.stdin.readline().strip()
    if not token:
        raise click.UsageError("no token on stdin (pipe it in: `... --token-stdin < token.txt`)")
    return token


def _added_json(added: AddedServer) -> dict[str, Any]:
    document = source_json(added.source, 0)
    address = added.address
    document["address"] = address.uri if address else None
    document["address_kind"] = address.kind if address else None
    document["latency_ms"] = address.latency_ms if address else None
    document["error"] = added.error or None
    return document


def _describe(added: AddedServer) -> str:
    source = added.source
    verb = "Added" if added.new else "Signed in again to"
    owner = source.settings.get("owner")
    shared = f", shared by {owner}" if owner else ""
    address = added.address
    if address is None:
        where = f"no address answers now ({added.error})"
    else:
        where = f"{address.uri} ({address.kind}, {address.latency_ms:.0f} ms)"
    return f"{verb} {source.id} ({source.name}{shared}): {where}"


@click.command("plex")
@click.option("--pin", "use_pin", is_flag=True, help="Sign in at plex.tv/link with a code.")
@click.option("--token-stdin", is_flag=True, help="Read a plex.tv account token from stdin.")
@click.option("--json", "as_json", is_flag=True, help="Print the added sources as JSON.")
@pass_run
def add_plex(run: RunContext, use_pin: bool, token_stdin: bool, as_json: bool) -> None:
    """Sign in to a plex.tv account and add each of its servers as a source.

    Without options, signs in with a PIN: open the link shown, type the code, and wait
    here (Ctrl-C cancels).
    """
    from reel_tui.engine.backends.plex import signin

    if use_pin and token_stdin:
        raise click.UsageError("choose --pin or --token-stdin, not both")
    engine = run.engine
    if token_stdin:
        token = _read_token()
    else:
        pin = signin.start_pin(engine)
        try:
            # With --json, stdout carries the one JSON document: the prompt goes to stderr.
            click.echo(f"Open {pin.link_url} and enter the code: {pin.code}", err=as_json)
            click.echo("Waiting for the code to be linked (Ctrl-C cancels)...", err=as_json)
            token = signin.wait_for_pin(engine, pin)
        except (KeyboardInterrupt, SyncCancelled):
            click.echo("Sign-in cancelled.", err=True)
            raise click.exceptions.Exit(130) from None
    added = signin.add_account(engine, token)
    if as_json:
        print_json([_added_json(a) for a in added])
        return
    if not added:
        click.echo("Signed in, but the account has no servers.")
        return
    for entry in added:
        click.echo(_describe(entry))
    click.echo("Run `reel sync` to read their libraries, or open `reel`.")


@click.command("plex-server")
@click.argument("url")
@click.option("--token-stdin", is_flag=True, help="Read the server's access token from stdin.")
@click.option("--name", help="Name shown in the app (default: the server's own name).")
@click.option("--json", "as_json", is_flag=True, help="Print the new source as JSON.")
@pass_run
def add_plex_server(
    run: RunContext, url: str, token_stdin: bool, name: str | None, as_json: bool
) -> None:
    """Add the Plex server at URL with an access token (no plex.tv account needed)."""
    from reel_tui.engine.backends.plex import signin

    if not token_stdin:
        raise click.UsageError("pass the server's token on stdin with --token-stdin")
    token = _read_token()
    added = signin.add_server(run.engine, url, token, name=name)
    if as_json:
        print_json(_added_json(added))
        return
    click.echo(_describe(added))
    click.echo(f"Run `reel sync {added.source.id}` to read it, or open `reel`.")
