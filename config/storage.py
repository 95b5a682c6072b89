"""Static files in production: hashed names, cached for good, also between JavaScript modules.

Django rewrites the paths in ``import … from "./live/socket.js"`` to hashed names only when
``support_js_module_import_aggregation`` is set. Without it a new ``live.js`` would load its
modules by their plain names, which browsers may have cached from the release before.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
