"""results"""

urlpatterns: list = []
