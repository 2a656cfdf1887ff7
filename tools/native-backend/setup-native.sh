#!/usr/bin/env bash
# Opt-in native TensorFlow backend: builds @tensorflow/tfjs-node (or -gpu) 4.22.0 against the
# TensorFlow shared libraries of a pinned PyPI wheel, because tfjs-node's own install script
# downloads libtensorflow from a host we cannot reach. See README.md beside this file.
#
#   setup-native.sh [cpu|gpu] [--root DIR] [--cache DIR] [--requirements FILE] [--build-only] [--no-verify]
#   setup-native.sh --verify [cpu|gpu] [--root DIR]
#   setup-native.sh --uninstall [--purge] [--root DIR]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${WUS_NATIVE_CACHE:-$HERE/.cache}
VARIANT=cpu
ACTION=install
REQS=
VERIFY=1
PURGE=0
TFJS_VERSION=4.22.0
# The wheels are fetched for this interpreter tag whatever Python runs pip: the libraries we
# take from them do not depend on Python (TensorFlow >= 2.12 keeps its C API in
# libtensorflow_cc.so.2, outside the CPython extension).
WHEEL_PY=3.11
WHEEL_PLATFORMS=(manylinux_2_27_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux_2_12_x86_64 manylinux1_x86_64)

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "setup-native: error: $*" >&2; exit 1; }
say() { echo "setup-native: $*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    cpu | gpu) VARIANT=$1 ;;
    --root) ROOT=$(cd "${2:?--root needs a directory}" && pwd); shift ;;
    --cache) mkdir -p "${2:?--cache needs a directory}"; CACHE=$(cd "$2" && pwd); shift ;;
    --requirements) REQS=$(readlink -f "${2:?--requirements needs a file}"); shift ;;
    --build-only) ACTION=build ;;
    --verify) ACTION=verify ;;
    --uninstall) ACTION=uninstall ;;
    --purge) PURGE=1 ;;
    --no-verify) VERIFY=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
  shift
done

if [ "$VARIANT" = gpu ]; then PKG=tfjs-node-gpu; else PKG=tfjs-node; fi
REQS=${REQS:-$HERE/requirements-$VARIANT.txt}
[ -f "$REQS" ] || die "no such requirements file: $REQS"
TF_VERSION=$(sed -n 's/^tensorflow[-a-z]*==\([0-9.]*\).*/\1/p' "$REQS" | head -1)
[ -n "$TF_VERSION" ] || die "no tensorflow pin in $REQS"
STAGE=$CACHE/build/$PKG-$TFJS_VERSION-tf$TF_VERSION
DEST=$ROOT/node_modules/@tensorflow/$PKG

uninstall() {
  for p in tfjs-node tfjs-node-gpu; do
    if [ -d "$ROOT/node_modules/@tensorflow/$p" ]; then
      rm -rf "$ROOT/node_modules/@tensorflow/$p"
      say "removed node_modules/@tensorflow/$p"
    fi
  done
  if [ "$PURGE" = 1 ] && [ -d "$CACHE" ]; then rm -rf "$CACHE"; say "removed cache $CACHE"; fi
  say "auto backend selection is back to wasm/cpu in $ROOT"
}

verify() {
  say "verifying @tensorflow/$PKG from $ROOT"
  node "$HERE/verify.cjs" --root "$ROOT" --package "@tensorflow/$PKG"
}

case "$ACTION" in
  uninstall) uninstall; exit 0 ;;
  verify) verify; exit 0 ;;
esac

# --- preflight ---------------------------------------------------------------------------
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || die "only Linux x86_64 is supported (the wheels are manylinux x86_64)"
for tool in node npm python3 g++ make; do command -v "$tool" >/dev/null || die "$tool not found"; done
python3 -m pip --version >/dev/null 2>&1 || die "python3 -m pip not available (Debian: apt-get install python3-pip)"
glibc=$(getconf GNU_LIBC_VERSION | awk '{print $2}')
[ "$(printf '%s\n2.27\n' "$glibc" | sort -V | head -1)" = 2.27 ] || die "glibc $glibc is older than 2.27 (the wheel is manylinux_2_27)"
# node-gyp cannot download Node headers here: build against the running Node's own prefix.
NODEDIR=${WUS_NODEDIR:-$(node -p "require('path').resolve(process.execPath, '..', '..')")}
[ -f "$NODEDIR/include/node/node_api.h" ] && [ -f "$NODEDIR/include/node/common.gypi" ] ||
  die "Node headers not found under $NODEDIR/include/node (set WUS_NODEDIR to a Node prefix that has them)"
# npm exports npm_config_node_gyp to scripts it runs; otherwise use the node-gyp bundled with npm.
NODE_GYP=${npm_config_node_gyp:-}
if [ -z "$NODE_GYP" ] || [ ! -f "$NODE_GYP" ]; then
  NODE_GYP=$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js
