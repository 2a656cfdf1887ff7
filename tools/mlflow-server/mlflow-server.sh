#!/usr/bin/env bash
# A real MLflow tracking server for tests: a pinned Python venv, a SQLite backend store, a local
# artifact root served through the artifact proxy (--serve-artifacts), bound to 127.0.0.1.
#
#   mlflow-server.sh install                      create/refresh the venv (no-op when up to date)
#   mlflow-server.sh start --dir DIR [--port N] [--auth USER:PASSWORD] [--watch-pid PID]
#                                                 start in the background, wait for /health,
#                                                 print the tracking URI (also in DIR/uri);
#                                                 with --watch-pid, kill it when PID exits
#   mlflow-server.sh stop  --dir DIR              SIGTERM, then SIGKILL after 10 s
#   mlflow-server.sh kill  --dir DIR              SIGKILL at once (fault tests: a crash)
#   mlflow-server.sh status --dir DIR             exit 0 when it answers /health
#   mlflow-server.sh python [ARGS…]               the venv's python (the cross-client test)
#
# DIR holds mlflow.db, artifacts/, server.log, server.pid, port, uri (and auth files). Starting
# again on the same DIR reuses the port and the data: a restart after `kill` keeps every run.
# --port 0 (the default for a new DIR) picks a free port.
# Environment: MLFLOW_SERVER_VENV (default: ~/.cache/wus/mlflow-server-venv, outside any clone so
# every checkout and CI run on a machine shares one venv, keyed by requirements.txt), PYTHON (default: python3),
# MLFLOW_SERVER_START_TIMEOUT (seconds, default 180).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${MLFLOW_SERVER_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/wus/mlflow-server-venv}"
REQS="$HERE/requirements.txt"
STAMP="$VENV/.wus-requirements.sha256"

die() { echo "mlflow-server: $*" >&2; exit 1; }

. "$HERE/../lib/progress.sh"
PROGRESS_PREFIX=mlflow-server

requirements_hash() { { cat "$REQS"; "${PYTHON:-python3}" -c 'import sys; print(sys.version_info[:2])'; } | sha256sum | cut -d' ' -f1; }

cmd_install() {
  local want; want="$(requirements_hash)"
  if [ -x "$VENV/bin/mlflow" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    echo "mlflow-server: venv $VENV is up to date ($(grep -E '^mlflow' "$REQS"))"
    return 0
  fi
  rm -rf "$VENV"
  "${PYTHON:-python3}" -m venv "$VENV"
  local log="$VENV/.pip-install.log"
  pip_install() { "$VENV/bin/python" -m pip install --no-input --quiet --disable-pip-version-check -r "$REQS" >"$log" 2>&1; }
  # pip is silent for a minute or two: the step reports elapsed time and ETA meanwhile.
  if ! run_step mlflow-server-venv 90 "creating $VENV with $(grep -E '^mlflow' "$REQS") (pip)" pip_install; then
    grep -v "^WARNING: Location .* is ignored" "$log" | tail -n 30 >&2
    die "pip install -r $REQS failed (log: $log)"
  fi
  [ -x "$VENV/bin/mlflow" ] || die "pip install failed: $VENV/bin/mlflow is missing"
  echo "$want" > "$STAMP"
  "$VENV/bin/mlflow" --version
}

free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

healthy() { curl -sf --max-time 2 "http://127.0.0.1:$1/health" >/dev/null 2>&1; }

alive() { [ -f "$1/server.pid" ] && kill -0 "$(cat "$1/server.pid")" 2>/dev/null; }

cmd_start() {
  local dir="" port="" auth="" watch=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --dir) dir="$2"; shift 2 ;;
      --port) port="$2"; shift 2 ;;
      --auth) auth="$2"; shift 2 ;;
      --watch-pid) watch="$2"; shift 2 ;;
      *) die "start: unknown option $1" ;;
    esac
  done
  [ -n "$dir" ] || die "start: --dir DIR is required"
  [ -x "$VENV/bin/mlflow" ] || die "no MLflow venv at $VENV: run 'bash tools/mlflow-server/mlflow-server.sh install' first"
  mkdir -p "$dir/artifacts"
  dir="$(cd "$dir" && pwd)"
  if alive "$dir"; then die "a server is already running from $dir (pid $(cat "$dir/server.pid")); stop it first"; fi
  if [ -z "$port" ] || [ "$port" = 0 ]; then
    if [ -f "$dir/port" ]; then port="$(cat "$dir/port")"; else port="$(free_port)"; fi
  fi
  echo "$port" > "$dir/port"

  local app=() env=()
  if [ -n "$auth" ]; then
    [ -f "$dir/auth-admin" ] || echo "$auth" > "$dir/auth-admin"
    # Basic auth as MLflow ships it; the credential cache spares a PBKDF2 check per request.
    cat > "$dir/basic_auth.ini" <<INI
