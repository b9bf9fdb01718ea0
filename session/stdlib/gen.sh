#!/bin/sh
# gen.sh regenerates the zsym_*.go symbol files of package stdlib with the
# extract subcommand of yaegi (the version pinned in go.mod), using the Go
# toolchain on PATH. It is run by `go generate` from this directory.
#
# Packages come from packages.txt (one import path a line). Packages whose
# exported API is entirely generic extract to an empty map; such a file is
# dropped, because an empty binary package would shadow the interpreted
# source package of the same path (see doc.go).
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$dir" && go build -o "$tmp/yaegi" github.com/traefik/yaegi/cmd/yaegi)
mkdir "$tmp/out"
rm -f "$dir"/zsym_*.go
cd "$tmp/out"
grep -v '^#' "$dir/packages.txt" | grep -v '^$' | while read -r pkg; do
	"$tmp/yaegi" extract -name stdlib "$pkg"
done
for f in *.go; do
	if grep -q 'map\[string\]reflect.Value{}' "$f"; then
		echo "gen.sh: skip ${f%.go} (generic only)" >&2
		continue
	fi
	mv "$f" "$dir/zsym_$(echo "${f%.go}" | tr -- '-.' '__').go"
done
