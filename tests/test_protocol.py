#!/usr/bin/python3
"""Protocol checks of the gilgo kernel over real ZeroMQ, with jupyter_client.

Run with /usr/bin/python3 and JUPYTER_PATH pointing at a data directory that
holds the gilgo kernelspec (`make test` does this with a temporary prefix):

    JUPYTER_PATH=$PREFIX/share/jupyter /usr/bin/python3 tests/test_protocol.py [-k NAME]

Every check runs even when an earlier one failed (a dead kernel is
restarted); the script prints one line per check, a summary, and exits 1 when
any check failed. It never leaves a kernel running.

Time bounds here are deadlines for things that should take milliseconds
(an interrupt of a 10 s cell must end it well before the 10 s), not
performance measurements.
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import traceback

from jupyter_client.connect import write_connection_file
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.session import Session
import zmq  # pyzmq, a dependency of jupyter_client

from kernelkit import (KERNEL_NAME, REPLY_TIMEOUT, STARTUP_TIMEOUT, CheckFailed, Kernel, check, kill_all,
                       result_text, rss_kib, starttime, stdout_text, tree, zmq_address)

# An interrupted 10 s cell must be answered within this many seconds.
INTERRUPT_BOUND = 5.0
# How long a dropped message is given to (wrongly) produce a reply.
SILENCE_WINDOW = 2.0
# A stack overflow in the worker may take a while to be detected.
CRASH_TIMEOUT = 180


def fresh_kernel():
    """A started gilgo kernel (kernelkit.Kernel); none left behind when it fails to start."""
    k = Kernel(KERNEL_NAME)
    try:
        k.start()
    except BaseException:
        k.close()
        raise
    return k


def recv_within(sock, seconds):
    if sock.poll(int(seconds * 1000)):
        return sock.recv_multipart()
    return None


# --------------------------------------------------------------------------
# Checks. Each takes the Kernel; a fresh one replaces a dead one in between.


def check_busy_idle_every_request(k):
    kc = k.kc
    requests = [
        ("kernel_info", lambda: kc.kernel_info()),
        ("execute", lambda: kc.execute("1+1")),
        ("execute silent", lambda: kc.execute("2+2", silent=True)),
        ("complete", lambda: kc.complete("fmt.Pri")),
        ("inspect", lambda: kc.inspect("fmt.Println")),
        ("is_complete", lambda: kc.is_complete("func f() {")),
        ("history", lambda: kc.history(hist_access_type="tail", n=3)),
        ("comm_info", lambda: kc.comm_info()),
    ]
    for name, send in requests:
        msg_id = send()
        reply = k.reply_for(msg_id)
        check(reply["header"]["msg_type"].endswith("_reply"), "%s: got %s" % (name, reply["header"]["msg_type"]))
        msgs = k.iopub_for(msg_id)
        states = [m["content"]["execution_state"] for m in msgs if m["msg_type"] == "status"]
        check(msgs[0]["msg_type"] == "status" and states[0] == "busy",
              "%s: first IOPub message is %s, want status busy" % (name, msgs[0]["msg_type"]))
        check(states == ["busy", "idle"], "%s: statuses %s, want [busy, idle]" % (name, states))
    # kernel_info on control is answered on control, with busy/idle too.
    msg_id = k.control_request("kernel_info_request")
    reply = k.reply_for(msg_id, channel="control")
    check(reply["content"]["implementation"] == "gilgo", "control kernel_info: %s" % reply["content"])
    states = [m["content"]["execution_state"] for m in k.iopub_for(msg_id) if m["msg_type"] == "status"]
    check(states == ["busy", "idle"], "control kernel_info: statuses %s" % states)


def _interrupt_long_cell(k, code, how):
    k.must_run("keep := 41")
    msg_id = k.kc.execute(code)
    k.wait_busy(msg_id)
    # Control is served while the cell runs.
    ctl = k.control_request("kernel_info_request")
    k.reply_for(ctl, channel="control", timeout=INTERRUPT_BOUND)
    time.sleep(0.3)  # let the cell get going; not an assertion
    start = time.monotonic()
    how()
    reply = k.reply_for(msg_id, timeout=INTERRUPT_BOUND)
    took = time.monotonic() - start
    content = reply["content"]
    check(content["status"] == "error", "interrupted cell: status %s, want error" % content["status"])
    check("nterrupt" in content.get("ename", ""), "interrupted cell: ename %r, want Interrupted" % content.get("ename"))
    k.iopub_for(msg_id)
    outputs = k.must_run("keep + 1").outputs
    check(result_text(outputs) == "42", "after interrupt: keep + 1 = %r, want 42" % result_text(outputs))
    return took


def check_interrupt_sleep_by_message(k):
    k.must_run('import "time"')
    took = _interrupt_long_cell(k, "time.Sleep(10*time.Second)", k.km.interrupt_kernel)
    print("    interrupt of time.Sleep(10s) answered after %.3fs" % took)


def check_interrupt_busy_loop_by_message(k):
    took = _interrupt_long_cell(k, "for {\n}", k.km.interrupt_kernel)
    print("    interrupt of for {} answered after %.3fs" % took)


def check_interrupt_by_sigint(k):
    took = _interrupt_long_cell(k, "for {\n}", lambda: k.km.signal_kernel(signal.SIGINT))
    print("    SIGINT interrupt of for {} answered after %.3fs" % took)


def check_stdin(k):
    outputs = k.must_run('import "fmt"\nvar s string\nfmt.Scanln(&s)\nfmt.Println("got", s)',
                         stdin_answer="gopher").outputs
    text = stdout_text(outputs)
    check("got gopher" in text, "stdin: stdout %r, want 'got gopher'" % text)


def check_bad_signature_and_replay(k):
    session = Session(key=k.km.session.key, signature_scheme=k.km.session.signature_scheme)
    sock = k.socket("shell")
    try:
        frames = session.serialize(session.msg("kernel_info_request", {}))
        sock.send_multipart(frames)
        check(recv_within(sock, REPLY_TIMEOUT) is not None, "a correctly signed message got no reply")

        sock.send_multipart(frames)  # the same frames again: a replay
        got = recv_within(sock, SILENCE_WINDOW)
        check(got is None, "a replayed message was answered")

        bad = session.serialize(session.msg("kernel_info_request", {}))
        sig = bad[1].decode()
        bad[1] = (("0" if sig[0] != "0" else "1") + sig[1:]).encode()
        sock.send_multipart(bad)
        got = recv_within(sock, SILENCE_WINDOW)
        check(got is None, "a message with a wrong signature was answered")

        unsigned = session.serialize(session.msg("kernel_info_request", {}))
        unsigned[1] = b""
        sock.send_multipart(unsigned)
        check(recv_within(sock, SILENCE_WINDOW) is None, "a message without a signature was answered")

        sock.send_multipart(session.serialize(session.msg("kernel_info_request", {})))
        check(recv_within(sock, REPLY_TIMEOUT) is not None, "no reply after the dropped messages")
    finally:
        sock.close()


def check_random_frames(k):
    rng = random.Random(20261125)
    socks = [k.socket("shell"), k.socket("control")]
    try:
        for i in range(1000):
            sock = socks[i % 2]
            frames = [rng.randbytes(rng.randint(0, 300)) for _ in range(rng.randint(1, 8))]
            if rng.random() < 0.5:
                frames.insert(rng.randint(0, len(frames)), b"<IDS|MSG>")
            if rng.random() < 0.2:
                frames[-1:] = [b"{}", b"{}", b"{}", b"{}"]
            sock.send_multipart(frames)
        for sock in socks:
            check(recv_within(sock, 0.5) is None, "random frames were answered")
    finally:
        for sock in socks:
            sock.close()
    check(k.kc.hb_channel.is_beating(), "heartbeat stopped after random frames")
    k.reply_for(k.kc.kernel_info())
    outputs = k.must_run("6*7").outputs
    check(result_text(outputs) == "42", "after random frames: 6*7 = %r" % result_text(outputs))


def check_recursion_limit(k):
    """Runaway recursion is a catchable RecursionError, long before Go's
    fatal stack overflow: the session keeps its variables."""
    k.must_run("kept := 7")
    k.must_run("func r(n int) int { return r(n+1) + 1 }")
    content = k.execute("r(0)", timeout=CRASH_TIMEOUT).reply["content"]
    check(content["status"] == "error", "recursion cell: status %s, want error" % content["status"])
    check(content.get("ename") == "RecursionError",
          "recursion cell: ename %r, want RecursionError (%s)" % (content.get("ename"), content.get("evalue")))
    check("maximum recursion depth exceeded" in (content.get("evalue") or ""),
          "recursion cell: evalue %r" % content.get("evalue"))
    outputs = k.must_run("kept").outputs
    check(result_text(outputs) == "7", "after RecursionError: kept = %r, want 7" % result_text(outputs))


# Two goroutines writing one map with the GIL off: Go's runtime dies with
# "fatal error: concurrent map writes", which nothing in the process can
# recover. The cell spins until that happens (it always does, quickly).
CONCURRENT_MAP_WRITES = """import "gil"
gil.Disable()
m := map[int]int{}
go func() {
	for i := 0; ; i++ {
		m[i%64] = i
	}
}()
for i := 0; ; i++ {
	m[i%64] = -i
}"""


def check_crash_recovery(k):
    count = k.must_run("before := 7").reply["content"]["execution_count"]
    reply, outputs, _, _ = k.execute(CONCURRENT_MAP_WRITES, timeout=CRASH_TIMEOUT)
    content = reply["content"]
    check(content["status"] == "error", "crash cell: status %s, want error" % content["status"])
    check(content.get("ename") == "InterpreterCrashed",
          "crash cell: ename %r, want InterpreterCrashed (%s)" % (content.get("ename"), content.get("evalue")))
    check("concurrent map" in (content.get("evalue") or ""),
          "crash cell: evalue %r, want Go's concurrent map fatal error" % content.get("evalue"))
    check(content["execution_count"] == count + 1,
          "crash cell: execution_count %s, want %d" % (content["execution_count"], count + 1))
    check(any(m["msg_type"] == "error" for m in outputs), "crash cell: no error on IOPub")
    reply, outputs, _, _ = k.must_run("1+1")
    check(result_text(outputs) == "2", "after crash: 1+1 = %r" % result_text(outputs))
    check(reply["content"]["execution_count"] == count + 2,
          "after crash: execution_count %s, want %d" % (reply["content"]["execution_count"], count + 2))
    reply = k.execute("before").reply
    check(reply["content"]["status"] == "error", "after crash: `before` still defined, want a fresh session")
    outputs = k.must_run("import \"gil\"\ngil.Enabled()").outputs
    check(result_text(outputs) == "true", "after crash: the fresh session's GIL is on: %r" % result_text(outputs))


def check_restart_via_manager(k):
    k.must_run("old := 1")
    k.restart()
    reply, outputs, _, _ = k.must_run("1+1")
    check(result_text(outputs) == "2", "after restart: 1+1 = %r" % result_text(outputs))
    check(reply["content"]["execution_count"] == 1,
          "after restart: execution_count %s, want 1" % reply["content"]["execution_count"])
    reply = k.execute("old").reply
    check(reply["content"]["status"] == "error", "after restart: `old` still defined")


def check_replay_after_restart(k):
    """A message the kernel accepted is rejected by the kernel that
    jupyter_client's restart puts in its place (same key, same session)."""
    session = Session(key=k.km.session.key, signature_scheme=k.km.session.signature_scheme)
    frames = session.serialize(session.msg("kernel_info_request", {}))
    sock = k.socket("shell")
    try:
        sock.send_multipart(frames)
        check(recv_within(sock, REPLY_TIMEOUT) is not None, "a correctly signed message got no reply")
    finally:
        sock.close()
    k.restart()
    sock = k.socket("shell")
    try:
        sock.send_multipart(frames)
        check(recv_within(sock, SILENCE_WINDOW) is None, "a message replayed after the restart was answered")
        sock.send_multipart(session.serialize(session.msg("kernel_info_request", {})))
        check(recv_within(sock, REPLY_TIMEOUT) is not None, "no reply to a new message after the restart")
    finally:
        sock.close()
    k.must_run("1+1")


