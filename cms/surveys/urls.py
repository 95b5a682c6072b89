"""The survey pages' addresses, included by ``cms.urls``."""

from .views import answering, authoring, results

urlpatterns = [*authoring.urlpatterns, *answering.urlpatterns, *results.urlpatterns]
