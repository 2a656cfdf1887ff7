#!/usr/bin/env bash
# Builds @wus/kernels-onednn's native addon (npm run setup:onednn): fetches the pinned oneDNN 3.2
# wheels from PyPI (hash-checked) into a cache, unpacks them, and compiles the addon with cmake-js
# into packages/kernels-onednn/build/Release (libdnnl.so.3 beside it). Without it wus runs on the
# WebAssembly kernels. Every failure is one line saying what is missing; see ../README.md.
#
#   setup-onednn.sh [--cache DIR] [--clean]        (cache: WUS_ONEDNN_CACHE, default ~/.cache/wus/onednn)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PKG=$(cd "$HERE/.." && pwd)
ROOT=$(cd "$PKG/../.." && pwd)
CACHE=${WUS_ONEDNN_CACHE:-$HOME/.cache/wus/onednn}
ONEDNN=2023.2.0
CLEAN=0

die() { echo "setup-onednn: error: $*" >&2; exit 1; }
say() { echo "setup-onednn: $*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --cache) CACHE=${2:?--cache needs a directory}; shift ;;
    --clean) CLEAN=1 ;;
    -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
  shift
done

# --- preflight: each missing piece in one line --------------------------------------------
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || die "only Linux x86_64 is supported (the oneDNN wheels are manylinux x86_64); wus runs on the WebAssembly kernels"
grep -qw avx2 /proc/cpuinfo || die "this CPU has no AVX2, which the oneDNN kernels need; wus runs on the WebAssembly kernels"
for tool in g++ cmake make python3; do
  command -v "$tool" >/dev/null || die "$tool not found (Debian: apt-get install g++ cmake make python3-pip); wus runs on the WebAssembly kernels"
done
python3 -m pip --version >/dev/null 2>&1 || die "python3 -m pip not available (Debian: apt-get install python3-pip)"
CMAKE_JS=$ROOT/node_modules/cmake-js/bin/cmake-js
[ -f "$CMAKE_JS" ] || die "cmake-js is not installed: run npm ci first"
ADDON_API=$(cd "$ROOT" && node -p "require('node-addon-api').include_dir" 2>/dev/null) || die "node-addon-api is not installed: run npm ci first"

START=$(date +%s)
PREFIX=$CACHE/onednn-$ONEDNN
OUT=$PKG/build/Release
[ "$CLEAN" = 1 ] && rm -rf "$PKG/build"

# --- 1. the pinned wheels, unpacked into one prefix (lib/, include/, lib/cmake/dnnl) ------------
if [ ! -f "$PREFIX/.unpacked" ]; then
  mkdir -p "$CACHE/wheels"
  say "fetching oneDNN $ONEDNN wheels (PyPI, hash-checked) into $CACHE/wheels"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --python-version 3.11 --implementation cp --platform manylinux1_x86_64 \
    --require-hashes -r "$HERE/requirements.txt" -d "$CACHE/wheels" ||
    die "could not download the oneDNN wheels from PyPI (offline? a proxy?); wus runs on the WebAssembly kernels"
  rm -rf "$PREFIX" "$PREFIX.tmp"
  mkdir -p "$PREFIX.tmp"
  for whl in "$CACHE"/wheels/onednn_cpu_gomp-$ONEDNN-*.whl "$CACHE"/wheels/onednn_devel_cpu_gomp-$ONEDNN-*.whl; do
    python3 -m zipfile -e "$whl" "$PREFIX.tmp/whl"
  done
  data=$PREFIX.tmp/whl
  mkdir -p "$PREFIX.tmp/lib"
  # The wheels hold libdnnl.so, .so.3 and .so.3.2 as three copies (zip has no links): keep one.
  cp "$data"/onednn_cpu_gomp-$ONEDNN.data/data/lib/libdnnl.so.3.2 "$PREFIX.tmp/lib/"
  ln -s libdnnl.so.3.2 "$PREFIX.tmp/lib/libdnnl.so.3"
  ln -s libdnnl.so.3 "$PREFIX.tmp/lib/libdnnl.so"
  cp -r "$data"/onednn_devel_cpu_gomp-$ONEDNN.data/data/include "$PREFIX.tmp/"
  cp -r "$data"/onednn_devel_cpu_gomp-$ONEDNN.data/data/lib/cmake "$PREFIX.tmp/lib/"
  rm -rf "$data"
  touch "$PREFIX.tmp/.unpacked"
  mv "$PREFIX.tmp" "$PREFIX"
fi

# --- 2. the addon (cmake-js: oneDNN's own CMake package; Node-API headers from node-api-headers) ---
say "building the addon with cmake-js against oneDNN $ONEDNN"
log=$CACHE/cmake-js.log
(cd "$PKG" && node "$CMAKE_JS" compile --log-level warn --out build \
  --CDONEDNN_ROOT="$PREFIX" --CDNODE_ADDON_API_DIR="$ADDON_API" >"$log" 2>&1) ||
  { tail -20 "$log" >&2 || true; die "the addon did not compile (full log: $log); wus runs on the WebAssembly kernels"; }
# libdnnl beside the addon (its RUNPATH is $ORIGIN): a hard link where the cache shares the file system.
ln -f "$PREFIX/lib/libdnnl.so.3.2" "$OUT/libdnnl.so.3" 2>/dev/null || cp "$PREFIX/lib/libdnnl.so.3.2" "$OUT/libdnnl.so.3"

# --- 3. load it and run a convolution (what wus will do) -----------------------------------
node "$HERE/verify.mjs" "$OUT/wus_onednn.node" || die "the addon built but does not run here (see above); wus runs on the WebAssembly kernels"
say "done in $(( $(date +%s) - START )) s: $OUT/wus_onednn.node"
