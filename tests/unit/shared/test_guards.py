from __future__ import annotations

import pytest

from domains.shared.errors import NotFound, PreconditionFailed
from domains.shared.guards import check_version, found


def test_found_returns_the_entity_and_raises_not_found_for_none() -> None:
    assert found("x", "thing") == "x"
    assert found(0, "zero") == 0  # falsy but present
    with pytest.raises(NotFound, match=r"^widget not found$"):
        found(None, "widget")


def test_check_version_passes_when_unasked_or_current_and_fails_when_stale() -> None:
    check_version(None, 7, "widget")
    check_version(7, 7, "widget")
    check_version(0, 0, "setting")  # If-Match "0": only while nothing exists
    with pytest.raises(PreconditionFailed, match="widget changed since you read it"):
        check_version(6, 7, "widget")