[mlflow]
default_permission = READ
database_uri = sqlite:///$dir/basic_auth.db
admin_username = ${auth%%:*}
admin_password = ${auth#*:}
authorization_function = mlflow.server.auth:authenticate_request_basic_auth
auth_cache_ttl_seconds = 300
INI
    [ -f "$dir/secret-key" ] || head -c 32 /dev/urandom | sha256sum | cut -d' ' -f1 > "$dir/secret-key"
    app=(--app-name basic-auth)
    # Only with --auth: MLflow reads this file on every request once the variable is set, and a
    # server without auth would answer 500 (KeyError 'mlflow') to the UI's run search.
    env=(MLFLOW_AUTH_CONFIG_PATH="$dir/basic_auth.ini")
  fi

  # setsid: the server and its uvicorn child form one process group that stop/kill end together.
  # Job execution (a second Python process for GenAI jobs) is not needed by the tracking tests.
  env MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false "${env[@]}" \
  MLFLOW_FLASK_SERVER_SECRET_KEY="$(cat "$dir/secret-key" 2>/dev/null || true)" \
    setsid "$VENV/bin/mlflow" server \
      --host 127.0.0.1 --port "$port" --workers 1 \
      --backend-store-uri "sqlite:///$dir/mlflow.db" \
      --serve-artifacts --artifacts-destination "$dir/artifacts" \
      "${app[@]}" \
      >>"$dir/server.log" 2>&1 < /dev/null &
  local server_pid=$!
  echo "$server_pid" > "$dir/server.pid"
  if [ -n "$watch" ]; then
    # An interrupted test run (Ctrl-C, a crash) must not leave a server behind.
    ( while kill -0 "$watch" 2>/dev/null && kill -0 "$server_pid" 2>/dev/null; do sleep 2; done
      kill -KILL -- "-$server_pid" 2>/dev/null || true ) >/dev/null 2>&1 < /dev/null &
    disown
  fi
  local deadline=$(( $(date +%s) + ${MLFLOW_SERVER_START_TIMEOUT:-180} ))
  until healthy "$port"; do
    if ! alive "$dir"; then tail -n 30 "$dir/server.log" >&2; die "the server exited during start-up (log: $dir/server.log)"; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then tail -n 30 "$dir/server.log" >&2; cmd_kill --dir "$dir"; die "not healthy after ${MLFLOW_SERVER_START_TIMEOUT:-180} s (log: $dir/server.log)"; fi
    sleep 0.3
  done
  echo "http://127.0.0.1:$port" > "$dir/uri"
  cat "$dir/uri"
}

signal_group() { # dir signal
  [ -f "$1/server.pid" ] || return 0
  local pid; pid="$(cat "$1/server.pid")"
  kill "-$2" -- "-$pid" 2>/dev/null || kill "-$2" "$pid" 2>/dev/null || true
}

wait_gone() { # dir seconds
  local pid; pid="$(cat "$1/server.pid" 2>/dev/null || echo)"
  [ -n "$pid" ] || return 0
  for _ in $(seq 1 $(( $2 * 10 ))); do
    kill -0 -- "-$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

dir_arg() { [ "${1:-}" = "--dir" ] && [ -n "${2:-}" ] || die "$3: --dir DIR is required"; echo "$2"; }

cmd_stop() {
  local dir; dir="$(dir_arg "$@" stop)"
  signal_group "$dir" TERM
  wait_gone "$dir" 10 || { signal_group "$dir" KILL; wait_gone "$dir" 5 || true; }
  rm -f "$dir/server.pid"
}

cmd_kill() {
  local dir; dir="$(dir_arg "$@" kill)"
  signal_group "$dir" KILL
  wait_gone "$dir" 5 || true
  rm -f "$dir/server.pid"
}

cmd_status() {
  local dir; dir="$(dir_arg "$@" status)"
  [ -f "$dir/port" ] && healthy "$(cat "$dir/port")"
}

case "${1:-}" in
  install) shift; cmd_install "$@" ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  kill) shift; cmd_kill "$@" ;;
  status) shift; cmd_status "$@" ;;
  python) shift; exec "$VENV/bin/python" "$@" ;;
  *) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2 ;;
esac
