"""What reaches users as a plain message instead of a traceback: one exception type and one warning type."""


class RecbenchError(Exception):
    """A problem with the user's input or environment.

    The message must name the problem and say how to fix it; the CLI prints it
    as one line (plus hints) and exits with status 2.
    """


class RecbenchWarning(UserWarning):
    """Something the user should know that does not stop the run (a file that differs from the
    publisher's, a cache entry rebuilt, a plugin skipped); the CLI prints it as one line."""