fi
[ -f "$NODE_GYP" ] || die "node-gyp not found (looked for npm's bundled copy at $NODE_GYP)"
[ -f "$ROOT/package.json" ] || die "$ROOT has no package.json"
# npm install --ignore-scripts below must only add the native package to an installed tree,
# never perform the first install (that would skip every other package's install scripts).
[ "$ACTION" = build ] || [ -d "$ROOT/node_modules/@tensorflow/tfjs-core" ] ||
  die "install the workspace first (npm ci, or bash tools/setup.sh), then rerun"

START=$(date +%s)
mkdir -p "$CACHE/wheels" "$CACHE/npm" "$CACHE/build"

# --- 1. fetch the pinned wheel(s), hash-checked --------------------------------------------
say "fetching wheels pinned in $(basename "$REQS") into $CACHE/wheels"
platform_args=()
for p in "${WHEEL_PLATFORMS[@]}"; do platform_args+=(--platform "$p"); done
python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --python-version "$WHEEL_PY" --implementation cp "${platform_args[@]}" \
  --require-hashes -r "$REQS" -d "$CACHE/wheels"

# --- 2. build the binding in a staging copy of the npm package --------------------------
if [ -f "$STAGE/.built" ]; then
  say "reusing built binding in $STAGE"
else
  rm -rf "$STAGE"
  mkdir -p "$STAGE"
  say "fetching @tensorflow/$PKG@$TFJS_VERSION sources"
  tgz=$(cd "$CACHE/npm" && npm pack --silent "@tensorflow/$PKG@$TFJS_VERSION" | tail -1)
  tar -xzf "$CACHE/npm/$tgz" -C "$STAGE"
  pkgdir=$STAGE/package
  say "laying out deps/ from the wheel(s)"
  python3 "$HERE/layout_deps.py" --variant "$VARIANT" --wheels "$CACHE/wheels" --requirements "$REQS" --deps "$pkgdir/deps"
  napi=$(node -e "
    const want = require('$pkgdir/package.json').binary.napi_versions;
    const have = Number(process.versions.napi);
    console.log(Math.max(...want.filter((v) => v <= have)));")
  say "building the binding (N-API $napi) with node-gyp against $NODEDIR"
  (cd "$pkgdir" && node "$NODE_GYP" rebuild --nodedir="$NODEDIR" --module_name=tfjs_binding \
    --module_path="$pkgdir/lib/napi-v$napi" --napi_build_version="$napi" --jobs="$(nproc)" \
    >"$STAGE/build.log" 2>&1) || { tail -30 "$STAGE/build.log" >&2; die "node-gyp build failed (full log: $STAGE/build.log)"; }
  binding=$pkgdir/lib/napi-v$napi/tfjs_binding.node
  # Every TF_*/TFE_* symbol the binding calls must resolve in deps/lib.
  unresolved=$(ldd -r "$binding" 2>&1 | grep -E 'undefined symbol: TFE?_' || true)
  [ -z "$unresolved" ] || die "the binding has unresolved TensorFlow symbols: $unresolved"
  rm -rf "$pkgdir/build" "$pkgdir/deps/include"
  printf 'tfjs %s\ntensorflow %s\nnapi %s\nnode %s\nbuilt %s\n' "$TFJS_VERSION" "$TF_VERSION" "$napi" \
    "$(node -v)" "$(date -u +%FT%TZ)" >"$STAGE/.built"
fi
[ "$ACTION" = build ] && { say "built in $STAGE ($(( $(date +%s) - START )) s)"; exit 0; }

# --- 3. install into the workspace's node_modules ---------------------------------------
# npm installs the package and its JS dependencies as the lock file has them (scripts off:
# no download attempt), without touching package.json or package-lock.json.
say "installing @tensorflow/$PKG@$TFJS_VERSION into $ROOT/node_modules (npm, scripts disabled)"
(cd "$ROOT" && npm install --no-save --ignore-scripts --no-audit --no-fund --loglevel=error \
  "@tensorflow/$PKG@$TFJS_VERSION")
[ -f "$DEST/package.json" ] || die "npm did not install $DEST"
rm -rf "$DEST/deps" "$DEST/lib"
# Hard links where the cache shares the file system (no second copy of ~1 GB), else a copy.
cp -al "$STAGE/package/deps" "$STAGE/package/lib" "$DEST/" 2>/dev/null ||
  cp -a "$STAGE/package/deps" "$STAGE/package/lib" "$DEST/"
# The lock lists both native packages as optional: npm brings in the other one too, without a
# binding. Leave no half-installed native package behind for backend selection to trip on.
for other in tfjs-node tfjs-node-gpu; do
  o=$ROOT/node_modules/@tensorflow/$other
  if [ -d "$o" ] && ! ls "$o"/lib/napi-v*/tfjs_binding.node >/dev/null 2>&1; then rm -rf "$o"; fi
done
say "installed $DEST (TensorFlow $TF_VERSION, $(du -sh "$DEST" | cut -f1)) in $(( $(date +%s) - START )) s"

[ "$VERIFY" = 1 ] && verify
say "done: selectBackend('auto') now picks $PKG in $ROOT; undo with: $0 --uninstall"
