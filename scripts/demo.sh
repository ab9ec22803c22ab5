#!/usr/bin/env bash
# Set everything up, then analyse a bundled practice answer and show the report.
#
#   bash scripts/demo.sh [SAMPLE.wav] [rehearse analyze options...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
sample="${1:-samples/fillers.wav}"
shift || true
echo >&2
echo "\$ rehearse analyze $sample $*" >&2
exec target/release/rehearse analyze "$sample" "$@"
