"""Developer tools for sources: scaffold a new entry, record fixtures, regenerate expected results."""
