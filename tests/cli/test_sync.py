"""`reel sync --json` as a real subprocess: every source's result or its error, one document."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.cli.helpers import MediaTree, reel_json, run_reel
from tests.servers.jellyfin import running_jellyfin_server


def _add_jellyfin(url: str) -> dict[str, Any]:
    result = run_reel(
        "sources", "add", "jellyfin", url, "--username", "alice", "--password-stdin", "--json",
        input_text="wonderland\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_a_failing_source_is_named_in_the_json_with_its_error(
    tmp_path: Path, media_tree: MediaTree
) -> None:
    # A refused connection is not retried for long: the server is simply gone.
    Path(os.environ["REEL_CONFIG"]).write_text("[network]\nretries = 0\ntimeout_s = 2\n")
    with running_jellyfin_server(items=4) as server:
        jellyfin = _add_jellyfin(server.url)
        reel_json("sync", jellyfin["id"])
    folder = media_tree(tmp_path / "media", ["Movies/Blue Harbour (2015).mkv"])
    local = reel_json("sources", "add", "local", str(folder), "--name", "Films")

    alone = run_reel("sync", jellyfin["id"], "--json")
    assert alone.returncode == 1
    [failed] = json.loads(alone.stdout)
    assert failed["source_id"] == jellyfin["id"]
    assert failed["name"] == jellyfin["name"]
    assert failed["error_kind"] == "source_unavailable"
    assert "cannot be reached" in failed["error"] or "did not answer" in failed["error"]
    assert failed["error"] in alone.stderr

    both = run_reel("sync", "--json")
    assert both.returncode == 1
    by_source = {entry["source_id"]: entry for entry in json.loads(both.stdout)}
    assert set(by_source) == {jellyfin["id"], local["id"]}
    assert by_source[jellyfin["id"]]["error_kind"] == "source_unavailable"
    assert by_source[local["id"]]["items_total"] == 1
    assert "error" not in by_source[local["id"]]


def test_a_good_sync_json_has_no_error_fields(tmp_path: Path, media_tree: MediaTree) -> None:
    folder = media_tree(tmp_path / "media", ["Movies/Blue Harbour (2015).mkv"])
    local = reel_json("sources", "add", "local", str(folder))
    [result] = reel_json("sync", local["id"])
    assert result["source_id"] == local["id"]
    assert result["added"] == 1
    assert not {"error", "error_kind"} & set(result)
