"""The kernel-client kit: a real kernel driven through Debian's
jupyter_client, for tests/test_protocol.py, tests/soak.py and
bench/compare.py.

- Env: a private gilgo install (the binary copied into a temporary prefix,
  so that a rebuild of bin/gilgo by someone else cannot change the kernel
  under a running measurement) that JUPYTER_PATH points at, and private
  Jupyter runtime, IPython and gilgo data (history) directories.
- Kernel: a kernel started through jupyter_client's KernelManager with a
  blocking client; executing a cell and collecting its reply and IOPub
  outputs (Execution), requests on control, the reply and IOPub messages of
  one request, raw sockets on its ports, restart, and a shutdown that never
  leaves a process behind.
- MinimalClient: execute requests over raw ZeroMQ, for round trips without
  jupyter_client's own cost.
- stream_text, stdout_text, result_text: the text of collected outputs.
- tree, rss_kib, pss_kib, tree_rss_kib, tree_pss_kib, proc_kib: the kernel's
  process tree and its memory, from /proc.
- median, quartiles, slope: statistics of samples.

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
from typing import NamedTuple

import zmq  # pyzmq, a dependency of jupyter_client
from jupyter_client.manager import KernelManager

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The kernelspec the Jupyter suites in tests/ run (make test-python installs
# bin/gilgo as gilgo into a temporary prefix).
KERNEL_NAME = os.environ.get("GILGO_KERNEL_NAME", "gilgo")


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
        # gilgo's history and replay files: a run neither reads the user's
        # (a long history file is read at every start) nor adds to them.
        self._set("XDG_DATA_HOME", os.path.join(self.dir, "data"))
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
# A kernel

# Deadlines for things that should take milliseconds: none of them is a
# performance measurement.
STARTUP_TIMEOUT = 60
REPLY_TIMEOUT = 30


class CheckFailed(AssertionError):
    """A kernel did not answer as it must."""


def check(cond, msg):
    if not cond:
        raise CheckFailed(msg)


class Execution(NamedTuple):
    """What Kernel.execute saw of one execute_request."""

    reply: dict  # the execute_reply message
    outputs: list  # the request's IOPub messages other than status and execute_input, in order
    t_reply: float  # seconds from sending the request to its reply
    t_idle: float  # seconds from sending the request to its status: idle on IOPub


class Kernel:
    """A kernel started by a KernelManager with a blocking client.

    start() returns timings of the cold start: the kernel_info_reply and the
    first status:idle seen on IOPub, both from before the process was started.
    Waits that run out raise TimeoutError.
    """

    def __init__(self, name):
        self.name = name
        self.km = KernelManager(kernel_name=name)
        self.kc = None
        self.pid = None
        self.pgid = None
        self.pids = {}  # pid -> start time, everything the kernel's tree ever held

    def start(self, timeout=STARTUP_TIMEOUT):
        t0 = time.perf_counter()
        self.km.start_kernel()
        self.kc = self.km.client()
        self.kc.start_channels()
        return self._ready(t0, timeout)

    def restart(self, timeout=STARTUP_TIMEOUT):
        """Restart through the manager (shutdown_request with restart, then a
        new process on the same ports) and wait until it is ready."""
        self.remember_pids()
        t0 = time.perf_counter()
        self.km.restart_kernel(now=False)
        self._ready(t0, timeout)
        self.drain(0.2)

    def _ready(self, t0, timeout):
        """Wait for the kernel_info_reply and an idle status on IOPub;
        (seconds to each from t0)."""
        self.pid = self.km.provisioner.process.pid
        try:
            self.pgid = os.getpgid(self.pid)
        except OSError:
            self.pgid = None
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
                if not self.km.is_alive():
                    raise RuntimeError(f"{self.name}: the kernel died before it was ready")
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

    def pss(self):
        self.remember_pids()
        return tree_pss_kib(self.pid)

    def drain(self, quiet=0.05):
        """Discard IOPub, shell and control messages until each channel has
        been quiet for `quiet` seconds."""
        for get in (self.kc.get_iopub_msg, self.kc.get_shell_msg, self.kc.get_control_msg):
            while True:
                try:
                    get(timeout=quiet)
                except Empty:
                    break

    def execute(self, code, timeout=REPLY_TIMEOUT, stdin_answer=None, on_input=None):
        """Run code until both its reply and its status: idle have come; an Execution.

        With stdin_answer the request allows stdin and every input_request is
        answered with it. on_input(msg_id) is called when execute_input
        arrives (used to interrupt a running cell).
        """
        allow_stdin = stdin_answer is not None
        t0 = time.perf_counter()
        mid = self.kc.execute(code, allow_stdin=allow_stdin)
        seen, outs, reply, t_reply, t_idle = [], [], None, None, None
        deadline = t0 + timeout
        while reply is None or t_idle is None:
            if time.perf_counter() > deadline:
                missing = " and ".join(w for w, t in (("reply", t_reply), ("status: idle", t_idle)) if t is None)
                raise TimeoutError(f"{self.name}: cell {code!r}: no {missing} within {timeout} s "
                                   f"(IOPub: {seen})")
            if allow_stdin:
                req = poll(self.kc.get_stdin_msg, 0)
                if req is not None and req["msg_type"] == "input_request":
                    self.kc.input(stdin_answer)
            if t_idle is None:
                m = poll(self.kc.get_iopub_msg, 0.002 if reply is None else 1)
                if m is not None and m["parent_header"].get("msg_id") == mid:
                    t = m["msg_type"]
                    seen.append(t)
                    if t == "status":
                        if m["content"]["execution_state"] == "idle":
                            t_idle = time.perf_counter() - t0
                    elif t == "execute_input":
                        if on_input:
                            on_input(mid)
                    else:
                        outs.append(m)
            if reply is None:
                r = poll(self.kc.get_shell_msg, 0.0 if t_idle is None else 1)
                if r is not None and r["parent_header"].get("msg_id") == mid:
                    reply = r
                    t_reply = time.perf_counter() - t0
        return Execution(reply, outs, t_reply, t_idle)

    def must_run(self, code, timeout=REPLY_TIMEOUT, **kw):
        """execute, and CheckFailed unless the reply's status is ok."""
        r = self.execute(code, timeout=timeout, **kw)
        content = r.reply["content"]
        check(content["status"] == "ok", "%s: cell %r: status %s: %s %s" % (
            self.name, code, content["status"], content.get("ename"), content.get("evalue")))
        return r

    def _next_for(self, get, msg_id, deadline, what):
        """The next message from get (a channel's get_*_msg) whose parent is
        msg_id; TimeoutError(what()) once time.monotonic() passes deadline."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: {what()}")
            try:
                msg = get(timeout=min(left, 1.0))
            except Empty:
                continue
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def reply_for(self, msg_id, channel="shell", timeout=REPLY_TIMEOUT):
        """The reply to msg_id on shell or control."""
        get = self.kc.get_shell_msg if channel == "shell" else self.kc.get_control_msg
        return self._next_for(get, msg_id, time.monotonic() + timeout,
                              lambda: "no %s reply to %s within %ss" % (channel, msg_id, timeout))

    def iopub_for(self, msg_id, timeout=REPLY_TIMEOUT):
        """IOPub messages whose parent is msg_id, up to its status: idle."""
        msgs = []
        deadline = time.monotonic() + timeout
        while True:
            msg = self._next_for(self.kc.get_iopub_msg, msg_id, deadline,
                                 lambda: "no status: idle for %s within %ss (got %s)"
                                 % (msg_id, timeout, [m["msg_type"] for m in msgs]))
            msgs.append(msg)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return msgs

    def wait_busy(self, msg_id, timeout=REPLY_TIMEOUT):
        """Wait for the status: busy whose parent is msg_id."""
        deadline = time.monotonic() + timeout
        while True:
            msg = self._next_for(self.kc.get_iopub_msg, msg_id, deadline,
                                 lambda: "request %s never went busy" % msg_id)
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "busy":
                return

    def control_request(self, msg_type, content=None):
        """Send a request on control; its msg_id."""
        msg = self.kc.session.msg(msg_type, content or {})
        self.kc.control_channel.send(msg)
        return msg["header"]["msg_id"]

    def complete(self, code, cursor=None, timeout=REPLY_TIMEOUT):
        """(complete_reply content, seconds to it)."""
        t0 = time.perf_counter()
        mid = self.kc.complete(code, len(code) if cursor is None else cursor)
        r = self.reply_for(mid, timeout=timeout)
        return r["content"], time.perf_counter() - t0

    def socket(self, channel):
        """A fresh DEALER connected to the kernel's shell or control port."""
        info = self.km.get_connection_info()
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.linger = 0
        sock.connect(zmq_address(info, info[channel + "_port"]))
        return sock

    def minimal_client(self):
        """A MinimalClient on this kernel's shell and IOPub ports."""
        return MinimalClient(self.km.get_connection_info(), self.name)

    def close(self):
        """Shut the kernel down; kill whatever of its tree is left."""
        self.remember_pids()
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        except Exception:
            pass
        self.kc = None
        for now in (False, True):
            try:
                if self.km.has_kernel and self.km.is_alive():
                    self.km.shutdown_kernel(now=now)
            except Exception:
                pass
        try:
            self.km.cleanup_resources()
        except Exception:
            pass
        kill_all(self.pids, self.pid, self.pgid)


