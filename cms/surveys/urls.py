"""The survey pages' addresses, included by ``cms.urls``."""

from .views import answering, authoring, questions, results

urlpatterns = [
    *authoring.urlpatterns,
    *questions.urlpatterns,
    *answering.urlpatterns,
    *results.urlpatterns,
]
