from agencies import access


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "portal_is_hr": access.is_hr(user),
        "portal_can_use_admin": access.can_use_admin(user),
        "portal_employee": access.own_employee(user),
    }
