"""PasswordHasher over Django's hashers (PASSWORD_HASHERS decides the algorithm)."""

from __future__ import annotations

from django.contrib.auth.hashers import check_password, make_password


class DjangoPasswordHasher:
    def hash(self, password: str) -> str:
        return make_password(password)

    def verify(self, password: str, encoded: str) -> bool:
        return check_password(password, encoded)

    def dummy_verify(self) -> None:
        make_password("timing-equaliser")
