#!/usr/bin/python3
"""Drive a running loopback JupyterHub (started by run.sh) as a course would
be used: two students, each with a server and a gilgo kernel, whose state must
stay apart.

Uses only the standard library and Debian's python3-websocket. Exits 0 when
every check passes, 1 with "hubtest: FAIL: ..." otherwise. Environment (set by
run.sh): E2E_PUBLIC_PORT, E2E_SERVICE_TOKEN, E2E_PASSWORD, E2E_TMP,
E2E_NOTEBOOKS, E2E_KERNEL (default gilgo).
"""

import datetime
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid

import websocket

E = os.environ
BASE = "http://127.0.0.1:%s" % E["E2E_PUBLIC_PORT"]
WS_BASE = "ws://127.0.0.1:%s" % E["E2E_PUBLIC_PORT"]
SERVICE_TOKEN = E["E2E_SERVICE_TOKEN"]
PASSWORD = E["E2E_PASSWORD"]
TMP = E["E2E_TMP"]
NOTEBOOKS = E["E2E_NOTEBOOKS"]
KERNEL = E.get("E2E_KERNEL", "gilgo")
USERS = ["alice", "bob"]
CELL_TIMEOUT = float(E.get("E2E_CELL_TIMEOUT", "120"))


class Fail(Exception):
    pass


def log(msg):
    print("hubtest: %s" % msg, flush=True)


