"""Server side of Dajian: HTTP API, auth, permissions, storage, jobs and CLI."""
