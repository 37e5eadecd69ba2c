"""Who is acting: every write of a sensitive record names its actor.

A web request acts as its signed-in user (ActorMiddleware); a task, a command or the demo loader
says who it is with `acting_as("task:…")`. A sensitive write with no actor is refused rather than
recorded as nobody's.
"""
import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

_current = contextvars.ContextVar("eap_actor", default=None)


class MissingActor(RuntimeError):
    pass


@dataclass(frozen=True)
class Actor:
    user: object = None     # a User, when a person acts
    label: str = ""         # a system actor: "task:send_duty_reminders", "command:rotate_keys"
    ip_address: str = None
    path: str = ""

    def __str__(self):
        return self.label or getattr(self.user, "username", "")


@contextmanager
def acting_as(who, *, ip_address=None, path=""):
    actor = who if isinstance(who, Actor) else (
        Actor(label=who) if isinstance(who, str) else Actor(user=who, ip_address=ip_address, path=path))
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def current_actor(required=True):
    actor = _current.get()
    if actor is None and required:
        raise MissingActor("A sensitive record was written with no actor: wrap the work in acting_as(...).")
    return actor


def client_address(request):
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request)


class ActorMiddleware:
    """Every request acts as its user, from the address django-axes trusts (EAP_PROXY_COUNT)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        with acting_as(user, ip_address=client_address(request), path=request.path):
            return self.get_response(request)
