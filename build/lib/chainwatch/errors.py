"""Errors that the command line reports as one line and a non-zero exit code."""


class ChainWatchError(Exception):
    """A failure a user can act on; str(exc) is the one-line message."""

    exit_code = 1


class DatabaseUnavailable(ChainWatchError):
    """The configured database cannot be reached."""

    exit_code = 3
