#!/usr/bin/env bash
# Dependency checks with cargo-deny (configuration: deny.toml; docs/security.md says why).
#
#   bash scripts/deny.sh
#
# Installs cargo-deny from crates.io once (a pinned version, built with its own Cargo.lock:
# about 3 CPU-minutes, skipped when that version is already installed), then checks every
# dependency's licence, that every crate comes from crates.io, the ban list, and the RustSec
# advisories. The advisory database is a git repository on GitHub: when it can be fetched it
# is used; when it cannot (machines that reach only the package registries), the snapshot of
# it in the shared folder is used instead (found as $REHEARSE_ADVISORY_DB, or
# ../shared/advisory-db next to the clone or its main worktree). With neither, this fails:
# the advisory check is never skipped.
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

if timeout 300 cargo deny fetch db >/dev/null 2>&1; then
  echo "deny: cargo deny check advisories (the RustSec database, fetched from GitHub)" >&2
  cargo deny --locked check advisories
  exit 0
fi

# No GitHub: the snapshot.
snapshot=""
common_dir="$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)"
for candidate in "${REHEARSE_ADVISORY_DB:-}" "$ROOT/../shared/advisory-db" \
  ${common_dir:+"$(dirname "$common_dir")/../shared/advisory-db"}; do
  if [ -n "$candidate" ] && [ -f "$candidate/SNAPSHOT.md" ] && [ -d "$candidate/crates" ]; then
    snapshot="$(cd "$candidate" && pwd)"
    break
  fi
done
if [ -z "$snapshot" ]; then
  echo "deny: error: the RustSec advisory database cannot be fetched from GitHub and no" \
    "snapshot of it was found (set REHEARSE_ADVISORY_DB, or put it at ../shared/advisory-db)" >&2
  exit 1
fi
commit="$(sed -n 's/^- commit: *\([0-9a-f]\{40\}\).*/\1/p' "$snapshot/SNAPSHOT.md")"
date="$(sed -n 's/^- commit date: *\([^ ]*\).*/\1/p' "$snapshot/SNAPSHOT.md")"
if [ -z "$commit" ] || [ -z "$date" ]; then
  echo "deny: error: $snapshot/SNAPSHOT.md names no commit and commit date" >&2
  exit 1
fi

# cargo-deny reads a database from <db-path>/advisory-db-<hash of its URL> and takes its age
# from the git commit there, so the snapshot becomes a one-commit repository dated as the
# original (made once per snapshot, in target/).
base="$ROOT/target/advisory-snapshot"
db="$base/advisory-db-3157b0e258782691"
if [ "$(cat "$base/made-from" 2>/dev/null)" != "$commit" ]; then
  rm -rf "$base"
  mkdir -p "$db"
  cp -a "$snapshot/." "$db/"
  (
    cd "$db"
    git init -q
    git add -A
    GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" \
      git -c user.name=rehearse -c user.email=rehearse@localhost -c commit.gpgsign=false \
      commit -q -m "RustSec advisory-db snapshot of $commit"
  )
  echo "$commit" >"$base/made-from"
fi

# deny.toml with the database pointed at the snapshot. Its staleness is reported, not
# failed on: an old snapshot still catches every advisory up to its date.
awk -v path="$base" '
  { print }
  /^\[advisories\]/ {
    print "db-path = \"" path "\""
    print "db-urls = [\"https://github.com/rustsec/advisory-db\"]"
    print "maximum-db-staleness = \"P3650D\""
  }' deny.toml >"$base/deny.toml"
age_days=$(( ($(date +%s) - $(date -d "$date" +%s)) / 86400 ))
echo "deny: cargo deny check advisories (GitHub unreachable: the snapshot at $snapshot," \
  "commit ${commit:0:7} of ${date%%T*}, $age_days days old)" >&2
cargo deny --locked --offline --config "$base/deny.toml" check advisories
