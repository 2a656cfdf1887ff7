# Progress of long set-up steps on stderr, for the scripts that source this file (setup.sh,
# main-job.sh, .ci/run, mlflow-server.sh):
#
#   PROGRESS_PREFIX=setup; steps_total 3
#   run_step npm-ci 40 "npm ci (packages from package-lock.json)" npm ci --no-audit
#   step_note "the comparison (wus compare prints its own progress)"
#
# prints "setup: step 1/3 npm ci (…): started, about 40 s", then every PROGRESS_HEARTBEAT_S
# seconds (default 15) "setup: step 1/3 npm ci (…): 15 s elapsed, ETA ~25 s", and at the end
# "setup: step 1/3 npm ci (…): done in 38 s". The estimate (40) is for a first run; after that
# the step's last duration on this machine is used, kept in ~/.cache/wus/step-times/KEY. Without
# steps_total the "k/n" is left out. The command's own output passes through; the step fails
# with the command's exit status, and Ctrl-C or SIGTERM stop the command too.

PROGRESS_PREFIX=${PROGRESS_PREFIX:-wus}
PROGRESS_TOTAL=0
PROGRESS_INDEX=0
PROGRESS_TIMES=${XDG_CACHE_HOME:-$HOME/.cache}/wus/step-times

steps_total() { PROGRESS_TOTAL=$1; PROGRESS_INDEX=0; }

# A step that reports its own progress (the CLI, a test run): its "step k/n" line only.
step_note() {
  PROGRESS_INDEX=$((PROGRESS_INDEX + 1))
  progress_say "step $PROGRESS_INDEX/$PROGRESS_TOTAL $*"
}

progress_say() { echo "$PROGRESS_PREFIX: $*" >&2; }

# 4 s, 1 min 12 s, 1 h 03 min (as the CLI writes durations).
progress_duration() {
  local s=$1
  if [ "$s" -lt 60 ]; then echo "$s s"
  elif [ "$s" -lt 3600 ]; then printf '%d min %02d s\n' $((s / 60)) $((s % 60))
  else printf '%d h %02d min\n' $((s / 3600)) $((s / 60 % 60)); fi
}

run_step() {
  local key=$1 estimate=$2 what=$3
  shift 3
  local name=$what
  if [ "$PROGRESS_TOTAL" -gt 0 ]; then
    PROGRESS_INDEX=$((PROGRESS_INDEX + 1))
    name="step $PROGRESS_INDEX/$PROGRESS_TOTAL $what"
  fi
  local expected
  expected=$(cat "$PROGRESS_TIMES/$key" 2>/dev/null || echo "$estimate")
  progress_say "$name: started, about $(progress_duration "$expected")"
  local start=$SECONDS
  # In the background so that this shell can report while it runs; a background job ignores
  # SIGINT in a script, so the traps pass Ctrl-C and SIGTERM on.
  "$@" &
  local pid=$!
  trap 'kill -TERM "$pid" 2>/dev/null; exit 130' INT
  trap 'kill -TERM "$pid" 2>/dev/null; exit 143' TERM
  local next=$((start + ${PROGRESS_HEARTBEAT_S:-15}))
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.2
    if [ "$SECONDS" -ge "$next" ] && kill -0 "$pid" 2>/dev/null; then
      local elapsed=$((SECONDS - start))
      if [ "$elapsed" -lt "$expected" ]; then
        progress_say "$name: $(progress_duration "$elapsed") elapsed, ETA ~$(progress_duration $((expected - elapsed)))"
      else
        progress_say "$name: $(progress_duration "$elapsed") elapsed, longer than the $(progress_duration "$expected") expected"
      fi
      next=$((SECONDS + ${PROGRESS_HEARTBEAT_S:-15}))
    fi
  done
  local rc=0
  wait "$pid" || rc=$?
  trap - INT TERM
  local took=$((SECONDS - start))
  if [ "$rc" -ne 0 ]; then
    progress_say "$name: failed after $(progress_duration "$took") (exit $rc)"
    return "$rc"
  fi
  mkdir -p "$PROGRESS_TIMES" 2>/dev/null && echo "$took" > "$PROGRESS_TIMES/$key" 2>/dev/null || true
  progress_say "$name: done in $(progress_duration "$took")"
}
