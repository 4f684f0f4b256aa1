"""The searcher: the Flask app, its JSON API and the command line.

``create_app`` builds the app; nothing runs at import. The index location comes from, in order, the
test config, ``SEARCHER_INDEX_DIR``, ``INDEX_DIR`` in the instance folder's config.py, else
``<instance folder>/index``. The engine (``BACKEND``: whoosh, the default, or opensearch) and the
cluster (``OPENSEARCH_URL``, ``OPENSEARCH_INDEX``) are read the same way (``SEARCHER_BACKEND``, ...).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, Response

from . import engine

# No inline script or style anywhere: the pages load one stylesheet and one script from /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(TEMPLATES),
        static_folder=str(TEMPLATES / "static"),
    )
    app.config.from_mapping(INDEX_DIR=None, BACKEND="whoosh", OPENSEARCH_URL=None, OPENSEARCH_INDEX=None)
    app.config.from_pyfile("config.py", silent=True)
    if os.environ.get("SEARCHER_INDEX_DIR"):
        app.config["INDEX_DIR"] = os.environ["SEARCHER_INDEX_DIR"]
    app.config.update(engine.config_from_environment(app.config))
    if test_config:
        app.config.update(test_config)
    if not app.config["INDEX_DIR"]:
        app.config["INDEX_DIR"] = os.path.join(app.instance_path, "index")

    from . import api, cli, commands, downloads, entity_commands, entity_pages, story_commands, views

    @app.after_request
    def security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    app.register_blueprint(views.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(downloads.blueprint)
    app.register_blueprint(entity_pages.blueprint)
    app.cli.add_command(cli.index_group)
    app.cli.add_command(entity_commands.entities_group)
    app.cli.add_command(story_commands.stories_group)
    for command in commands.COMMANDS:
        app.cli.add_command(command)
    return app