def check_stalled_iopub_subscriber(k):
    """An IOPub subscriber that never reads does not hold up the client:
    it gets all of a 60 MiB print and its idle status."""
    info = k.km.get_connection_info()
    sub = zmq.Context.instance().socket(zmq.SUB)
    sub.setsockopt(zmq.RCVHWM, 1)
    sub.setsockopt(zmq.RCVBUF, 4096)
    sub.linger = 0
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(zmq_address(info, info["iopub_port"]))
    try:
        # The subscription has reached the kernel once the stalled socket
        # has something (ZeroMQ's slow joiner).
        deadline = time.monotonic() + REPLY_TIMEOUT
        while not sub.poll(100):
            check(time.monotonic() < deadline, "the stalled subscriber never got a message")
            k.kc.kernel_info()
        k.drain(0.1)
        mib = 60
        r = k.must_run('import "strings"\nimport "fmt"\nline := strings.Repeat("x", 1023) + "\\n"\n'
                       'for i := 0; i < %d*1024; i++ { fmt.Print(line) }' % mib, timeout=120)
        got = len(stdout_text(r.outputs))
        check(got == mib << 20, "the client got %d bytes of %d" % (got, mib << 20))
    finally:
        sub.close()


def check_large_cells_memory(k):
    """Three cells of 20 MiB leave the kernel process (not its worker) at
    most one cell's size above where it was (248 MiB after them, from 24,
    when every copy stayed)."""
    cell = 20 << 20
    k.must_run("1")
    before = rss_kib(k.pid) * 1024
    code = "x := 1 //" + "y" * cell
    for _ in range(3):
        k.must_run(code, timeout=120)
    grown = rss_kib(k.pid) * 1024 - before
    check(grown < cell, "the kernel's RSS grew by %d MiB after three cells of %d MiB" % (grown >> 20, cell >> 20))


