"""The service plus a test-only slow route, to hold requests in flight during shutdown tests."""

import time

from flask import request

from service import create_app as create_service


def create_app():
    app = create_service()

    @app.get("/_test/sleep")
    def sleep():
        time.sleep(float(request.args.get("s", "2")))
        return {"slept": True}

    return app
