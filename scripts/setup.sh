#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine to build, test and run rehearse. Idempotent: packages
# already installed, verified models already in models/, and an up-to-date build are skipped.
#
#   bash scripts/setup.sh          # system packages, the Whisper and VAD models, a release build
#
# Environment: REHEARSE_MODEL_NAME (default tiny.en) picks the model scripts/fetch-model.sh gets.
# REHEARSE_BLAS=1 also installs OpenBLAS (libopenblas-dev) and builds with the opt-in `blas`
# feature (whisper.cpp's matrix products through OpenBLAS; README, "A BLAS build": less CPU on
# one thread, slower on two, so not the default).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Build: cmake + clang/libclang for whisper.cpp (whisper-rs), pkg-config + ALSA headers for
# cpal. Tests: espeak-ng and sox synthesise speech, ffmpeg encodes it to M4A/Opus/WebM,
# chromium renders the HTML report headless,
# alsa-utils for the fake microphone, bash-completion to check the shell completions
# install as the README says, tmux for a real terminal of a chosen width (tests/terminal_width.rs).
# python3-venv for the pinned numpy that makes the noise matrix (scripts/noise-matrix.sh, used
# by tests/noise_matrix.rs) and for the benchmarks' faster-whisper.
# Benchmarks: GNU time for peak memory.
PACKAGES=(cmake clang libclang-dev pkg-config libasound2-dev
  espeak-ng sox libsox-fmt-all ffmpeg alsa-utils chromium time bash-completion python3-venv
  tmux)
FEATURES=()
if [ "${REHEARSE_BLAS:-0}" = 1 ]; then
  PACKAGES+=(libopenblas-dev)
  FEATURES=(--features blas)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
else
  echo "setup: system packages present" >&2
fi

if ! command -v cargo >/dev/null; then
  echo "setup: cargo not found; install Rust from https://rustup.rs and run this again" >&2
  exit 1
fi

bash scripts/fetch-model.sh "${REHEARSE_MODEL_NAME:-tiny.en}" >/dev/null
# Silero VAD for whisper.cpp's voice activity detector: models/ggml-silero-v6.2.0.bin.
bash scripts/fetch-vad-model.sh >/dev/null
# numpy (pinned) for the noisy copies that tests/noise_matrix.rs makes.
bash scripts/noise-matrix.sh --setup

echo "setup: building (release${FEATURES[*]:+, ${FEATURES[*]}})" >&2
if ((${#FEATURES[@]})); then
  # whisper-rs-sys needs the folder of OpenBLAS's cblas.h (its build script stops without it).
  BLAS_INCLUDE_DIRS="${BLAS_INCLUDE_DIRS:-$(pkg-config --variable=includedir openblas)}"
  export BLAS_INCLUDE_DIRS
fi
cargo build --release --locked --quiet "${FEATURES[@]}"
echo "setup: ready: target/release/rehearse" >&2
