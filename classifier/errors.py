"""Errors a user can act on, and the exit codes they map to.

Every error pmrole raises on bad input is a :class:`PmroleError`: its message names the file,
row or column and says what to do; the CLI prints it on one line and exits with ``exit_code``.
"""

# Exit codes, documented in README.md ("Exit codes"). Click itself uses 2 for usage errors.
EXIT_OK = 0
EXIT_USAGE = 2
EXIT_INPUT = 3          # an input or output file is missing, unreadable, binary, empty or too large
EXIT_MODEL = 4          # the model is missing, corrupt or was made by an incompatible version
EXIT_ROW_ERRORS = 5     # `score`: every row was written, but some rows carry pmrole_error
EXIT_REGRESSION = 6     # `train`: the new model is worse than the current one; nothing replaced
EXIT_INTERRUPTED = 130  # Ctrl-C
EXIT_PIPE_CLOSED = 141  # the reader of stdout went away (`| head`); 128 + SIGPIPE, as shells report it
EXIT_TERMINATED = 143   # SIGTERM (128 + 15), handled like Ctrl-C: no partial output, workers ended


class PmroleError(Exception):
    """An error caused by the user's input, with a message that says how to fix it."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InputError(PmroleError):
    exit_code = EXIT_INPUT


class UsageError(PmroleError):
    """An option's value that cannot work (e.g. a two-character --delimiter)."""

    exit_code = EXIT_USAGE


class ModelError(PmroleError):
    exit_code = EXIT_MODEL


class RegressionRefused(PmroleError):
    exit_code = EXIT_REGRESSION


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is (as Ctrl-C is), so every clean-up that Ctrl-C runs
    also runs for ``kill``: temporary files removed, worker processes ended."""
