"""The one error of a whole imported file (as opposed to one of its rows)."""


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message (Chinese) says why. Nothing is applied."""
