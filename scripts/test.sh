#!/usr/bin/env bash
# Set everything up, then run every check: formatting, lints, and the whole test suite
# (unit tests, and integration tests that run the real binary with the real Whisper model).
#
#   bash scripts/test.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
echo "test: cargo fmt --check" >&2
cargo fmt --all -- --check
echo "test: cargo clippy" >&2
cargo clippy --release --locked --all-targets --quiet -- -D warnings
bash scripts/deny.sh
# The multilingual base model (8-bit, 82 MB) that names the language (setup.sh fetches it too,
# unless REHEARSE_LANGUAGE_MODEL=off): tests/trust.rs and tests/language_id.rs need it.
bash scripts/fetch-model.sh base-q8_0 >/dev/null
echo "test: cargo test" >&2
# Release profile: the same build the demo uses, so CI compiles whisper.cpp once.
cargo test --release --locked --no-fail-fast
