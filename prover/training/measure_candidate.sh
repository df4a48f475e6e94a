#!/bin/bash
# What a candidate default model costs where issue 17 sets the budget: a cold `zkinfer compile`
# at T = 32 (what the first `npm start` waits for, less wrangler's start-up) and the 8-token proof
# `zkinfer prove --prompt "ROMEO:" -n 8`, which proves all T = 32 positions of the package, not
# prompt + 8. Both timed with /usr/bin/time (wall and CPU seconds of the process tree), uptime
# printed beside them. One-off sizing tool, like the rest of prover/training.
#
# usage (from the repository root; run it under the bench lock, it is minutes of CPU):
#   flock /work/bench.lock nice -n 5 prover/training/measure_candidate.sh NAME path/to/model.safetensors [CTX]
# CTX (default 32, npm start's) is the package's T. It uses an empty key cache
# (/tmp/zkinfer-candidate-NAME/cache) and a package dir of its own.
set -euo pipefail
name=$1
model=$2
ctx=${3:-32}
work=/tmp/zkinfer-candidate-$name
rm -rf "$work"
mkdir -p "$work"
export ZKINFER_CACHE_DIR=$work/cache
echo "== $name ($model, T = $ctx)"
echo "   before compile: $(uptime)"
/usr/bin/time -f "   cold compile: wall %e s, user %U s, sys %S s" \
  npx zkinfer compile --model "$model" --ctx "$ctx" --out "$work/pkg" 2>&1 | grep -E '^   cold|^compiled'
echo "   before prove: $(uptime)"
/usr/bin/time -f "   prove -n 8: wall %e s, user %U s, sys %S s" \
  npx zkinfer prove --package "$work/pkg" --prompt "ROMEO:" -n 8 --out "$work/proof.json" 2>&1 \
  | grep -E '^   prove|generated:'
echo "   after: $(uptime)"
