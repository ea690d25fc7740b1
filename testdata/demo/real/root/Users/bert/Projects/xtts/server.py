"""XTTS server."""
