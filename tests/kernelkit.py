"""The kernel-client kit: driving a real kernel through jupyter_client, for
tests/soak.py and bench/compare.py.

A private gilgo install (the binary copied into a temporary prefix, so that a
rebuild of bin/gilgo by someone else cannot change the kernel under a running
measurement), a kernel started through jupyter_client's KernelManager, the
resident set size of the kernel's process tree, and a shutdown that never
leaves a process behind.

Run everything with /usr/bin/python3 (Debian's jupyter_client and ipykernel).
"""

import hmac
import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
import uuid
from queue import Empty

from jupyter_client.manager import KernelManager

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Env:
    """A temporary Jupyter environment holding a private gilgo kernelspec.

    JUPYTER_PATH, JUPYTER_RUNTIME_DIR and IPYTHONDIR point into it while it
    is open, so neither kernel touches the user's own configuration.
    """

    def __init__(self, gilgo_bin, log_level="error"):
        self.dir = tempfile.mkdtemp(prefix="gilgo-kit-")
        self.gilgo = os.path.join(self.dir, "gilgo")
        shutil.copy2(gilgo_bin, self.gilgo)
        subprocess.run(
            [self.gilgo, "install", "--prefix", self.dir, "--log-level", log_level],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self._saved = {}
        self._set("JUPYTER_PATH", os.path.join(self.dir, "share", "jupyter"))
        self._set("JUPYTER_RUNTIME_DIR", os.path.join(self.dir, "runtime"))
        self._set("IPYTHONDIR", os.path.join(self.dir, "ipython"))
        self._set("PYDEVD_DISABLE_FILE_VALIDATION", "1")

    def _set(self, k, v):
        self._saved[k] = os.environ.get(k)
        os.environ[k] = v

    def close(self):
        for k, v in self._saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# --------------------------------------------------------------------------
# Processes


def children_map():
    """Map ppid -> [pid] for every process in /proc."""
    kids = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces.
        rest = stat[stat.rfind(")") + 2:].split()
        ppid = int(rest[1])
        kids.setdefault(ppid, []).append(int(name))
    return kids


def starttime(pid):
    """Start time of pid in clock ticks since boot (None when gone); with the
    pid it names one process even if the pid is reused later."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    return int(stat[stat.rfind(")") + 2:].split()[19])


def tree(pid):
    """pid and all its descendants."""
    kids = children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def proc_kib(pid, name, field):
    """The KiB figure of the line starting with field in /proc/PID/name
    (0 when the process is gone or the line missing)."""
    try:
        with open(f"/proc/{pid}/{name}") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_kib(pid):
    """VmRSS of one process in KiB (0 when gone)."""
    return proc_kib(pid, "status", "VmRSS:")


def tree_rss_kib(pid):
    """(total VmRSS of pid and its descendants in KiB, number of processes)."""
    pids = tree(pid)
    return sum(rss_kib(p) for p in pids), len(pids)


def pss_kib(pid):
    """Pss of one process in KiB (0 when gone): its private pages plus its
    share of pages mapped by several processes (a binary that two processes
    of the tree run counts once in their sum)."""
    return proc_kib(pid, "smaps_rollup", "Pss:")


def tree_pss_kib(pid):
    """Total Pss of pid and its descendants in KiB."""
    return sum(pss_kib(p) for p in tree(pid))


# --------------------------------------------------------------------------
# A kernel


class Kernel:
    """A kernel started by a KernelManager with a blocking client.

    start() returns timings of the cold start: the kernel_info_reply and the
    first status:idle seen on IOPub, both from before the process was started.
    """

    def __init__(self, name):
        self.name = name
        self.km = KernelManager(kernel_name=name)
        self.kc = None
        self.pid = None
        self.pgid = None
        self.pids = {}  # pid -> start time, everything the kernel's tree ever held

    def start(self, timeout=60):
        t0 = time.perf_counter()
        self.km.start_kernel()
        self.pid = self.km.provisioner.process.pid
        try:
            self.pgid = os.getpgid(self.pid)
        except OSError:
            self.pgid = None
        self.kc = self.km.client()
        self.kc.start_channels()
        deadline = t0 + timeout
        info = self.kc.kernel_info()
        t_info = t_idle = None
        # The first kernel_info may be answered before IOPub's subscription
        # reached the kernel (slow joiner); ask again, as wait_for_ready does,
        # until an idle status shows IOPub works.
        while t_idle is None:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{self.name}: not ready after {timeout} s")
            try:
                if t_info is None:
                    m = self.kc.get_shell_msg(timeout=0.05)
                    if m["parent_header"].get("msg_id") == info:
                        t_info = time.perf_counter() - t0
                        self.info = m["content"]
                    continue
                m = self.kc.get_iopub_msg(timeout=0.2)
                if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                    t_idle = time.perf_counter() - t0
            except Empty:
                if t_info is not None:
                    self.kc.kernel_info()
        self.remember_pids()
        self.drain(0.05)
        return t_info, t_idle

    def remember_pids(self):
        if self.pid:
            for p in tree(self.pid):
                self.pids.setdefault(p, starttime(p))

    def rss(self):
        self.remember_pids()
        return tree_rss_kib(self.pid)

    def drain(self, quiet=0.05):
        """Discard IOPub and shell messages until quiet for `quiet` seconds."""
        n = 0
        while True:
            try:
                self.kc.get_iopub_msg(timeout=quiet)
                n += 1
            except Empty:
                break
        while True:
            try:
                self.kc.get_shell_msg(timeout=0.001)
                n += 1
            except Empty:
                break
        return n

    def execute(self, code, timeout=60, on_input=None):
        """Run code; returns (reply_content, outputs, seconds to reply, seconds to idle).

        outputs holds (msg_type, content) of this request's IOPub messages
        other than status and execute_input. on_input(msg_id) is called when
        execute_input arrives (used to interrupt a running cell).
        """
        t0 = time.perf_counter()
        mid = self.kc.execute(code)
        outs, reply, t_reply, t_idle = [], None, None, None
        deadline = t0 + timeout
        while reply is None or t_idle is None:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{self.name}: no reply/idle for {code[:40]!r}")
            if t_idle is None:
                try:
                    m = self.kc.get_iopub_msg(timeout=0.002 if reply is None else 1)
                except Empty:
                    m = None
                if m is not None and m["parent_header"].get("msg_id") == mid:
                    t = m["msg_type"]
                    if t == "status":
                        if m["content"]["execution_state"] == "idle":
                            t_idle = time.perf_counter() - t0
                    elif t == "execute_input":
                        if on_input:
                            on_input(mid)
                    else:
                        outs.append((t, m["content"]))
            if reply is None:
                try:
                    r = self.kc.get_shell_msg(timeout=0.0 if t_idle is None else 1)
                except Empty:
                    r = None
                if r is not None and r["parent_header"].get("msg_id") == mid:
                    reply = r["content"]
                    t_reply = time.perf_counter() - t0
        return reply, outs, t_reply, t_idle

    def pss(self):
        self.remember_pids()
        return tree_pss_kib(self.pid)

    def minimal_client(self):
        """A MinimalClient on this kernel's shell and IOPub ports."""
        return MinimalClient(self.km.get_connection_info(), self.name)

    def complete(self, code, cursor=None, timeout=30):
        t0 = time.perf_counter()
        mid = self.kc.complete(code, len(code) if cursor is None else cursor)
        while True:
            r = self.kc.get_shell_msg(timeout=timeout)
            if r["parent_header"].get("msg_id") == mid:
                return r["content"], time.perf_counter() - t0

    def close(self):
        """Shut the kernel down; kill whatever of its tree is left."""
        self.remember_pids()
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        except Exception:
            pass
        self.kc = None
        try:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=False)
        except Exception:
            pass
        try:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        except Exception:
            pass
        kill_all(self.pids, self.pid, self.pgid)


