"""gilgo's JupyterLab: JupyterLab 3.6's web app (built from npm into build/
by webpack, see README.md) served by Debian's jupyter_server and
jupyterlab_server, in the pattern of JupyterLab's examples/app.

    /usr/bin/python3 lab/main.py --notebook-dir=notebooks [--port=8888] [--allow-root]

Settings and workspaces live in $GILGO_LAB_STATE (default
~/.local/share/gilgo/lab), outside build/, so that a rebuild keeps them.
"""

import json
import os

from jupyter_server.base.handlers import APIHandler
from jupyterlab_server import LabServerApp
from tornado import web

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "build")
STATE = os.environ.get("GILGO_LAB_STATE") or os.path.join(
    os.path.expanduser("~"), ".local", "share", "gilgo", "lab")
MATHJAX = "/usr/share/javascript/mathjax"

# Configuration files on disk must not change this app.
os.environ["JUPYTER_NO_CONFIG"] = "1"

with open(os.path.join(HERE, "package.json")) as fid:
    VERSION = json.load(fid)["version"]


class MeHandler(APIHandler):
    """/api/me, which JupyterLab 3.6 asks for and jupyter_server 1.x lacks."""

    @web.authenticated
    def get(self):
        name = self.current_user if isinstance(self.current_user, str) else "gilgo"
        self.finish(json.dumps({
            "identity": {"username": name, "name": name, "display_name": name,
                         "initials": name[:1].upper(), "avatar_url": None, "color": None},
            "permissions": {},
        }))


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": GilgoLab}]


class GilgoLab(LabServerApp):
    extension_url = "/lab"
    default_url = "/lab"
    name = __name__
    load_other_extensions = False
    app_name = "JupyterLab (gilgo)"
    app_version = VERSION
    app_settings_dir = os.path.join(BUILD, "application_settings")
    schemas_dir = os.path.join(BUILD, "schemas")
    static_dir = BUILD
    templates_dir = os.path.join(HERE, "templates")
    themes_dir = os.path.join(BUILD, "themes")
    user_settings_dir = os.path.join(STATE, "user_settings")
    workspaces_dir = os.path.join(STATE, "workspaces")

    def initialize_settings(self):
        super().initialize_settings()
        settings = self.serverapp.web_app.settings
        settings["terminals_available"] = False
        if os.path.isdir(MATHJAX):
            # Debian's MathJax 2.7, not a CDN's, with the CommonHTML output:
            # HTML-CSS's web-font probe loads about:blank, which Chromium
            # refuses with a console error.
            settings["mathjax_url"] = "static/gilgo-mathjax/MathJax.js"
            settings["mathjax_config"] = "TeX-AMS_CHTML-full,Safe"

    def initialize_handlers(self):
        super().initialize_handlers()
        self.handlers.append(("/api/me", MeHandler))
        if os.path.isdir(MATHJAX):
            self.handlers.append((r"/static/gilgo-mathjax/(.*)", web.StaticFileHandler, {"path": MATHJAX}))


if __name__ == "__main__":
    GilgoLab.launch_instance()
