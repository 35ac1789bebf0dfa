"""Plex: plex.tv sign-in and discovery, address selection, library sync, playback reports.

Modules, from the wire up:

- ``client``: the X-Plex-* headers, JSON requests to a server or plex.tv, XML tolerated;
- ``plextv``: PINs, the account, its servers (resources) and their connections;
- ``address``: probing a server's addresses in parallel and choosing one;
- ``server_address``: the client on a source's chosen address, chosen again (plex.tv asked
  again) when it fails, so a server that moved is followed; the source's token keys;
- ``mapping``: Plex metadata -> ``engine.models`` items, progress and markers;
- ``library_sync``: full and incremental syncs into the cache;
- ``backend``: ``PlexBackend``, the ``MediaBackend`` of one Plex server source;
- ``signin``: turning an account or a URL + token into sources.
"""
