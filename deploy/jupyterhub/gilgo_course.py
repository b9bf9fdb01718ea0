"""Pieces of a JupyterHub course deployment of gilgo, shared by
jupyterhub_config.py and the loopback test (test/jupyterhub_test_config.py).

copy_course_notebooks: a Spawner.pre_spawn_hook that copies the course's
notebooks into the student's home directory before each server start, leaving
files the student already has untouched (their edits survive a restart and a
new term's notebooks arrive).
"""

import logging
import os
import pwd
import shutil

log = logging.getLogger("gilgo_course")


def home_for(spawner):
    """The directory the student's server starts in, for the spawners a
    course uses: SimpleLocalProcessSpawner (home_dir), SystemdSpawner with
    dynamic users (systemd's StateDirectory under /var/lib/private, chowned
    by systemd to the dynamic user at start), else the system user's home."""
    home = getattr(spawner, "home_dir", None)
    if isinstance(home, str) and home:
        return home
    if getattr(spawner, "dynamic_users", False):
        return os.path.join("/var/lib/private", spawner.user.name)
    return pwd.getpwnam(spawner.user.name).pw_dir


def _owner(name):
    """(uid, gid) of a system user NAME, or None when there is none or when
    the hub cannot chown (not root)."""
    if os.geteuid() != 0:
        return None
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        return None
    return pw.pw_uid, pw.pw_gid


def copy_missing(src, dst, owner=None):
    """Copy the tree SRC into DST, file by file, skipping files that exist in
    DST. Returns the relative paths copied."""
    copied = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel = os.path.relpath(dirpath, src)
        target_dir = os.path.normpath(os.path.join(dst, rel))
        os.makedirs(target_dir, exist_ok=True)
        if owner:
            os.chown(target_dir, *owner)
        for name in filenames:
            if name.startswith("."):
                continue
            target = os.path.join(target_dir, name)
            if os.path.lexists(target):
                continue
            shutil.copy2(os.path.join(dirpath, name), target)
            if owner:
                os.chown(target, *owner)
            copied.append(os.path.normpath(os.path.join(rel, name)))
    return copied


def make_copy_hook(notebooks_dir, subdir="gilgo-course"):
    """A pre_spawn_hook copying NOTEBOOKS_DIR into HOME/SUBDIR if absent."""

    def copy_course_notebooks(spawner):
        if not os.path.isdir(notebooks_dir):
            spawner.log.warning("gilgo course: no notebooks at %s", notebooks_dir)
            return
        home = home_for(spawner)
        dst = os.path.join(home, subdir) if subdir else home
        os.makedirs(home, mode=0o755, exist_ok=True)
        copied = copy_missing(notebooks_dir, dst, _owner(spawner.user.name))
        spawner.log.info(
            "gilgo course: copied %d notebook file(s) to %s for %s",
            len(copied), dst, spawner.user.name,
        )

    return copy_course_notebooks
