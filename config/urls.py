from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import urls as cms_urls
from forum.views import mfa
from forum.views.language import set_language
from workshops import urls as workshops_urls

urlpatterns = [
    # Wagtail's own login would bypass allauth and its second factor.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    # Wagtail's usage views, narrowed to what the viewer may read (cms.admin_views).
    path("admin/", include("cms.admin_views")),
    path("admin/", include(wagtailadmin_urls)),
    path("dokumente/", include(wagtaildocs_urls)),
    # Before allauth's own: these two return to the page that asked for two-factor login.
    path("konto/2fa/totp/activate/", mfa.activate_totp),
    path("konto/2fa/recovery-codes/", mfa.view_recovery_codes),
    path("konto/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("forum.urls")),
    # One namespace for every workshop page, also those cms adds (the public summary proposal).
    path(
        "",
        include(
            (
                workshops_urls.urlpatterns + cms_urls.workshop_urlpatterns,
                workshops_urls.app_name,
            )
        ),
    ),
    # Uploaded CMS files too go through a view that applies the policy (cms.views.serve_media).
    path("", include("cms.urls")),
    path("", include(wagtail_urls)),
]
