"""Choosing which of a server's addresses to use.

A Plex server is often reachable several ways: on the local network, through its public
address, through Plex's relay; plex.tv also keeps stale addresses that lead nowhere, or to a
port that accepts and never answers. Every address is probed at once (`GET /identity`, no
token: a stale local address may be somebody else's machine) with a short timeout, and the
best that answered wins: local before remote before relay, https before http, then the
fastest. The choice does not wait for slow or hanging addresses once nothing still pending
could beat the best answer so far.

The last good address is re-checked alone first (about a second) so a reconnect costs one
request when nothing moved.
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import httpx

from reel_tui.config_schema import NetworkSettings
from reel_tui.engine.backends.plex.client import PlexClient, decode
from reel_tui.engine.backends.plex.plextv import Connection
from reel_tui.engine.errors import ReelError, SourceUnavailableError
from reel_tui.engine.http import redact

PROBE_TIMEOUT_S = 1.5
"""How long one address may take to answer a probe."""
RECHECK_TIMEOUT_S = 1.0
"""How long the last good address gets before the others are tried."""

_KIND_RANK = {"local": 0, "remote": 1, "relay": 2}


@dataclass(frozen=True, slots=True)
class Probe:
    """How one address answered."""

    connection: Connection
    latency_ms: float | None = None
    """None when it did not answer as the server we want."""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.latency_ms is not None


@dataclass(frozen=True, slots=True)
class ChosenAddress:
    """The address in use, how fast it answered and when it was tested."""

    uri: str
    kind: str
    latency_ms: float
    tested_at: float


def rank(connection: Connection) -> tuple[int, int]:
    """Smaller is better: local < remote < relay, then https < http."""
    secure = 0 if connection.uri.lower().startswith("https://") else 1
    return (_KIND_RANK[connection.kind], secure)


def probe(
    settings: NetworkSettings,
    connection: Connection,
    *,
    client_id: str,
    machine_id: str | None,
    timeout_s: float = PROBE_TIMEOUT_S,
) -> Probe:
    """Ask one address who it is; it must be the server `machine_id` (if given)."""
    no_retries = replace(settings, retries=0)
    try:
        with PlexClient(
            no_retries,
            connection.uri,
            client_id=client_id,
            token=None,
            what=f"Plex server at {connection.uri}",
            timeout_s=timeout_s,
            # Loading the CA bundle costs tens of ms per probe; a plain-http probe sends no
            # token and reads only the server's identity.
            verify=connection.uri.lower().startswith("https://"),
        ) as client:
            # Timed from here: making the client (its TLS context) is not the link's latency.
            started = time.perf_counter()
            response = client.request("GET", "/identity")
            latency_ms = (time.perf_counter() - started) * 1000.0
            document = decode(response, client.what)
    except ReelError as exc:
        return Probe(connection, error=str(exc))
    except (httpx.HTTPError, ValueError) as exc:  # an address that is not even a URL
        return Probe(connection, error=redact(str(exc)) or type(exc).__name__)
    found = document.get("MediaContainer", {}) if isinstance(document, dict) else {}
    answered_id = found.get("machineIdentifier") if isinstance(found, dict) else None
    if machine_id and answered_id != machine_id:
        return Probe(connection, error=f"{connection.uri} is another server ({answered_id})")
    return Probe(connection, latency_ms=latency_ms)


def _best(probes: Sequence[Probe]) -> Probe | None:
    good = [p for p in probes if p.ok]
    if not good:
        return None
    return min(good, key=lambda p: (rank(p.connection), p.latency_ms or 0.0))


def probe_all(
    settings: NetworkSettings,
    connections: Sequence[Connection],
    *,
    client_id: str,
    machine_id: str | None,
    timeout_s: float = PROBE_TIMEOUT_S,
) -> list[Probe]:
    """Probe every address in parallel; returns as soon as the best answer is known.

    Addresses still pending when it returns are left to time out on their own threads.
    """
    if not connections:
        return []
    pool = concurrent.futures.ThreadPoolExecutor(
        max_workers=len(connections), thread_name_prefix="reel-plex-probe"
    )
    futures = {
        pool.submit(
            probe,
            settings,
            connection,
            client_id=client_id,
            machine_id=machine_id,
            timeout_s=timeout_s,
        ): connection
        for connection in connections
    }
    done: list[Probe] = []
    pending = set(futures)
    deadline = time.monotonic() + timeout_s + 0.5
    try:
        while pending:
            finished, pending = concurrent.futures.wait(
                pending,
                timeout=max(0.0, deadline - time.monotonic()),
                return_when=concurrent.futures.FIRST_COMPLETED,
            )
            if not finished:
                break  # the deadline passed
            done.extend(f.result() for f in finished)
            best = _best(done)
            if best is not None and all(rank(futures[f]) >= rank(best.connection) for f in pending):
                break
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    answered = {p.connection for p in done}
    done.extend(Probe(c, error="no answer in time") for c in connections if c not in answered)
    return done


def choose_address(
    settings: NetworkSettings,
    connections: Sequence[Connection],
    *,
    client_id: str,
    machine_id: str | None,
    last_good: str | None = None,
    server_name: str = "the Plex server",
) -> ChosenAddress:
    """The address to use now (SourceUnavailableError when none answers)."""
    if last_good:
        previous = next((c for c in connections if c.uri == last_good), Connection(last_good))
        checked = probe(
            settings,
            previous,
            client_id=client_id,
            machine_id=machine_id,
            timeout_s=RECHECK_TIMEOUT_S,
        )
        if checked.ok:
            return _chosen(checked)
        connections = [c for c in connections if c.uri != last_good]
    probes = probe_all(settings, connections, client_id=client_id, machine_id=machine_id)
    best = _best(probes)
    if best is None:
        tried = len(probes) + (1 if last_good else 0)
        raise SourceUnavailableError(
            f"{server_name} cannot be reached at any of its {tried} addresses"
        )
    return _chosen(best)


def _chosen(found: Probe) -> ChosenAddress:
    return ChosenAddress(
        uri=found.connection.uri,
        kind=found.connection.kind,
        latency_ms=round(found.latency_ms or 0.0, 1),
        tested_at=time.time(),
    )
