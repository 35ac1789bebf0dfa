"""The error translation every `Repository` method runs under (`guarded`).

Kept apart from ``repository.py`` so that the mixins `Repository` is made of
(``repository_state.py``) wrap their methods the same way.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

import peewee

from reel_tui.engine.cache.db import translate_errors
from reel_tui.engine.errors import SourceNotFoundError


class OpenCache(Protocol):
    """What `guarded` needs of the object whose method it wraps."""

    path: Path
    """The cache file, named in the errors."""


_Cache = TypeVar("_Cache", bound=OpenCache)
_P = ParamSpec("_P")
_R = TypeVar("_R")


def guarded(
    method: Callable[Concatenate[_Cache, _P], _R],
) -> Callable[Concatenate[_Cache, _P], _R]:
    """Report a damaged, locked or full file as CacheCorruptError / CacheLockedError /
    CacheFullError."""

    def wrapper(self: _Cache, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        with translate_errors(self.path):
            try:
                return method(self, *args, **kwargs)
            except (sqlite3.IntegrityError, peewee.IntegrityError) as error:
                # Every foreign key of the cache points at sources.
                if "FOREIGN KEY" not in str(error):
                    raise
                raise SourceNotFoundError(
                    "The source of these rows is not in the cache (was it removed meanwhile?)"
                ) from error

    functools.update_wrapper(wrapper, method)
    return wrapper
