#!/usr/bin/env bash
# JupyterHub course test on loopback: Debian's jupyterhub 3.0 with npm's
# configurable-http-proxy, DummyAuthenticator, SimpleLocalProcessSpawner with
# per-user homes under a temp dir, the classic Notebook as single-user app and
# the gilgo kernelspec in a temp prefix. hubtest.py creates two students,
# starts their servers and gilgo kernels, checks their variables stay apart,
# stops the servers and shuts the hub down.
#
#   deploy/jupyterhub/test/run.sh [LOGDIR]
#
# LOGDIR (default: a temp dir, printed on failure) receives jupyterhub.log.
# Environment: GILGO (default bin/gilgo of this checkout), PYTHON
# (default /usr/bin/python3), E2E_NOTEBOOKS (course notebooks to hand out;
# default notebooks/ of this checkout if it has any, else the browser smoke
# notebook), E2E_KERNEL (default gilgo).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
python=${PYTHON:-/usr/bin/python3}
gilgo=${GILGO:-$root/bin/gilgo}
kernel=${E2E_KERNEL:-gilgo}

die() {
	echo "hubtest: $*" >&2
	exit 1
}

command -v jupyterhub >/dev/null || die "jupyterhub missing (apt-get install jupyterhub)"
"$python" -c 'import websocket' 2>/dev/null || die "python3-websocket missing (apt-get install python3-websocket)"
"$python" -c 'import notebook.notebookapp' 2>/dev/null || die "classic notebook missing (apt-get install jupyter-notebook)"
chp=$here/node_modules/.bin/configurable-http-proxy
if [[ ! -x $chp ]]; then
	echo "hubtest: installing configurable-http-proxy (npm ci)"
	(cd "$here" && npm ci --no-fund --no-audit --silent) || die "npm ci in $here failed"
fi

if ! out=$("$python" "$here/test_gilgo_course.py" 2>&1); then
	echo "$out" >&2
	die "unit tests of gilgo_course.py failed"
fi

tmp=$(mktemp -d /tmp/gilgo-e2e-hub.XXXXXX)
logdir=${1:-$tmp/logs}
mkdir -p "$logdir"
logdir=$(cd "$logdir" && pwd)
hub_pid=
test_pid=
keep_logs=

cleanup() {
	local status=$?
	trap '' INT TERM # a second signal must not cut the cleanup short
	if [[ -n $test_pid ]]; then
		kill -TERM "$test_pid" 2>/dev/null || true
		wait "$test_pid" 2>/dev/null || true
	fi
	if [[ -n $hub_pid ]] && kill -0 "$hub_pid" 2>/dev/null; then
		# SIGTERM: the hub stops the servers it spawned and the proxy.
		kill -TERM "$hub_pid" 2>/dev/null || true
		for _ in $(seq 1 75); do
			kill -0 "$hub_pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$hub_pid" 2>/dev/null || true
	fi
	[[ -n $hub_pid ]] && wait "$hub_pid" 2>/dev/null || true
	# The proxy, the single-user servers and their kernels run in sessions of
	# their own; each is ours if it names $tmp (pid file, notebook dir,
	# connection file) and is ended by its pid.
	local left
	left=$( (cat "$tmp/proxy.pid" 2>/dev/null; echo; pgrep -f -- "$tmp/" || true) | grep -E '^[0-9]+$' || true)
	for pid in $left; do
		if kill -0 "$pid" 2>/dev/null; then
			echo "hubtest: ending leftover process $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)" >&2
			kill -KILL "$pid" 2>/dev/null || true
		fi
	done
	if ((status != 0)) && [[ $logdir == "$tmp"/* ]]; then
		keep_logs=$(mktemp -d /tmp/gilgo-e2e-hub-logs.XXXXXX)
		cp -r "$logdir"/. "$keep_logs"/
		echo "hubtest: logs kept in $keep_logs" >&2
	fi
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

prefix=$tmp/prefix
if [[ $kernel == gilgo ]]; then
	[[ -x $gilgo ]] || die "gilgo binary $gilgo missing (make build)"
	"$gilgo" install --prefix "$prefix" >/dev/null || die "gilgo install --prefix $prefix failed"
fi

# The course's modules, as the deploy recipe (../README.md) prepares them:
# a shared module cache and plugin cache, built once, that every student's
# kernel reads. Here the modules come from the Go tests' archives (a file
# proxy, no network).
shared=$tmp/shared
go=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
if [[ $kernel == gilgo ]]; then
	(cd "$root" && "$go" run ./internal/mkproxy modules/testdata/proxy "$tmp/fileproxy") ||
		die "writing the module proxy failed"
	mkdir -p "$shared/warmup"
	cat >"$shared/warmup/warmup.ipynb" <<'EOF'
{"cells": [{"cell_type": "code", "metadata": {}, "source": "import \"example.com/stats\"\nstats.Mean([]float64{1})", "outputs": [], "execution_count": null}],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
EOF
	GOMODCACHE=$shared/gomodcache GOPROXY=file://$tmp/fileproxy GOSUMDB=off GOFLAGS=-modcacherw \
		GILGO_CACHE=$shared/gilgo PATH=$(dirname "$go"):$PATH "$gilgo" run "$shared/warmup/warmup.ipynb" >/dev/null ||
		die "the course's warm-up notebook failed"
fi

# The course: the checkout's notebooks/en and notebooks/zh (not their
# generator sources or the solutions), else the browser smoke notebook.
notebooks=${E2E_NOTEBOOKS:-}
if [[ -z $notebooks ]]; then
	notebooks=$tmp/course
	mkdir -p "$notebooks"
	if compgen -G "$root/notebooks/en/*.ipynb" >/dev/null; then
		cp -r "$root/notebooks/en" "$root/notebooks/zh" "$notebooks/"
	else
		cp "$root/e2e/browser/testdata/smoke.ipynb" "$notebooks/"
	fi
fi

free_ports() {
	"$python" - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}
read -r public_port proxy_api_port hub_port < <(free_ports 3)
rand() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

export E2E_TMP=$tmp E2E_PUBLIC_PORT=$public_port E2E_PROXY_API_PORT=$proxy_api_port \
	E2E_HUB_PORT=$hub_port E2E_SERVICE_TOKEN=$(rand) E2E_PROXY_TOKEN=$(rand) \
	E2E_PASSWORD=$(rand) E2E_CHP=$chp E2E_JUPYTER_PATH=$prefix/share/jupyter \
	E2E_NOTEBOOKS=$notebooks E2E_KERNEL=$kernel E2E_SHARED=$shared E2E_GOBIN=$(dirname "$go")
# The hub passes JUPYTERHUB_SINGLEUSER_APP on through c.Spawner.environment.
(cd "$tmp" && exec setsid jupyterhub -f "$here/jupyterhub_test_config.py" \
	>"$logdir/jupyterhub.log" 2>&1 </dev/null) &
hub_pid=$!
echo "hubtest: jupyterhub on http://127.0.0.1:$public_port (pid $hub_pid), logs in $logdir"

# In the background so that a signal runs the trap at once (bash defers traps
# until a foreground child ends).
"$python" "$here/hubtest.py" &
test_pid=$!
wait "$test_pid" || die "see $logdir/jupyterhub.log"
test_pid=

# hubtest.py asked the hub to shut down; wait for it.
for _ in $(seq 1 100); do
	kill -0 "$hub_pid" 2>/dev/null || break
	sleep 0.2
done
if kill -0 "$hub_pid" 2>/dev/null; then
	die "jupyterhub still running 20 s after the shutdown request"
fi
wait "$hub_pid" || true
hub_pid=
echo "hubtest: PASS"
