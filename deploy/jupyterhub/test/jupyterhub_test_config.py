# JupyterHub configuration for the loopback course test (run.sh sets the
# E2E_* variables). Same course pieces as ../jupyterhub_config.py (the
# notebook-copying pre-spawn hook, the classic Notebook single-user app, the
# kernelspec reaching every student), with test-friendly choices in place of
# the production ones: DummyAuthenticator instead of NativeAuthenticator,
# SimpleLocalProcessSpawner (per-user homes under a temp dir, no limits
# enforced) instead of SystemdSpawner, no idle culler.

import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(here))
from gilgo_course import make_copy_hook  # noqa: E402

c = get_config()  # noqa: F821 (provided by JupyterHub)

e = os.environ
tmp = e["E2E_TMP"]

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(e["E2E_PUBLIC_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(e["E2E_HUB_PORT"])
c.JupyterHub.db_url = "sqlite:///" + os.path.join(tmp, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(tmp, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(tmp, "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

c.ConfigurableHTTPProxy.command = [e["E2E_CHP"], "--log-level", "warn"]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%s" % e["E2E_PROXY_API_PORT"]
c.ConfigurableHTTPProxy.auth_token = e["E2E_PROXY_TOKEN"]
c.ConfigurableHTTPProxy.pid_file = os.path.join(tmp, "proxy.pid")
c.ConfigurableHTTPProxy.should_start = True

c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
c.DummyAuthenticator.password = e["E2E_PASSWORD"]

c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(tmp, "home", "{username}")
c.Spawner.args = ["--allow-root"] if os.geteuid() == 0 else []
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.default_url = "/tree"
c.Spawner.environment = {
    "JUPYTERHUB_SINGLEUSER_APP": "notebook.notebookapp.NotebookApp",
    "JUPYTER_PATH": e["E2E_JUPYTER_PATH"],
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    # The course's shared module and plugin caches (../README.md, "Go
    # modules"): downloads come from the shared module cache, builds from
    # the shared plugins; each student keeps a module cache and a session
    # module of their own.
    "GOPROXY": "file://" + os.path.join(e["E2E_SHARED"], "gomodcache", "cache", "download"),
    "GOSUMDB": "off",
    "GOFLAGS": "-modcacherw",
    "GILGO_SHARED_CACHE": os.path.join(e["E2E_SHARED"], "gilgo"),
    "PATH": e["E2E_GOBIN"] + os.pathsep + os.environ.get("PATH", ""),
}
# Accepted and ignored by this spawner (see ../README.md); set to show that.
c.Spawner.mem_limit = "1G"
c.Spawner.cpu_limit = 1.0

copy_course_notebooks = make_copy_hook(e["E2E_NOTEBOOKS"], subdir="gilgo-course")


def pre_spawn(spawner):
    copy_course_notebooks(spawner)
    # The home on the command line, so that run.sh can find a leftover
    # server by the temp dir's path.
    spawner.args = [a for a in spawner.args if not a.startswith("--notebook-dir=")]
    spawner.args.append("--notebook-dir=" + spawner.home_dir)


c.Spawner.pre_spawn_hook = pre_spawn

c.JupyterHub.services = [{"name": "e2e", "api_token": e["E2E_SERVICE_TOKEN"]}]
c.JupyterHub.load_roles = [
    {
        "name": "e2e-admin",
        "scopes": ["admin:users", "admin:servers", "shutdown"],
        "services": ["e2e"],
    }
]
