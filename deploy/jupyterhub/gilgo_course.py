"""Pieces of a JupyterHub course deployment of gilgo, shared by
jupyterhub_config.py and the loopback test (test/jupyterhub_test_config.py).

copy_course_notebooks: a Spawner.pre_spawn_hook that copies the course's
notebooks into the student's home directory before each server start, leaving
files the student already has untouched (their edits survive a restart and a
new term's notebooks arrive).

The hook runs in the hub, usually as root, on a directory the student
controls. It never follows a link below the home: each directory is opened
relative to its parent with O_NOFOLLOW, each file is created with O_EXCL (an
existing name, a link included, is the student's and is left alone), and
ownership is set on the open descriptor. When the hub is root and the student
has a system account, the copy runs in a child process with the student's
uid, gid and no supplementary groups, so no file operation below the home
runs as root at all (the course directory must be readable by students, as
the README's recipe makes it).
"""

import json
import logging
import os
import pwd
import stat
import subprocess
import sys

log = logging.getLogger("gilgo_course")

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


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


def _open_dir(parent_fd, name, owner, skipped, rel):
    """The directory NAME under PARENT_FD, created if absent, opened without
    following a link; None (and REL in SKIPPED) when NAME is a link or not a
    directory."""
    try:
        os.mkdir(name, 0o755, dir_fd=parent_fd)
        created = True
    except FileExistsError:
        created = False
    try:
        fd = os.open(name, _DIR_FLAGS, dir_fd=parent_fd)
    except OSError:  # ELOOP for a link, ENOTDIR for a file
        skipped.append(rel)
        return None
    if created and owner:
        os.fchown(fd, *owner)
    return fd


def _copy_file(src_path, dir_fd, name, owner):
    """Copy SRC_PATH to a new file NAME under DIR_FD; False when NAME exists
    (a file, directory or link of the student's)."""
    st = os.stat(src_path)
    mode = stat.S_IMODE(st.st_mode) & 0o755 | 0o600
    try:
        out = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                      mode, dir_fd=dir_fd)
    except FileExistsError:
        return False
    try:
        with open(src_path, "rb") as src:
            while True:
                chunk = src.read(1 << 20)
                if not chunk:
                    break
                view = memoryview(chunk)
                while view:
                    n = os.write(out, view)
                    view = view[n:]
        if owner:
            os.fchown(out, *owner)
        os.fchmod(out, mode)
        os.utime(out, ns=(st.st_atime_ns, st.st_mtime_ns))
    finally:
        os.close(out)
    return True


def copy_missing(src, dst, owner=None):
    """Copy the tree SRC into DST, file by file, skipping files that exist in
    DST and never following a link at or below DST (the parent of DST is
    trusted). Returns (copied, skipped): relative paths copied, and relative
    paths left alone because a link or a non-directory stood where a
    directory was wanted."""
    copied, skipped = [], []
    parent, base = os.path.split(os.path.normpath(dst))
    os.makedirs(parent or ".", exist_ok=True)
    parent_fd = os.open(parent or ".", os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        root_fd = _open_dir(parent_fd, base, owner, skipped, ".")
    finally:
        os.close(parent_fd)
    if root_fd is None:
        return copied, skipped
    fds = {".": root_fd}
    try:
        for dirpath, dirnames, filenames in os.walk(src):
            rel = os.path.normpath(os.path.relpath(dirpath, src))
            dir_fd = fds.get(rel)
            if dir_fd is None:  # its directory was skipped
                dirnames[:] = []
                continue
            dirnames[:] = [d for d in sorted(dirnames) if not d.startswith(".")]
            for d in dirnames:
                sub = os.path.normpath(os.path.join(rel, d))
                fd = _open_dir(dir_fd, d, owner, skipped, sub)
                if fd is not None:
                    fds[sub] = fd
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                if _copy_file(os.path.join(dirpath, name), dir_fd, name, owner):
                    copied.append(os.path.normpath(os.path.join(rel, name)))
    finally:
        for fd in fds.values():
            os.close(fd)
    return copied, skipped


def copy_as(src, dst, uid, gid):
    """copy_missing(SRC, DST) in a child process running as UID:GID with no
    supplementary groups; returns what copy_missing returns."""
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "copy", src, dst],
        user=uid, group=gid, extra_groups=[], capture_output=True, text=True,
        cwd="/", timeout=120, check=False,
    )
    if proc.returncode != 0:
        raise OSError("copy as uid %d: %s" % (uid, proc.stderr.strip().splitlines()[-1:] or proc.returncode))
    got = json.loads(proc.stdout)
    return got["copied"], got["skipped"]


def make_copy_hook(notebooks_dir, subdir="gilgo-course"):
    """A pre_spawn_hook copying NOTEBOOKS_DIR into HOME/SUBDIR if absent."""

    def copy_course_notebooks(spawner):
        if not os.path.isdir(notebooks_dir):
            spawner.log.warning("gilgo course: no notebooks at %s", notebooks_dir)
            return
        home = home_for(spawner)
        dst = os.path.join(home, subdir) if subdir else home
        owner = _owner(spawner.user.name)
        if not os.path.lexists(home):
            # A new home under the admin's directory: the student's own.
            os.makedirs(home, mode=0o755)
            if owner:
                os.chown(home, *owner)
        elif owner:
            st = os.lstat(home)
            if stat.S_ISDIR(st.st_mode) and st.st_uid == 0:
                # A home an earlier version of this hook made as root (its
                # parent is the admin's: no student put it there).
                os.chown(home, *owner, follow_symlinks=False)
        try:
            if owner:
                copied, skipped = copy_as(notebooks_dir, dst, *owner)
            else:
                copied, skipped = copy_missing(notebooks_dir, dst)
        except OSError as e:
            spawner.log.warning("gilgo course: copying notebooks for %s: %s", spawner.user.name, e)
            return
        for rel in skipped:
            spawner.log.warning(
                "gilgo course: %s: %s is a link or not a directory, left alone",
                spawner.user.name, os.path.join(dst, rel))
        spawner.log.info(
            "gilgo course: copied %d notebook file(s) to %s for %s",
            len(copied), dst, spawner.user.name,
        )

    return copy_course_notebooks


def _main(argv):
    if len(argv) != 4 or argv[1] != "copy":
        print("usage: gilgo_course.py copy SRC DST", file=sys.stderr)
        return 2
    copied, skipped = copy_missing(argv[2], argv[3])
    json.dump({"copied": copied, "skipped": skipped}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
