#!/usr/bin/env bash
# Builds a real kube-apiserver (Kubernetes 1.20.2, from Debian's own `kubernetes` source package)
# and copies etcd (Debian `etcd-server`) next to it, once, into a cache directory that the
# Kubernetes store tests (test/helpers/kube-apiserver.ts) use. Nothing of the kind is packaged for
# Debian or npm; the recipe is in ../shared/reference/libs.md §8.
#
#   test/k8s/build-apiserver.sh          # ≈ 5 min on 2 cores the first time, instant afterwards
#   CERTCTL_K8S_CACHE=/some/dir test/k8s/build-apiserver.sh
#
# Prints the directory holding `kube-apiserver` and `etcd` on its last line.
# Needs root (apt-get) unless the packages below are already installed. Idempotent and safe to
# run twice at once (flock).
set -euo pipefail

CACHE="${CERTCTL_K8S_CACHE:-$HOME/.cache/certctl-k8s}"
BIN="$CACHE/bin"
# Bump when the recipe changes so old caches are rebuilt instead of silently reused.
STAMP="kube-apiserver 1.20.2 (debian 1.20.5+really1.20.2) + reflect2 1.0.2, recipe 1"
PACKAGES=(golang-go etcd-server golang-github-modern-go-reflect2-dev rsync)
REFLECT2_SRC=/usr/share/gocode/src/github.com/modern-go/reflect2

log() { printf 'build-apiserver: %s\n' "$*" >&2; }

is_built() {
  [ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/etcd" ] && [ "$(cat "$BIN/STAMP" 2>/dev/null)" = "$STAMP" ]
}

mkdir -p "$CACHE"
if is_built; then echo "$BIN"; exit 0; fi

exec 9>"$CACHE/.lock"
flock 9
# Another run may have finished while we waited for the lock.
if is_built; then echo "$BIN"; exit 0; fi

started=$(date +%s)

# --- 1. Debian packages -------------------------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  SUDO=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { log "not root and no sudo: apt-get install -y ${missing[*]}"; exit 1; }
    SUDO=(sudo)
  fi
  # etcd-server's postinst may try to start a system etcd; in containers without an init system
  # that is a no-op, and the tests run their own etcd on a free port anyway.
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
ETCD="$(command -v etcd || true)"
[ -n "$ETCD" ] || ETCD=/usr/bin/etcd
[ -x "$ETCD" ] || { log "etcd not found after installing etcd-server"; exit 1; }
[ -d "$REFLECT2_SRC" ] || { log "$REFLECT2_SRC missing (golang-github-modern-go-reflect2-dev)"; exit 1; }

# --- 2. Debian source of kubernetes, via a private apt configuration ---------------------------
# A private sources.list *and* private lists/cache directories: `apt-get update` with a different
# source list would otherwise delete the system's package lists.
APT="$CACHE/apt"
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/parts" "$CACHE/download"
echo 'deb-src http://deb.debian.org/debian bookworm main' >"$APT/sources.list"
APT_OPTS=(
  -o "Dir::Etc::SourceList=$APT/sources.list" -o "Dir::Etc::SourceParts=$APT/parts"
  -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache"
  -o "APT::Sandbox::User=root" -qq
)
orig=$(ls "$CACHE"/download/kubernetes_*.orig.tar.* 2>/dev/null | head -n1 || true)
if [ -z "$orig" ]; then
  log "downloading Debian source package kubernetes"
  apt-get "${APT_OPTS[@]}" update >&2
  (cd "$CACHE/download" && apt-get "${APT_OPTS[@]}" source --download-only kubernetes >&2)
  orig=$(ls "$CACHE"/download/kubernetes_*.orig.tar.* | head -n1)
fi
log "source: $(basename "$orig")"

# --- 3. Unpack, swap reflect2 ----------------------------------------------------------------
SRC="$CACHE/src"
rm -rf "$SRC"
mkdir -p "$SRC"
tar -xf "$orig" -C "$SRC" --strip-components=1
[ -f "$SRC/cmd/kube-apiserver/apiserver.go" ] || { log "unexpected source layout in $orig"; exit 1; }
# Vendored reflect2 1.0.1 dereferences nil under Go >= 1.18: kube-apiserver then panics on every
# JSON request body containing a map (JS clients see ECONNRESET; kubectl speaks protobuf and
# does not notice). Debian's 1.0.2 is API-compatible and fixed.
rm -rf "$SRC/vendor/github.com/modern-go/reflect2"
cp -r "$REFLECT2_SRC" "$SRC/vendor/github.com/modern-go/reflect2"
rm -rf "$SRC/vendor/github.com/modern-go/reflect2/.git" "$SRC/vendor/github.com/modern-go/reflect2/"*_test.go

# --- 4. Build, as Debian's debian/rules does (GOPATH layout, vendored deps, no network) --------
mkdir -p "$SRC/.go/src/k8s.io" "$CACHE/home"
ln -sfn ../../.. "$SRC/.go/src/k8s.io/kubernetes"
log "building kube-apiserver with $(go version) (this takes minutes)"
(
  cd "$SRC/.go/src/k8s.io/kubernetes"
  env HOME="$CACHE/home" GOPATH="$SRC/.go" GOCACHE="$CACHE/gocache" CGO_ENABLED=0 GOPROXY=off \
    GOFLAGS= GO111MODULE= make WHAT=cmd/kube-apiserver >&2
)
built=$(ls "$SRC"/_output/local/bin/linux/*/kube-apiserver | head -n1)

# --- 5. Install into the cache, drop the 2 GB tree -------------------------------------------
mkdir -p "$BIN"
cp "$built" "$BIN/kube-apiserver.tmp" && mv "$BIN/kube-apiserver.tmp" "$BIN/kube-apiserver"
cp "$ETCD" "$BIN/etcd.tmp" && mv "$BIN/etcd.tmp" "$BIN/etcd"
"$BIN/kube-apiserver" --version >&2
[ -n "${CERTCTL_K8S_KEEP_SRC:-}" ] || rm -rf "$SRC" "$CACHE/gocache" "$CACHE/home"
echo "$STAMP" >"$BIN/STAMP"
log "done in $(( $(date +%s) - started )) s"
echo "$BIN"
