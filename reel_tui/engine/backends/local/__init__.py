"""The local-files backend: folders of videos as a library.

- ``backend``: `LocalBackend`, the `MediaBackend` of a folder (sync and play).
- ``local_sync``: one sync run: walk, compare with the file index, parse, group, write.
- ``scanner``: the folder walk (videos, NFOs, disc structures, problems as ScanIssues).
- ``naming*``: reading a path as a movie, an episode, an extra or a sample.
- ``grouping*``: parsed files -> movies, shows/seasons/episodes and extras, with stable ids.
- ``index_codec``: how parses and NFO readings are kept in the file index.
- ``watcher``: `FolderWatcher`, which asks for a re-sync when a folder changes.
"""
