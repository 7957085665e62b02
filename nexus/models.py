"""The admin's user class: Django needs a user model, never a table (DATABASES stays empty).

`AUTH_USER_MODEL` points here. The class is unmanaged and never queried or saved: the
authentication backend builds instances from the identity context's users. It has no
`last_login`, so Django does not connect `update_last_login` (which would save it), and its
primary key is the user's string id, which `login()` stores in the session as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import models
from django.utils.crypto import salted_hmac

from domains.identity.model import User


class StaffUser(models.Model):
    id = models.CharField(primary_key=True, max_length=26)
    email = models.CharField("e-mail", max_length=254, unique=True)
    display_name = models.CharField(max_length=120)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    is_anonymous = False
    is_authenticated = True
    password_hash = ""

    class Meta:
        managed = False
        app_label = "nexus"
        db_table = "never_queried_staff_user"

    @classmethod
    def of(cls, user: User) -> StaffUser:
        staff = cls(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            is_staff=user.is_staff,
            is_active=user.is_active,
        )
        staff.password_hash = user.password_hash
        return staff

    def __str__(self) -> str:
        return self.email

    def get_username(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    def has_usable_password(self) -> bool:
        """False hides Django's password-change link: passwords change through the API."""
        return False

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return self.is_active and self.is_staff

    def has_perms(self, perms: Any, obj: Any = None) -> bool:
        return self.has_perm("")

    def has_module_perms(self, app_label: str) -> bool:
        return self.has_perm("")

    def get_session_auth_hash(self) -> str:
        """Changes with the password, so a new password ends every admin session."""
        return salted_hmac(
            "nexus.admin.session", f"{self.id}:{self.password_hash}", algorithm="sha256"
        ).hexdigest()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        """Django 5 asks for hashes under former secret keys; we keep none."""
        yield from ()

    def save(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("staff users are changed through the identity services")

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("staff users are changed through the identity services")
