#!/usr/bin/env bash
# Noisy copies of the real clips (issue #24's noise matrix), the same on every machine: runs
# scripts/noise_matrix.py (what it makes and how: see there) with numpy pinned, in a small
# virtualenv under target/noise-matrix/venv-numpy made here once.
#
#   bash scripts/noise-matrix.sh OUT_DIR [--clips a,b] [--kinds white,pink] [--levels 20,15]
#   bash scripts/noise-matrix.sh OUT_DIR --copies clip__white_10db,clip__fan_5db
#   bash scripts/noise-matrix.sh --setup      # only the virtualenv (scripts/setup.sh)
#
# Used by scripts/bench-noise.sh and tests/noise_matrix.rs. Idempotent: copies already in
# OUT_DIR are left alone.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NUMPY="numpy==2.4.6"
VENV="$ROOT/target/noise-matrix/venv-numpy"
[ $# -ge 1 ] || { echo "usage: noise-matrix.sh OUT_DIR [--clips ..] [--kinds ..] [--levels ..] [--copies ..] | --setup" >&2; exit 2; }
out="$1"
shift
mkdir -p "$(dirname "$VENV")"
(
  # One installer at a time (tests run in parallel with the bench).
  flock 9
  if [ "$(cat "$VENV/.pinned" 2>/dev/null)" != "$NUMPY" ]; then
    echo "noise-matrix: installing $NUMPY into $VENV" >&2
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "$NUMPY"
    echo "$NUMPY" >"$VENV/.pinned"
  fi
) 9>"$ROOT/target/noise-matrix/.venv-numpy.lock"
[ "$out" = --setup ] && exit 0
exec "$VENV/bin/python" "$ROOT/scripts/noise_matrix.py" "$out" "${FIXTURES:-$ROOT/tests/fixtures/realspeech}" "$@"
