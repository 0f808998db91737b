"""Errors a user can fix. The CLI prints their message as one line and exits with code 1."""


class BitextError(Exception):
    """A problem with the user's input or environment, phrased as what to do about it."""


class InputError(BitextError):
    pass


class ModelNotAvailable(BitextError):
    pass
