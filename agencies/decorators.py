from functools import wraps

from django.core.exceptions import PermissionDenied

from agencies import access


def role_required(*roles):
    """Refuse (403) a signed-in user who holds none of `roles`; login itself is the middleware's job."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not access.has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_roles = frozenset(roles)
        return wrapper

    return decorator
