"""esi-helper: a cited, offline coding helper for epidural steroid injection billing."""

__version__ = "0.1.0"