def poll(get, timeout):
    """The next message from get (a channel's get_*_msg) within timeout
    seconds, or None."""
    try:
        return get(timeout=timeout)
    except Empty:
        return None


def zmq_address(info, port):
    """The ZeroMQ address of one of a kernel's ports, from its connection info."""
    sep = ":" if info["transport"] == "tcp" else "-"
    return f"{info['transport']}://{info['ip']}{sep}{port}"


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
        key = info["key"]
        self.key = key if isinstance(key, bytes) else key.encode()
        self.digest = info.get("signature_scheme", "hmac-sha256").split("-", 1)[1]
        self.name = name
        self.ctx = zmq.Context()
        self.shell = self.ctx.socket(zmq.DEALER)
        self.shell.linger = 0
        self.shell.connect(zmq_address(info, info["shell_port"]))
        self.iopub = self.ctx.socket(zmq.SUB)
        self.iopub.linger = 0
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.iopub.connect(zmq_address(info, info["iopub_port"]))
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


# --------------------------------------------------------------------------
# Outputs: IOPub messages as Kernel.execute collects them


def stream_text(msgs, name="stdout"):
    """The text of the messages' stream outputs to name (stdout or stderr)."""
    return "".join(m["content"]["text"] for m in msgs
                   if m["msg_type"] == "stream" and m["content"]["name"] == name)


def stdout_text(msgs):
    return stream_text(msgs, "stdout")


def result_text(msgs):
    """The text/plain of the first execute_result (None without one)."""
    for m in msgs:
        if m["msg_type"] == "execute_result":
            return m["content"]["data"].get("text/plain")
    return None


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
