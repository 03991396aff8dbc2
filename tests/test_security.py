"""Security headers on every kind of answer, and production settings that `check --deploy` finds nothing in."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.web import bearer

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
EXPECTED_HEADERS = {
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
CASEREVIEW = Path(sys.executable).with_name("casereview")


def production_environment(tmp_path) -> dict[str, str]:
    """The environment of a production install: what README's production section asks for, DEBUG unset.

    Built from nothing rather than from this process's environment, which the test harness changes (the
    browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly refuses)."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="reviews.example.gov.uk",
        CSRF_TRUSTED_ORIGINS="https://reviews.example.gov.uk",
        SECURE_SSL_REDIRECT="true",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        CASEREVIEW_VAR_DIR=str(tmp_path),
    )
    return env


def assert_security_headers(response):
    policy = dict(directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";"))
    assert policy == EXPECTED_CSP
    for header, value in EXPECTED_HEADERS.items():
        assert response.get(header) == value, header


@pytest.mark.django_db
def test_a_page_has_every_security_header():
    response = Client().get("/accounts/sign-in/")
    assert response.status_code == 200
    assert_security_headers(response)


def test_an_api_answer_has_every_security_header(manager):
    response = bearer(manager).get("/api/reviews")
    assert response.status_code == 200
    assert_security_headers(response)


def test_an_api_refusal_has_every_security_header(db):
    response = Client().get("/api/reviews")
    assert response.status_code == 401
    assert_security_headers(response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/no-such-page/", "/api/no-such-operation"])
def test_not_found_has_every_security_header(path):
    response = Client().get(path)
    assert response.status_code == 404
    assert_security_headers(response)


def test_an_api_not_found_has_every_security_header(manager):
    response = bearer(manager).get("/api/reviews/999999999")
    assert response.status_code == 404
    assert_security_headers(response)


@pytest.mark.django_db
def test_api_docs_page_loads_only_files_from_its_own_origin_under_the_same_policy():
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert_security_headers(response)
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn." not in html


@pytest.mark.django_db
def test_hsts_is_sent_over_https_when_ssl_redirect_is_on(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    assert Client().get("/accounts/sign-in/").status_code == 301  # plain HTTP is redirected
    response = Client().get("/accounts/sign-in/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_check_deploy_reports_nothing_with_production_environment(tmp_path):
    result = subprocess.run(
        [str(CASEREVIEW), "check", "--deploy", "--fail-level", "DEBUG"],
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_are_secure_and_http_only(tmp_path):
    names = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "DEBUG",
    ]
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**production_environment(tmp_path), "DJANGO_SETTINGS_MODULE": "casereview.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "DEBUG": False,
    }
