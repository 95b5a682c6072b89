"""answering"""

urlpatterns: list = []