def _running(pid, st):
    """Whether pid is still the process that started at st and not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return False
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[0] != "Z" and int(fields[19]) == st


def check_parent_death(_k):
    """A kernel whose parent (JPY_PARENT_PID) is killed exits within 2 s,
    and its worker with it: no orphans under PID 1."""
    argv0 = KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv[0]
    with tempfile.TemporaryDirectory() as d:
        conn, _ = write_connection_file(os.path.join(d, "conn.json"), ip="127.0.0.1", key=b"parent-death")
        # The parent: a shell that starts the kernel and waits for it.
        parent = subprocess.Popen(
            ["/bin/sh", "-c", 'JPY_PARENT_PID=$$ "$0" kernel -f "$1" 2>/dev/null & echo $!; wait', argv0, conn],
            stdout=subprocess.PIPE, text=True)
        procs = {}
        try:
            kpid = int(parent.stdout.readline())
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while time.monotonic() < deadline and len(tree(kpid)) < 2:
                time.sleep(0.05)
            procs = {p: starttime(p) for p in tree(kpid)}
            check(len(procs) >= 2, "the kernel started no worker: %s" % procs)
            parent.kill()
            parent.wait()
            killed = time.monotonic()
            alive = procs
            while alive and time.monotonic() - killed < REPLY_TIMEOUT:
                alive = {p: st for p, st in alive.items() if _running(p, st)}
                time.sleep(0.02)
            took = time.monotonic() - killed
            check(not alive, "still running %ss after the parent was killed: %s" % (REPLY_TIMEOUT, sorted(alive)))
            check(took <= 2.0, "the kernel and its worker exited %.2fs after the parent, want at most 2 s" % took)
        finally:
            kill_all(procs, None, None)
            if parent.poll() is None:
                parent.kill()
                parent.wait()


def check_oversized_input(k):
    """A cell of 11.5 M '<' runs (JSON escaping used to blow it past the
    worker's 64 MiB frame and lose the session); a 100 MB cell gets an
    InputTooLarge error reply and on IOPub (it used to get no reply at all);
    the session's variables survive both, and so does a huge complete_request."""
    k.must_run("kept := 41")
    r = k.execute("x := 1 //" + "<" * 11_500_000 + "\nx")
    check(r.reply["content"]["status"] == "ok", "11.5 M '<': %s %s" % (
        r.reply["content"].get("ename"), r.reply["content"].get("evalue")))
    huge = "y := 2 //" + "a" * 100_000_000
    r = k.execute(huge)
    content = r.reply["content"]
    check(content["status"] == "error" and content.get("ename") == "InputTooLarge",
          "100 MB cell: %s %s" % (content.get("ename"), content.get("evalue")))
    check("67108864" in content.get("evalue", ""), "100 MB cell: evalue %r lacks the limit" % content.get("evalue"))
    check(any(m["msg_type"] == "error" for m in r.outputs), "100 MB cell: no error on IOPub")
    mid = k.kc.complete(huge, 3)
    reply = k.reply_for(mid)["content"]
    check(reply["status"] == "error" and reply.get("ename") == "InputTooLarge", "huge complete: %s" % reply)
    outputs = k.must_run("kept + 1").outputs
    check(result_text(outputs) == "42", "after the big cells: kept + 1 = %r, want 42" % result_text(outputs))


def _marked(marker):
    """Running processes whose argv holds marker."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if marker.encode() in argv:
            found.append(int(pid))
    return found


def check_cell_processes_end(k):
    """A process a cell starts (os.StartProcess) ends when the kernel is
    killed by restart_kernel(now=True), and when the worker crashes."""
    for how in ("restart", "crash"):
        marker = "%d.%06d" % (900000 + random.randrange(99999), random.randrange(999999))
        k.must_run('import "os"\n_, err := os.StartProcess("/bin/sleep", []string{"sleep", "%s"}, '
                   '&os.ProcAttr{})\nerr' % marker)
        check(len(_marked(marker)) == 1, "%s: sleep %s is not running" % (how, marker))
        if how == "restart":
            k.remember_pids()
            k.km.restart_kernel(now=True)
            k._ready(time.perf_counter(), STARTUP_TIMEOUT)
            k.drain(0.2)
        else:
            r = k.execute(CONCURRENT_MAP_WRITES, timeout=CRASH_TIMEOUT)
            check(r.reply["content"].get("ename") == "InterpreterCrashed", "crash: %s" % r.reply["content"])
        deadline = time.monotonic() + REPLY_TIMEOUT
        while _marked(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        check(not _marked(marker), "%s: sleep %s still running" % (how, marker))


def check_event_pipe_out_of_sync(k):
    """Compiled code that writes two stray bytes to the worker's event pipe
    (fd 4) gets InterpreterCrashed saying so, at once (the cell used to
    stay unanswered, interrupts too), and the next cell runs."""
    k.must_run("%%compile\nimport \"syscall\"\n\nfunc Stray() { syscall.Write(4, []byte{1, 2}) }",
               timeout=CRASH_TIMEOUT)
    content = k.execute("Stray()").reply["content"]
    check(content.get("ename") == "InterpreterCrashed" and "out of sync" in content.get("evalue", ""),
          "stray bytes: %s %s" % (content.get("ename"), content.get("evalue")))
    outputs = k.must_run("1+1").outputs
    check(result_text(outputs) == "2", "after the stray bytes: 1+1 = %r" % result_text(outputs))


def check_widget_comms(k):
    """A slider made in a cell: its comm_open (target jupyter.widget,
    protocol 2.1.0) and its view; the frontend's comm_msg update runs the
    cell's observer, whose print has the comm_msg as parent; comm_info
    lists the comm; a later cell reads the value the frontend set."""
    r = k.must_run('import ("fmt"; "widgets")\n'
                   's := widgets.IntSlider(5, 0, 10)\n'
                   's.Observe("value", func(old, new any) { fmt.Println("moved", old, "->", new) })\n'
                   's')
    opens = [m for m in r.outputs if m["msg_type"] == "comm_open"
             and m["content"]["data"]["state"].get("_model_name") == "IntSliderModel"]
    check(len(opens) == 1, "comm_open of the slider: %s" % [m["msg_type"] for m in r.outputs])
    op = opens[0]
    check(op["content"]["target_name"] == "jupyter.widget" and op["metadata"].get("version") == "2.1.0",
          "comm_open: %s %s" % (op["content"]["target_name"], op["metadata"]))
    cid = op["content"]["comm_id"]
    views = [m for m in r.outputs if m["msg_type"] in ("execute_result", "display_data")
             and m["content"]["data"].get("application/vnd.jupyter.widget-view+json", {}).get("model_id") == cid]
    check(len(views) == 1, "no widget view of %s" % cid)
    msg = k.kc.session.msg("comm_msg", {"comm_id": cid, "data": {
        "method": "update", "state": {"value": 7}, "buffer_paths": []}})
    k.kc.shell_channel.send(msg)
    msgs = k.iopub_for(msg["header"]["msg_id"])
    text = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream")
    check("moved 5 -> 7" in text, "observer output %r (IOPub: %s)" % (text, [m["msg_type"] for m in msgs]))
    mid = k.kc.comm_info(target_name="jupyter.widget")
    comms = k.reply_for(mid)["content"]["comms"]
    check(comms.get(cid, {}).get("target_name") == "jupyter.widget", "comm_info: %s" % comms)
    r = k.must_run("s.Value()")
    shown = [m["content"]["data"]["text/plain"] for m in r.outputs if m["msg_type"] == "execute_result"]
    check(shown == ["7"], "s.Value() showed %s" % shown)


def _start_sleeper(k):
    """Start a sleep from a cell with os/exec, in a session of its own
    (setsid: out of the worker's process group); its marker argument."""
    marker = "%d.%06d" % (900000 + random.randrange(99999), random.randrange(999999))
    k.must_run('import "os/exec"\nexec.Command("setsid", "sleep", "%s").Start()' % marker)
    deadline = time.monotonic() + REPLY_TIMEOUT
    while not _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.02)
    check(len(_marked(marker)) == 1, "sleep %s is not running" % marker)
    return marker


def _gone(pids, marker, what):
    """Check that pids (pid -> start time) and the marked sleep end."""
    deadline = time.monotonic() + REPLY_TIMEOUT
    alive = pids
    while time.monotonic() < deadline:
        alive = {p: st for p, st in alive.items() if _running(p, st)}
        if not alive and not _marked(marker):
            return
        time.sleep(0.05)
    check(not alive, "%s: still running: %s" % (what, sorted(alive)))
    check(not _marked(marker), "%s: the cell's sleep %s is still running" % (what, marker))


def check_sigterm_ends_tree(k):
    """SIGTERM ends the kernel, its worker and the processes a cell
    started."""
    marker = _start_sleeper(k)
    procs = {p: starttime(p) for p in tree(k.pid)}
    os.kill(k.pid, signal.SIGTERM)
    try:
        k.km.provisioner.process.wait(timeout=REPLY_TIMEOUT)
    except Exception:
        raise CheckFailed("kernel still running %ss after SIGTERM" % REPLY_TIMEOUT)
    _gone(procs, marker, "after SIGTERM")


def check_shutdown_request(k):
    marker = _start_sleeper(k)
    procs = {p: starttime(p) for p in tree(k.pid)}
    msg_id = k.control_request("shutdown_request", {"restart": True})
    reply = k.reply_for(msg_id, channel="control")
    check(reply["content"].get("restart") is True, "shutdown_reply: %s, want restart true" % reply["content"])
    proc = k.km.provisioner.process
    try:
        code = proc.wait(timeout=REPLY_TIMEOUT)
    except Exception:
        raise CheckFailed("kernel still running %ss after shutdown_reply" % REPLY_TIMEOUT)
    check(code == 0, "kernel exit status %s after shutdown_request, want 0" % code)
    _gone(procs, marker, "after shutdown_request")


CHECKS = [
    check_busy_idle_every_request,
    check_interrupt_sleep_by_message,
    check_interrupt_busy_loop_by_message,
    check_interrupt_by_sigint,
    check_stdin,
    check_bad_signature_and_replay,
    check_random_frames,
    check_recursion_limit,
    check_crash_recovery,
    check_restart_via_manager,
    check_replay_after_restart,
    check_stalled_iopub_subscriber,
    check_large_cells_memory,
    check_parent_death,
    check_widget_comms,
    check_sigterm_ends_tree,
    check_oversized_input,
    check_event_pipe_out_of_sync,
    check_cell_processes_end,
    check_shutdown_request,  # last: it ends the kernel
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-k", action="append", default=[], help="run only checks whose name contains this")
    args = parser.parse_args()
    checks = [c for c in CHECKS if not args.k or any(s in c.__name__ for s in args.k)]

    results = []
    k = None
    try:
        for fn in checks:
            name = fn.__name__[len("check_"):]
            start = time.monotonic()
            try:
                if k is None:
                    k = fresh_kernel()
                elif not k.km.is_alive():
                    k.close()
                    k = fresh_kernel()
                k.drain(0.2)
                fn(k)
                results.append((name, True, ""))
                print("ok    %-40s %6.2fs" % (name, time.monotonic() - start), flush=True)
            except Exception as e:  # noqa: BLE001 - report every failure, go on
                # The kit's waits that run out raise TimeoutError: a failed check too.
                detail = str(e) if isinstance(e, (CheckFailed, TimeoutError)) else traceback.format_exc()
                results.append((name, False, detail))
                print("FAIL  %-40s %6.2fs\n      %s" % (name, time.monotonic() - start, detail), flush=True)
                if k is not None and k.km.has_kernel and not k.km.is_alive():
                    k.close()
                    k = None
    finally:
        if k is not None:
            k.close()

    failed = [r for r in results if not r[1]]
    print("\ntest_protocol: %d checks, %d passed, %d failed" % (len(results), len(results) - len(failed), len(failed)))
    for name, _, detail in failed:
        print("  FAIL %s: %s" % (name, detail.splitlines()[0] if detail else ""))
    print("test_protocol: %s" % ("FAIL" if failed else "PASS"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
