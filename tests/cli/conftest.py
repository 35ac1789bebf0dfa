"""Fixtures for the command-line tests: real clips laid out as media folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reel_tui.engine.sample_media import make_clip
from tests.cli.helpers import MediaTree


@pytest.fixture(scope="session")
def template_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real 1-second clip, copied under many names by `media_tree`."""
    folder = tmp_path_factory.mktemp("clip")
    return make_clip(folder / "clip.mkv", duration_s=1, size=(64, 36))


@pytest.fixture
def media_tree(template_clip: Path) -> MediaTree:
    """Make a folder holding a real clip at each relative path (.nfo/.txt paths get text)."""

    def make(root: Path, paths: list[str]) -> Path:
        for relative in paths:
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.suffix in (".nfo", ".txt"):
                target.write_text("", encoding="utf-8")
            else:
                shutil.copyfile(template_clip, target)
        return root

    return make
