"""Service graph."""
