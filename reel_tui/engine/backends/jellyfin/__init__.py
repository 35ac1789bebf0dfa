"""Jellyfin servers as sources: sign-in, sync into the cache, playback and progress reports.

Parts: `client` (HTTP with the MediaBrowser auth header and the engine's errors), `signin`
(password and Quick Connect, the device id, adding the source), `convert` (BaseItemDto ->
engine.models), `library_sync` (full and incremental sync), `backend` (the MediaBackend).
"""
