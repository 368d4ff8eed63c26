"""refcheck's exceptions.

One item that cannot be handled comes back as a value (a ``Resolution`` with status
``error``, a ``LinkResult`` with status ``network-error``); an exception means the
whole input or the whole run cannot go on. Each service translates its transport
errors into these at its own boundary.
"""


class RefcheckError(Exception):
    """Base class: the message is one line a user can act on."""


class InputError(RefcheckError):
    """The input cannot be read: missing, unreadable, wrong format (exit status 2)."""


class UsageError(RefcheckError):
    """The options contradict each other or are out of range (exit status 2)."""


class OutputError(RefcheckError):
    """A report cannot be written where it was asked for (exit status 2)."""


class ServiceError(RefcheckError):
    """A network service failed as a whole (Crossref unreachable, invalid answers)."""
