"""Failures a use case reports to its caller, who turns them into a message for the user."""


class ServiceError(Exception):
    """Base for expected, user-explainable failures."""


class NotAllowed(ServiceError):
    """The viewer's role may not do this."""


class NoTeam(ServiceError):
    """The action needs a team and the viewer has none yet."""


class NotFound(ServiceError):
    """The thing asked for does not exist, or is not visible to the viewer."""
