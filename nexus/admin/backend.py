"""Django authentication over the identity context: active staff users only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from domains.shared.errors import Throttled, Unauthenticated
from nexus.container import container
from nexus.models import StaffUser


class StaffBackend:
    """`authenticate` checks the password with the identity services' hasher (throttled like
    the API's login); `get_user` reads the profile once per request, so a deactivated or
    demoted user is out at their next click."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> StaffUser | None:
        if not username or not password:
            return None
        ip = request.META.get("REMOTE_ADDR", "") if request is not None else ""
        try:
            user = container().identity.staff().sign_in(email=username, password=password, ip=ip)
        except (Unauthenticated, Throttled):
            return None
        return StaffUser.of(user)

    def get_user(self, user_id: str) -> StaffUser | None:
        user = container().identity.staff().staff_member(str(user_id))
        return StaffUser.of(user) if user is not None else None
