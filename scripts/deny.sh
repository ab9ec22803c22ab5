#!/usr/bin/env bash
# Dependency checks with cargo-deny (configuration: deny.toml; docs/security.md says why).
#
#   bash scripts/deny.sh
#
# Installs cargo-deny from crates.io once (a pinned version, built with its own Cargo.lock:
# about 3 CPU-minutes, skipped when that version is already installed), then checks every
# dependency's licence, that every crate comes from crates.io, and the ban list. The advisory
# check needs the RustSec database, a git repository on GitHub: it runs when that can be
# fetched, and is reported as skipped (not failed) where it cannot, as on machines that reach
# only the package registries.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DENY_VERSION=0.20.2
if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $DENY_VERSION" ]; then
  echo "deny: installing cargo-deny $DENY_VERSION (once; a few minutes)" >&2
  cargo install --locked --quiet cargo-deny --version "$DENY_VERSION" >&2
fi

echo "deny: cargo deny check licenses bans sources" >&2
cargo deny --locked check licenses bans sources

if cargo deny fetch db >/dev/null 2>&1; then
  echo "deny: cargo deny check advisories" >&2
  cargo deny --locked check advisories
else
  echo "deny: advisories SKIPPED: the RustSec advisory database (GitHub) cannot be fetched" \
    "from this machine; see docs/security.md" >&2
fi
