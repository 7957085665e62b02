"""The admin's static files are served by the application itself (WhiteNoise) with DEBUG
off: Django admin's CSS and JavaScript, and the vendored chart library, with no web server
in front and no collectstatic step."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def production(settings):  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    return Client()  # a new handler: its middleware is built with DEBUG off


@pytest.mark.parametrize(
    ("path", "content_type", "marker"),
    [
        ("/static/admin/css/base.css", "text/css", b"DJANGO Admin styles"),
        ("/static/admin/js/core.js", "text/javascript", b"function"),
        ("/static/nexus_admin/chart.umd.min.js", "text/javascript", b"Chart"),
    ],
)
def test_static_files_are_served_with_debug_off(production, path, content_type, marker):  # type: ignore[no-untyped-def]
    response = production.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type
    assert marker in b"".join(response.streaming_content)
    assert "max-age" in response["Cache-Control"]


def test_an_unknown_static_file_is_404_with_debug_off(production):  # type: ignore[no-untyped-def]
    assert production.get("/static/admin/css/missing.css").status_code == 404
