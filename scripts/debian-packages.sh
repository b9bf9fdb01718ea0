#!/usr/bin/env bash
# Installs the Debian packages gilgo's tests and `make run` need, skipping
# those already installed: Jupyter (client, kernel test suite, nbclient,
# nbconvert, the classic Notebook, console), ipykernel (the benchmark's
# baseline), gcc (cgo for the compiled tier), jupyter_server and
# jupyterlab_server (gilgo's JupyterLab, lab/), and, for the end-to-end
# tests, JupyterHub, Chromium and a websocket client. Node.js and npm come
# with the machine; the e2e scripts fetch playwright-core and
# configurable-http-proxy with npm.
#
# Usage: scripts/debian-packages.sh [all|run]   (run: only what `make run` needs)
set -euo pipefail

run_packages=(jupyter-notebook jupyter-client python3-jupyter-server python3-jupyterlab-server libjs-mathjax)
test_packages=(
	python3-jupyter-client
	python3-ipykernel
	python3-jupyter-kernel-test
	python3-nbclient
	jupyter-nbconvert
	jupyter-notebook
	python3-jupyter-server
	python3-jupyterlab-server
	libjs-mathjax
	jupyter-console
	jupyter-client
	gcc
	make
	jupyterhub
	chromium
	python3-websocket
	fonts-dejavu-core
)

case "${1:-all}" in
run) packages=("${run_packages[@]}") ;;
all) packages=("${test_packages[@]}") ;;
*)
	echo "usage: $0 [all|run]" >&2
	exit 2
	;;
esac

missing=()
for p in "${packages[@]}"; do
	if ! dpkg -s "$p" >/dev/null 2>&1; then
		missing+=("$p")
	fi
done
if ((${#missing[@]} == 0)); then
	echo "debian-packages: all present"
	exit 0
fi
sudo=()
if [[ $(id -u) -ne 0 ]]; then
	sudo=(sudo)
fi
echo "debian-packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update </dev/null
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
