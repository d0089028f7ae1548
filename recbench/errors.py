"""The one exception type that reaches users as a plain message instead of a traceback."""


class RecbenchError(Exception):
    """A problem with the user's input or environment.

    The message must name the problem and say how to fix it; the CLI prints it
    as one line (plus hints) and exits with status 2.
    """
