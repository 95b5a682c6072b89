"""The Content-Security-Policy header (django-csp, config/csp.py) on site, admin and error
responses; file responses keep their own sandbox policy. The browser side: tests/e2e/test_csp.py.
"""

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path

from config import urls as project_urls
from config.csp import ContentSecurityPolicyMiddleware
from forum import uploads
from tests.helpers.cast import client_for


def _broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("kaputt/", _broken), path("", include(project_urls))]


def directives(response) -> dict[str, set[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        parsed[name] = set(sources)
    return parsed


def assert_site_policy(response) -> None:
    policy = directives(response)
    assert policy["default-src"] == {"'self'"}
    assert policy["script-src"] == {"'self'"}
    assert policy["style-src"] == {"'self'"}
    assert policy["img-src"] == {"'self'", "data:"}
    assert policy["connect-src"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert policy["object-src"] == {"'none'"}
    assert policy["base-uri"] == {"'self'"}
    assert policy["form-action"] == {"'self'"}
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/konto/login/", "/fallstudien/feed/"])
def test_site_responses_carry_the_policy(client, home_page, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_site_policy(response)


def test_forum_pages_carry_the_policy(client, cast, forum):
    response = client_for(client, cast.user("member")).get("/forum/")
    assert response.status_code == 200
    assert_site_policy(response)


@pytest.mark.django_db
def test_not_found_page_carries_the_policy(client, home_page):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert_site_policy(response)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_server_error_page_carries_the_policy(home_page):
    response = Client(raise_request_exception=False).get("/kaputt/")
    assert response.status_code == 500
    assert_site_policy(response)


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_admin_pages_carry_the_policy_with_inline_styles_only(client, cast, home_page, role):
    response = client_for(client, cast.user(role)).get("/admin/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == {"'self'"}
    # Draftail adds <style> elements at run time: the admin allows inline styles, no more.
    assert policy["style-src"] == {"'self'", "'unsafe-inline'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def _through_middleware(response: HttpResponse, *, path: str = "/", **request_attrs):
    request = RequestFactory().get(path)
    for name, value in request_attrs.items():
        setattr(request, name, value)
    return ContentSecurityPolicyMiddleware(lambda request: response)(request)


def test_a_response_that_allows_same_origin_framing_gets_frame_ancestors_self():
    response = HttpResponse("preview")
    response["X-Frame-Options"] = "SAMEORIGIN"
    assert directives(_through_middleware(response))["frame-ancestors"] == {"'self'"}


def test_a_response_with_its_own_policy_keeps_it(tmp_path):
    file = tmp_path / "bericht.pdf"
    file.write_bytes(b"%PDF-1.4 demo")
    response = uploads.file_response(file.open("rb"), content_type="application/pdf")
    policy = _through_middleware(response)["Content-Security-Policy"]
    assert policy == "default-src 'none'; sandbox"


def test_wagtails_preview_request_is_left_to_the_real_response():
    """Wagtail runs a made-up request through the middleware inside its preview view; the
    preview view's own response gets the policy (with frame-ancestors 'self')."""
    response = _through_middleware(HttpResponse("page"), is_dummy=True)
    assert "Content-Security-Policy" not in response
