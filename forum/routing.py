from django.urls import path

from .consumers import PlatformConsumer

websocket_urlpatterns = [path("ws/", PlatformConsumer.as_asgi())]
