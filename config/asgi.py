"""One ASGI application for HTTP and websockets."""

import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.proxy import TrustedProxyMiddleware  # noqa: E402
from forum.routing import websocket_urlpatterns  # noqa: E402

# Everything loaded so far lives as long as the process: move it out of the garbage
# collector's generations, so full collections stay short (they delayed websocket fan-out
# by 100+ ms per collection, and held up one page request in ten by 150+ ms; see
# bench/README.md). The URL configuration imports every view module: load it first.
import_module(settings.ROOT_URLCONF)
gc.collect()
gc.freeze()

# Outermost: every protocol sees the client's address, not the reverse proxy's.
application = TrustedProxyMiddleware(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)
