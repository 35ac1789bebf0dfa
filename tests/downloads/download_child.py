"""A download run in a child process, for tests that SIGKILL it half way.

    python -m tests.downloads.download_child CACHE_DB FOLDER STREAM_URL TOKEN ITEM_ID RATE

Prints `started` once the transfer is under way, then downloads ITEM_ID at RATE bytes a second
(so the test can kill it mid-file) with the same manager the app uses.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reel_tui.config_schema import NetworkSettings, OfflineSettings
from reel_tui.engine.cache.repository import Repository
from reel_tui.engine.downloads import DownloadManager
from reel_tui.engine.models import Item, Stream


def main(argv: list[str]) -> None:
    cache_db, folder, url, token, item_id, rate = argv

    def resolve(item: Item, quality: str) -> Stream:
        return Stream(url=url, headers={"X-Emby-Token": token})

    repo = Repository.open(Path(cache_db))
    manager = DownloadManager(
        repo,
        Path(folder),
        OfflineSettings(),
        NetworkSettings(timeout_s=5.0),
        resolve,
        max_bytes_per_s=float(rate),
    )
    record = manager.enqueue(item_id)
    print("started", flush=True)
    manager.run(record.id)
    manager.close()
    repo.close()


if __name__ == "__main__":
    main(sys.argv[1:])
