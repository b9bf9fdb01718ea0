#!/usr/bin/env bash
# Browser test: run NOTEBOOK in Debian's classic Notebook, or with E2E_UI=lab
# in gilgo's JupyterLab build (lab/, `make lab`), through headless Debian
# Chromium (playwright-core) on the gilgo kernel.
#
#   e2e/browser/run.sh NOTEBOOK OUTDIR [notebook-e2e.js options...]
#
# Picks a free loopback port, installs bin/gilgo's kernelspec into a temporary
# prefix (JUPYTER_PATH), copies NOTEBOOK into a temporary notebook dir, starts
# `python3 -m notebook` there, runs notebook-e2e.js (see `node
# notebook-e2e.js --help` for the expectation options) and always stops the
# server and its kernels. Screenshots, page.log and notebook.log go to OUTDIR.
#
# Environment:
#   GILGO        the gilgo binary (default: bin/gilgo of this checkout)
#   E2E_KERNEL   kernelspec to use (default gilgo; python3 to debug the harness)
#   PYTHON       Python with the classic Notebook (default /usr/bin/python3)
#   E2E_SERVER_TIMEOUT  seconds to wait for the server (default 60)
#   E2E_UI       classic (default: notebook-e2e.js) or lab (lab-e2e.js)
set -euo pipefail

if (($# < 2)); then
	sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
fi
notebook_src=$1
outdir=$2
shift 2

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${PYTHON:-/usr/bin/python3}
gilgo=${GILGO:-$root/bin/gilgo}
kernel=${E2E_KERNEL:-gilgo}
ui=${E2E_UI:-classic}

die() {
	echo "e2e: $*" >&2
	exit 1
}

[[ -f $notebook_src ]] || die "notebook $notebook_src not found"
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium missing (apt-get install chromium)"
case $ui in
classic) "$python" -c 'import notebook.notebookapp' 2>/dev/null || die "$python has no classic notebook (apt-get install jupyter-notebook)" ;;
lab)
	[[ -f $root/lab/build/bundle.js ]] || die "no JupyterLab build in $root/lab/build (make lab)"
	"$python" -c 'import jupyterlab_server' 2>/dev/null || die "$python has no jupyterlab_server (apt-get install python3-jupyterlab-server)"
	;;
*) die "E2E_UI=$ui: want classic or lab" ;;
esac
if [[ ! -d $here/node_modules/playwright-core ]]; then
	echo "e2e: installing playwright-core (npm ci; no browser download)"
	(cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-fund --no-audit --silent) || die "npm ci in $here failed"
fi

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
tmp=$(mktemp -d /tmp/gilgo-e2e-browser.XXXXXX)
server_pid=
node_pid=

cleanup() {
	local status=$?
	trap '' INT TERM # a second signal must not cut the cleanup short
	if [[ -n $node_pid ]] && kill -0 "$node_pid" 2>/dev/null; then
		kill -TERM "$node_pid" 2>/dev/null || true
		for _ in $(seq 1 50); do
			kill -0 "$node_pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$node_pid" 2>/dev/null || true
	fi
	[[ -n $node_pid ]] && wait "$node_pid" 2>/dev/null || true
	if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
		# SIGTERM: the Notebook server shuts its kernels down, then exits.
		kill -TERM "$server_pid" 2>/dev/null || true
		for _ in $(seq 1 50); do
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	# Kernels run in their own sessions with a connection file under $tmp;
	# anything still holding such a path is ours and is ended by its pid.
	local left
	left=$(pgrep -f -- "$tmp/" || true)
	if [[ -n $left ]]; then
		echo "e2e: ending leftover processes $left" >&2
		kill -KILL $left 2>/dev/null || true
	fi
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The kernelspec, in a prefix of our own.
prefix=$tmp/prefix
if [[ $kernel == gilgo ]]; then
	[[ -x $gilgo ]] || die "gilgo binary $gilgo missing (make build)"
	"$gilgo" install --prefix "$prefix" >/dev/null || die "gilgo install --prefix $prefix failed"
fi

# The notebook, copied so that the server may save and autosave freely.
mkdir -p "$tmp/notebooks" "$tmp/runtime" "$tmp/config" "$tmp/data"
nbname=$(basename "$notebook_src")
cp "$notebook_src" "$tmp/notebooks/$nbname"

port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')

allow_root=()
if [[ $(id -u) -eq 0 ]]; then
	allow_root=(--allow-root)
fi

server=(-m notebook) app=NotebookApp script=notebook-e2e.js
if [[ $ui == lab ]]; then
	server=("$root/lab/main.py") app=ServerApp script=lab-e2e.js
fi

# setsid: Ctrl-C in the terminal reaches only this script, whose trap stops the
# server in order.
env JUPYTER_PATH="$prefix/share/jupyter" JUPYTER_RUNTIME_DIR="$tmp/runtime" \
	JUPYTER_CONFIG_DIR="$tmp/config" JUPYTER_DATA_DIR="$tmp/data" \
	IPYTHONDIR="$tmp/ipython" PYDEVD_DISABLE_FILE_VALIDATION=1 \
	GILGO_LAB_STATE="$tmp/lab" setsid "$python" "${server[@]}" --no-browser "${allow_root[@]}" \
	--ip=127.0.0.1 --port="$port" --port-retries=0 \
	--$app.token="$token" --$app.password= \
	--notebook-dir="$tmp/notebooks" \
	>"$outdir/notebook.log" 2>&1 </dev/null &
server_pid=$!

url=http://127.0.0.1:$port
deadline=$((SECONDS + ${E2E_SERVER_TIMEOUT:-60}))
until "$python" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$url/api/status?token=$token" 2>/dev/null; do
	kill -0 "$server_pid" 2>/dev/null || die "notebook server exited early; see $outdir/notebook.log"
	((SECONDS < deadline)) || die "notebook server not up on $url after ${E2E_SERVER_TIMEOUT:-60}s; see $outdir/notebook.log"
	sleep 0.3
done
echo "e2e: $ui server on $url (pid $server_pid), kernel $kernel"

# In the background so that a signal runs the trap at once (bash defers traps
# until a foreground child ends); the trap ends node, which closes Chromium.
node "$here/$script" --url "$url" --token "$token" --notebook "$nbname" \
	--out "$outdir" --kernel "$kernel" "$@" &
node_pid=$!
wait "$node_pid"