class MinimalClient:
    """Execute requests over raw ZeroMQ sockets, signed with the connection's
    key, with the least work on the client's side: no message is decoded
    beyond finding its parent's msg_id and, on IOPub, the idle status.

    jupyter_client's BlockingKernelClient parses every message (JSON and the
    dates in its headers) and polls its channels in turn; that costs about
    0.7 ms per cell round trip on this machine, the same for every kernel,
    which hides most of a fast kernel's own time. Both clients are reported.
    """

    def __init__(self, info, name):
        import zmq  # pyzmq, a dependency of jupyter_client

        key = info["key"]
        self.key = key if isinstance(key, bytes) else key.encode()
        self.digest = info.get("signature_scheme", "hmac-sha256").split("-", 1)[1]
        self.name = name
        self.ctx = zmq.Context()

        def addr(port):
            sep = ":" if info["transport"] == "tcp" else "-"
            return f"{info['transport']}://{info['ip']}{sep}{port}"

        self.shell = self.ctx.socket(zmq.DEALER)
        self.shell.linger = 0
        self.shell.connect(addr(info["shell_port"]))
        self.iopub = self.ctx.socket(zmq.SUB)
        self.iopub.linger = 0
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.iopub.connect(addr(info["iopub_port"]))
        self.poller = zmq.Poller()
        self.poller.register(self.shell, zmq.POLLIN)
        self.poller.register(self.iopub, zmq.POLLIN)
        self.session = str(uuid.uuid4())

    def ready(self, code, timeout=10):
        """Run code until IOPub's subscription delivers its idle (slow joiner)."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            try:
                self.execute(code, timeout=0.5)
                return
            except TimeoutError:
                continue
        raise TimeoutError(f"{self.name}: the minimal client never saw an idle status")

    def execute(self, code, timeout=60):
        """Seconds from sending execute_request to having both its reply and its idle status."""
        mid = str(uuid.uuid4())
        header = json.dumps({"msg_id": mid, "session": self.session, "username": "bench",
                             "date": "2026-01-01T00:00:00.000000Z", "msg_type": "execute_request",
                             "version": "5.3"}).encode()
        content = json.dumps({"code": code, "silent": False, "store_history": True,
                              "user_expressions": {}, "allow_stdin": False,
                              "stop_on_error": True}).encode()
        parts = [header, b"{}", b"{}", content]
        sig = hmac.new(self.key, b"".join(parts), self.digest).hexdigest().encode()
        needle = mid.encode()
        t0 = time.perf_counter()
        self.shell.send_multipart([b"<IDS|MSG>", sig] + parts)
        replied = idle = False
        deadline = t0 + timeout
        while not (replied and idle):
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{self.name}: no reply/idle for {code[:40]!r}")
            for sock, _ in self.poller.poll(left * 1000):
                frames = sock.recv_multipart()
                i = frames.index(b"<IDS|MSG>")
                if needle not in frames[i + 3]:  # the parent header
                    continue
                if sock is self.shell:
                    replied = True
                elif b'"status"' in frames[i + 2] and b'"idle"' in frames[i + 5]:
                    idle = True
        return time.perf_counter() - t0

    def close(self):
        self.ctx.destroy(linger=0)


def kill_all(pids, leader, pgid):
    """SIGKILL the processes in pids (pid -> start time) that still exist,
    and the leader's process group pgid when the leader started its own
    (never our own group)."""
    if leader and pgid == leader and pgid != os.getpgid(0):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
    for p, st in pids.items():
        if st is None or starttime(p) != st:
            continue
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
    # Reap our direct child if it is ours and a zombie.
    if leader:
        try:
            os.waitpid(leader, os.WNOHANG)
        except OSError:
            pass


# --------------------------------------------------------------------------
# Statistics


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def quartiles(xs):
    """(q1, q3) by the inclusive method; equal to min/max for n < 4."""
    xs = sorted(xs)
    if len(xs) < 4:
        return (xs[0], xs[-1]) if xs else (float("nan"), float("nan"))
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[2]


def slope(xs, ys):
    """Least-squares slope of ys over xs (0 for fewer than 2 points)."""
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
