# JupyterHub configuration for a gilgo course (JupyterHub 3.x, classic Notebook).
#
# Students sign up (NativeAuthenticator; an instructor approves them), each
# gets a server in a systemd unit with memory and CPU limits (SystemdSpawner,
# dynamic users: no system accounts to manage), finds the course notebooks in
# ~/gilgo-course on every start (copied if absent, never overwritten), and
# idle servers are culled. See README.md for the install steps and the choices.
#
# Settings read from the environment (defaults in brackets):
#   GILGO_COURSE_NOTEBOOKS  notebooks to hand out [/usr/local/share/gilgo/notebooks]
#   GILGO_COURSE_ADMINS     comma-separated instructor accounts [instructor]
#   GILGO_MEM_LIMIT         memory per student server [1G]
#   GILGO_CPU_LIMIT         CPUs per student server [1.0]
#   GILGO_IDLE_TIMEOUT      seconds before an idle server is stopped [3600]
#   GILGO_HUB_BIND_URL      public URL the proxy listens on [http://:8000]

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gilgo_course import make_copy_hook  # noqa: E402

c = get_config()  # noqa: F821 (provided by JupyterHub)

env = os.environ.get
notebooks = env("GILGO_COURSE_NOTEBOOKS", "/usr/local/share/gilgo/notebooks")
admins = {a.strip() for a in env("GILGO_COURSE_ADMINS", "instructor").split(",") if a.strip()}

# --- Hub and proxy -----------------------------------------------------------
# Terminate TLS in front of the hub (nginx, a load balancer) or set
# c.JupyterHub.ssl_cert / ssl_key here.
c.JupyterHub.bind_url = env("GILGO_HUB_BIND_URL", "http://:8000")
c.JupyterHub.db_url = "sqlite:////var/lib/jupyterhub/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "/var/lib/jupyterhub/jupyterhub_cookie_secret"
# Debian's configurable-http-proxy (4.5.3) does not start on node 20; use npm's
# (npm install -g configurable-http-proxy@5) and give its path here.
c.ConfigurableHTTPProxy.command = [env("GILGO_CHP", "/usr/local/bin/configurable-http-proxy")]
# Keep student servers running across hub restarts (upgrades, config changes).
c.JupyterHub.cleanup_servers = False

# --- Authentication ----------------------------------------------------------
# NativeAuthenticator (package jupyterhub-nativeauthenticator): students sign
# up at /hub/signup, instructors approve at /hub/authorize.
# For a course run from an LMS use LTI 1.3 instead (package
# jupyterhub-ltiauthenticator):
#   c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.authenticator.LTI13Authenticator"
#   c.LTI13Authenticator.issuer, .authorize_url, .jwks_endpoint, .client_id
# or a university's single sign-on with OAuth (package oauthenticator):
#   c.JupyterHub.authenticator_class = "oauthenticator.generic.GenericOAuthenticator"
c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
c.NativeAuthenticator.open_signup = False
c.NativeAuthenticator.minimum_password_length = 10
c.NativeAuthenticator.check_common_password = True
c.Authenticator.admin_users = admins
try:
    import nativeauthenticator  # its signup and authorize pages

    c.JupyterHub.template_paths = [os.path.join(os.path.dirname(nativeauthenticator.__file__), "templates")]
except ImportError:
    pass  # jupyterhub fails later with a clear message naming the class

# --- Spawner and resource limits ---------------------------------------------
# SystemdSpawner (package jupyterhub-systemdspawner) enforces mem_limit
# (MemoryMax) and cpu_limit (CPUQuota) per student; so do DockerSpawner and
# KubeSpawner. The default LocalProcessSpawner and SimpleLocalProcessSpawner
# accept these settings and IGNORE them.
# A cell's runaway allocation hits mem_limit: the kernel's worker process is
# killed, the kernel answers the cell with InterpreterCrashed and starts a
# fresh worker; the student's server keeps running.
# cpu_limit: the parallelism lessons (01 §1.4, 02 §2.2, §2.3.1, §2.6) need
# 2.0 to show two goroutines with the GIL off, or two processes, finishing in
# the time of one. With 1.0 the notebooks say the process may use one core
# and teach from CPU and GIL-held time and the timelines instead; nothing
# fails. GILGO_CPU_LIMIT=2.0 for a course that wants the speed-up itself.
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
c.SystemdSpawner.dynamic_users = True  # no system account per student
c.SystemdSpawner.unit_name_template = "jupyter-{USERNAME}-singleuser"
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.isolate_devices = True
c.SystemdSpawner.disable_user_sudo = True
c.Spawner.mem_limit = env("GILGO_MEM_LIMIT", "1G")
c.Spawner.cpu_limit = float(env("GILGO_CPU_LIMIT", "1.0"))
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# Debian has no jupyter_server: the single-user server is the classic Notebook.
c.Spawner.environment = {
    "JUPYTERHUB_SINGLEUSER_APP": "notebook.notebookapp.NotebookApp",
    # The gilgo kernelspec is installed system-wide with
    # `gilgo install --prefix /usr/local` (/usr/local/share/jupyter is on
    # Jupyter's default path). For another prefix, point JUPYTER_PATH at it:
    # "JUPYTER_PATH": "/opt/gilgo/share/jupyter",
}
c.Spawner.default_url = "/tree/gilgo-course"

# Course notebooks, copied into ~/gilgo-course before each start if absent.
c.Spawner.pre_spawn_hook = make_copy_hook(notebooks, subdir="gilgo-course")

# --- Idle culler --------------------------------------------------------------
# Package jupyterhub-idle-culler: stops servers idle for GILGO_IDLE_TIMEOUT s
# (a kernel busy in a cell counts as activity).
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    }
]
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [
            sys.executable, "-m", "jupyterhub_idle_culler",
            "--timeout=" + env("GILGO_IDLE_TIMEOUT", "3600"),
        ],
    }
]
