#!/usr/bin/env bash
# `npm test`: lint (typecheck + boundaries) and the tests of every project, one task at a time
# (nx.json marks lint and test `parallelism: false`: they measure time and use every core), then
# one summary line over all projects.
set -euo pipefail
cd "$(dirname "$0")/.."
# Plain text in logs: nx forces colour into the tasks it runs, and vitest colours whenever CI
# is set, terminal or not; NO_COLOR (which both honour) unless stdout is a terminal.
[ -t 1 ] || export NO_COLOR=1 FORCE_COLOR=0
rm -rf .test-results
npx nx run-many -t lint test --parallel=1 --outputStyle=static
node tools/test-summary.mjs
