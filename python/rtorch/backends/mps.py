"""``rtorch.backends.mps``: Apple's Metal backend, which rtorch does not have (its queries answer ``False``)."""

__all__ = ["is_available", "is_built", "is_macos_or_newer", "is_macos13_or_newer"]


def is_available():
    """Returns ``False``: rtorch has no MPS (Apple Metal) backend."""
    return False


def is_built():
    """Returns ``False``: rtorch is not built with MPS support."""
    return False


def is_macos_or_newer(major, minor):
    """Returns ``False``: there is no MPS device whose macOS version could be checked.

    Args:
        major (int): the macOS major version.
        minor (int): the macOS minor version.
    """
    return False


def is_macos13_or_newer(minor=0):
    """Returns ``False``: there is no MPS device whose macOS version could be checked.

    Args:
        minor (int, optional): the macOS 13 minor version.
    """
    return False