def http(method, path, token=None, body=None, want=(200,)):
    """Call the hub or a user's server through the proxy; returns (status,
    decoded JSON or None). Fails when the status is not in WANT."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "token " + token)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    if want and status not in want:
        raise Fail("%s %s: got HTTP %d, want %s: %s" % (method, path, status, want, raw[:300].decode(errors="replace")))
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


def wait_until(what, fn, timeout=120, every=0.5):
    deadline = time.monotonic() + timeout
    while True:
        got = fn()
        if got:
            return got
        if time.monotonic() > deadline:
            raise Fail("%s: not within %ds" % (what, timeout))
        time.sleep(every)


class Kernel:
    """A kernel of a user's server, driven over its websocket channels."""

    def __init__(self, user, token):
        self.user = user
        self.token = token
        _, k = http("POST", "/user/%s/api/kernels" % user, token, {"name": KERNEL}, want=(201,))
        self.id = k["id"]
        self.session = uuid.uuid4().hex
        url = "%s/user/%s/api/kernels/%s/channels?session_id=%s" % (WS_BASE, user, self.id, self.session)
        self.ws = websocket.create_connection(url, header=["Authorization: token " + token], timeout=CELL_TIMEOUT)

    def execute(self, code):
        """Run CODE; returns (status, text outputs, error dict or None)."""
        msg_id = uuid.uuid4().hex
        self.ws.send(json.dumps({
            "channel": "shell",
            "header": {
                "msg_id": msg_id, "msg_type": "execute_request", "username": self.user,
                "session": self.session, "version": "5.3",
                "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
            },
            "parent_header": {}, "metadata": {},
            "content": {"code": code, "silent": False, "store_history": True,
                        "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
            "buffers": [],
        }))
        outputs, error, status, idle = [], None, None, False
        deadline = time.monotonic() + CELL_TIMEOUT
        while status is None or not idle:
            if time.monotonic() > deadline:
                raise Fail("%s: cell %r: no reply within %ds" % (self.user, code, CELL_TIMEOUT))
            try:
                raw = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                raise Fail("%s: cell %r: no message within %ds" % (self.user, code, CELL_TIMEOUT))
            if not isinstance(raw, str):
                continue  # binary frames carry buffers; none expected here
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            t, content = msg["msg_type"], msg["content"]
            if t == "stream":
                outputs.append(content["text"])
            elif t in ("execute_result", "display_data"):
                outputs.append(content["data"].get("text/plain", ""))
            elif t == "error":
                error = content
            elif t == "execute_reply":
                status = content["status"]
            elif t == "status" and content["execution_state"] == "idle":
                idle = True
        return status, "".join(outputs), error

    def expect(self, code, want):
        status, out, err = self.execute(code)
        if status != "ok" or err:
            raise Fail("%s: cell %r: status %s, error %s" % (self.user, code, status, err and (err["ename"], err["evalue"])))
        if want is not None and want not in out:
            raise Fail("%s: cell %r: output %r, want it to contain %r" % (self.user, code, out, want))
        log("%s: %s -> %s" % (self.user, code, out.strip() or "(no output)"))
        return out

    def expect_error(self, code, want):
        status, out, err = self.execute(code)
        if status != "error" or not err:
            raise Fail("%s: cell %r: status %s output %r, want an error" % (self.user, code, status, out))
        text = "%s: %s" % (err["ename"], err["evalue"])
        if want not in text:
            raise Fail("%s: cell %r: error %r, want it to mention %r" % (self.user, code, text, want))
        log("%s: %s -> error %s" % (self.user, code, text))

    def close(self):
        try:
            self.ws.close()
        finally:
            http("DELETE", "/user/%s/api/kernels/%s" % (self.user, self.id), self.token, want=(204,))


def server_ready(user):
    _, model = http("GET", "/hub/api/users/" + user, SERVICE_TOKEN)
    s = model.get("servers", {}).get("")
    return s if s and s.get("ready") else None


def server_gone(user):
    _, model = http("GET", "/hub/api/users/" + user, SERVICE_TOKEN)
    return not model.get("servers", {}).get("")


def main():
    def hub_up():
        try:
            return http("GET", "/hub/api/", want=None)[0] == 200
        except OSError:  # not listening yet
            return False

    wait_until("hub API", hub_up, timeout=60)
    log("hub is up at " + BASE)

    http("POST", "/hub/api/users", SERVICE_TOKEN, {"usernames": USERS}, want=(201,))
    log("created users %s" % USERS)

    # A student's own edit of a course notebook must survive the copy hook.
    course = []
    for dirpath, dirnames, filenames in os.walk(NOTEBOOKS):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        course += [os.path.relpath(os.path.join(dirpath, f), NOTEBOOKS) for f in filenames if not f.startswith(".")]
    course.sort()
    if not course:
        raise Fail("no course notebooks in " + NOTEBOOKS)
    kept = os.path.join(TMP, "home", "bob", "gilgo-course", course[0])
    os.makedirs(os.path.dirname(kept))
    with open(kept, "w") as f:
        f.write("bob's edit\n")

    for u in USERS:
        http("POST", "/hub/api/users/%s/server" % u, SERVICE_TOKEN, want=(201, 202))
    for u in USERS:
        s = wait_until("%s's server ready" % u, lambda: server_ready(u), timeout=150)
        log("%s's server is ready at %s" % (u, s.get("url")))

    for u in USERS:
        for name in course:
            p = os.path.join(TMP, "home", u, "gilgo-course", name)
            if not os.path.isfile(p):
                raise Fail("pre-spawn hook: %s missing" % p)
    with open(kept) as f:
        if f.read() != "bob's edit\n":
            raise Fail("pre-spawn hook overwrote %s" % kept)
    log("course notebooks copied into both homes; bob's edit kept")

    tokens = {}
    for u in USERS:
        _, t = http("POST", "/hub/api/users/%s/tokens" % u, None,
                    {"auth": {"username": u, "password": PASSWORD}, "note": "e2e"}, want=(200, 201))
        tokens[u] = t["token"]

    status, _ = http("GET", "/user/bob/api/kernels", tokens["alice"], want=None)
    if status == 200:
        raise Fail("alice's token reads bob's server: GET /user/bob/api/kernels got 200")
    log("alice's token is refused by bob's server (HTTP %d)" % status)

    for u in USERS:
        _, specs = http("GET", "/user/%s/api/kernelspecs" % u, tokens[u])
        if KERNEL not in specs.get("kernelspecs", {}):
            raise Fail("%s's server has no %s kernelspec: %s" % (u, KERNEL, sorted(specs.get("kernelspecs", {}))))
    log("both servers list the %s kernelspec" % KERNEL)

    kernels = {}
    try:
        for u in USERS:
            kernels[u] = Kernel(u, tokens[u])
            log("%s: kernel %s started" % (u, kernels[u].id))
        a, b = kernels["alice"], kernels["bob"]
        a.expect('secret := "alice"', None)
        b.expect('secret := "bob"', None)
        a.expect("onlyAlice := 42", None)
        a.expect("secret", "alice")
        b.expect("secret", "bob")
        out_a = a.expect("secret", None)
        if "bob" in out_a:
            raise Fail("alice sees bob's secret: %r" % out_a)
        out_b = b.expect("secret", None)
        if "alice" in out_b:
            raise Fail("bob sees alice's secret: %r" % out_b)
        b.expect_error("onlyAlice", "onlyAlice")
        a.expect("onlyAlice", "42")
        for u, k in kernels.items():
            k.expect('import (\n\t"fmt"\n\t"os"\n)', None)
            k.expect('fmt.Println(os.Getenv("HOME"))', os.path.join(TMP, "home", u))
        # A module from the course's shared caches: each student imports
        # it without building it (their own plugin cache stays empty).
        for u, k in kernels.items():
            k.expect('import "example.com/stats"\nstats.Mean([]float64{1, 2, 3, 4})', "2.5")
            k.expect('plugins, _ := os.ReadDir(os.Getenv("HOME") + "/.cache/gilgo/plugins")\nlen(plugins)', "0")
            k.expect("%go mod", os.path.join(TMP, "home", u, ".cache", "gilgo", "module", "go.mod"))
            log("%s: example.com/stats from the shared cache" % u)
    finally:
        for k in kernels.values():
            try:
                k.close()
            except Exception as err:  # keep closing the others
                log("closing %s's kernel: %s" % (k.user, err))

    for u in USERS:
        http("DELETE", "/hub/api/users/%s/server" % u, SERVICE_TOKEN, want=(202, 204))
    for u in USERS:
        wait_until("%s's server stopped" % u, lambda: server_gone(u), timeout=60)
    log("servers stopped")

    http("POST", "/hub/api/shutdown", SERVICE_TOKEN, {"servers": True, "proxy": True}, want=(202,))
    log("hub shutdown requested")


if __name__ == "__main__":
    try:
        main()
    except Fail as err:
        print("hubtest: FAIL: %s" % err, file=sys.stderr)
        sys.exit(1)
    except Exception as err:
        print("hubtest: FAIL: %s: %s" % (type(err).__name__, err), file=sys.stderr)
        sys.exit(1)
    print("hubtest: all checks passed")
