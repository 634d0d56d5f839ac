"""Errors a user can cause; the CLI prints their message and exits with code 1.

Kept in a module of their own so that catching them imports nothing heavy.
"""


class StanceError(ValueError):
    """Base class: the message names the file, row or option and what to do."""


class InputError(StanceError):
    """An input document cannot be read."""


class LabelError(StanceError):
    """Label files cannot be used."""


class ModelError(StanceError):
    """A model folder cannot be used."""


class OutputError(StanceError):
    """An output cannot be written where the user asked (permissions, an input in the way)."""


class OutputExistsError(FileExistsError):
    """An output exists and the user did not ask to replace it."""
