#!/usr/bin/env python3
"""Convert Silero VAD (TorchScript, from the `silero-vad` wheel) to whisper.cpp's ggml VAD file.

Why this exists: whisper.cpp's built-in voice activity detector loads a ggml Silero VAD file
(`ggml-silero-v6.2.0.bin`) that normally comes from Hugging Face, which is not reachable from
every machine (our CI and dev boxes reach only package registries). PyPI's `silero-vad` wheel
ships the same network, so `scripts/fetch-vad-model.sh` downloads it and this script writes it
in the layout `whisper_vad_init_with_params` (whisper.cpp 1.8.3, src/whisper.cpp) reads.

It does what whisper.cpp's own converter (models/convert-silero-vad-to-ggml.py) does, but
without torch: the wheel's `silero_vad/data/silero_vad.jit` is a zip holding a pickle
(`data.pkl`, the module tree) and raw little-endian tensor storages (`data/<key>`). A restricted
unpickler rebuilds the tree (only the handful of globals a TorchScript archive uses are allowed;
anything else is refused, so no code from the archive ever runs) and the 16 kHz model's tensors
are copied out.

Why the .jit and not the wheel's `silero_vad_16k.safetensors`: in silero-vad 6.2.3 that file
holds different weights (its per-frame probabilities differ from the ONNX model's by up to 0.4;
the .jit's agree with the ONNX model's to 1e-6), and the .jit is what the official ggml file was
made from. The .jit in 6.2.3 is byte-identical to the one in 6.2.0 (sha256 e1122837...), hence
the default version 6.2.0 in the header and file name.

Inputs
  --jit      silero_vad.jit (TorchScript archive)
  --out      output path (written in one pass; the caller renames it into place)
  --version  MAJOR.MINOR.PATCH written to the header (default 6.2.0, as the official file)

ggml VAD layout (little endian, all ints i32):
  magic 0x67676d6c; len("silero-16k") + the bytes; version major, minor, patch;
  n_window 512, n_context 64; n_encoder_layers 4, then (in, out, kernel) per layer;
  lstm_input_size 128, lstm_hidden_size 128, final_conv_in 128, final_conv_out 1;
  tensors: n_dims, name_len, ftype (0 f32 / 1 f16), dims innermost first, name, data.
  Tensor order, names, squeezed shapes and types are those of whisper.cpp's converter:
  encoder conv weights, the STFT basis and the final conv weight are f16, the rest f32.

Only numpy is needed. The conversion is deterministic (weights are copied and, where
whisper.cpp wants f16, rounded by numpy), so the caller can pin the output's sha256.
"""

import argparse
import collections
import os
import pickle
import struct
import sys
import time
import zipfile

import numpy as np

GGML_MAGIC = 0x67676D6C
GGML_FTYPE_F32 = 0
GGML_FTYPE_F16 = 1

MODEL_TYPE = "silero-16k"
N_WINDOW = 512  # samples per frame at 16 kHz (32 ms)
N_CONTEXT = 64
ENCODER = [(129, 128, 3), (128, 64, 3), (64, 64, 3), (64, 128, 3)]  # (in, out, kernel)
LSTM_INPUT = 128
LSTM_HIDDEN = 128
FINAL_CONV_IN = 128
FINAL_CONV_OUT = 1

# (name in whisper.cpp, expected PyTorch shape), in the order whisper.cpp's converter writes them.
TENSORS = []
for _i, (_cin, _cout, _k) in enumerate(ENCODER):
    TENSORS.append((f"_model.encoder.{_i}.reparam_conv.weight", (_cout, _cin, _k)))
    TENSORS.append((f"_model.encoder.{_i}.reparam_conv.bias", (_cout,)))
TENSORS += [
    ("_model.decoder.rnn.weight_ih", (4 * LSTM_HIDDEN, LSTM_INPUT)),
    ("_model.decoder.rnn.weight_hh", (4 * LSTM_HIDDEN, LSTM_HIDDEN)),
    ("_model.decoder.rnn.bias_ih", (4 * LSTM_HIDDEN,)),
    ("_model.decoder.rnn.bias_hh", (4 * LSTM_HIDDEN,)),
    ("_model.decoder.decoder.2.weight", (FINAL_CONV_OUT, FINAL_CONV_IN, 1)),
    ("_model.decoder.decoder.2.bias", (FINAL_CONV_OUT,)),
    ("_model.stft.forward_basis_buffer", (258, 1, 256)),
]
F16_TENSORS = {
    "_model.stft.forward_basis_buffer",
    "_model.decoder.decoder.2.weight",
    *(f"_model.encoder.{i}.reparam_conv.weight" for i in range(len(ENCODER))),
}


class ConversionError(Exception):
    pass


# --- reading the TorchScript archive -------------------------------------------------------

class _Module:
    """Stands in for any `__torch__.*` class: keeps the pickled attribute dict, runs nothing."""

    def __setstate__(self, state):
        if not isinstance(state, dict):
            raise ConversionError("unexpected module state in the TorchScript pickle")
        self.__dict__.update(state)


class _Storage:
    def __init__(self, dtype):
        self.dtype = dtype


_STORAGE_TYPES = {"FloatStorage": np.dtype("<f4"), "LongStorage": np.dtype("<i8"),
                  "IntStorage": np.dtype("<i4"), "BoolStorage": np.dtype("?")}


class _TorchScriptUnpickler(pickle.Unpickler):
    def __init__(self, file, read_storage):
        super().__init__(file)
        self._read_storage = read_storage

    def find_class(self, module, name):
        if module.startswith("__torch__."):
            return _Module
        if module == "torch" and name in _STORAGE_TYPES:
            return _Storage(_STORAGE_TYPES[name])
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if module == "torch.jit._pickle" and name.startswith("build_"):
            return lambda value: value
        raise ConversionError(f"refusing to load {module}.{name} from the TorchScript pickle")

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise ConversionError(f"unexpected persistent id {pid!r} in the TorchScript pickle")
        _, storage_type, key, _location, numel = pid
        if not isinstance(storage_type, _Storage):
            raise ConversionError(f"unsupported storage type {storage_type!r}")
        data = self._read_storage(str(key))
        array = np.frombuffer(data, dtype=storage_type.dtype)
        if array.size != numel:
            raise ConversionError(f"storage {key} holds {array.size} elements, the pickle says {numel}")
        return array


def _rebuild_tensor(storage, offset, size, stride, *_rest):
    size, stride = tuple(size), tuple(stride)
    if size and offset + sum((n - 1) * s for n, s in zip(size, stride)) >= storage.size:
        raise ConversionError("tensor reaches past its storage")
    itemsize = storage.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(
        storage[offset:], shape=size, strides=tuple(s * itemsize for s in stride), writeable=False)
    return np.ascontiguousarray(view)


def read_jit(path):
    """Return the root module object of a TorchScript archive."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise ConversionError(f"{path} is not a TorchScript archive: {err}") from err
    with archive:
        names = archive.namelist()
        pickles = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pickles) != 1:
            raise ConversionError(f"{path}: expected one <name>/data.pkl, found {pickles}")
        prefix = pickles[0][: -len("data.pkl")]
        order = prefix + "byteorder"
        if order in names and archive.read(order).strip() != b"little":
            raise ConversionError(f"{path}: big-endian tensors are not supported")

        def read_storage(key):
            try:
                return archive.read(f"{prefix}data/{key}")
            except KeyError as err:
                raise ConversionError(f"{path}: missing tensor storage data/{key}") from err

        with archive.open(pickles[0]) as stream:
            try:
                return _TorchScriptUnpickler(stream, read_storage).load()
            except ConversionError:
                raise
            except Exception as err:  # a damaged pickle can fail in many ways; all mean the same
                raise ConversionError(f"{path}: unreadable TorchScript pickle: {err!r}") from err


def _lookup(root, dotted):
    """Follow `a.b.0.c` through module attributes (Sequential children are attributes '0', '1', ...)."""
    node = root
    for part in dotted.split("."):
        attrs = getattr(node, "__dict__", None)
        if not isinstance(attrs, dict) or part not in attrs:
            raise ConversionError(f"the model has no tensor {dotted} (no '{part}')")
        node = attrs[part]
    if not isinstance(node, np.ndarray):
        raise ConversionError(f"{dotted} is not a tensor")
    return node


def collect_tensors(root):
    """The 16 kHz model's tensors, checked against the shapes whisper.cpp allocates."""
    out = []
    for name, shape in TENSORS:
        array = _lookup(root, name)
        if array.dtype != np.float32:
            raise ConversionError(f"{name} is {array.dtype}, expected float32")
        if tuple(array.shape) != shape:
            raise ConversionError(f"{name} has shape {tuple(array.shape)}, expected {shape}")
        if not np.all(np.isfinite(array)):
            raise ConversionError(f"{name} contains NaN or infinity")
        out.append((name, array))
    return out


# --- writing ggml ------------------------------------------------------------------------

def _i32(*values):
    return struct.pack(f"<{len(values)}i", *values)


def write_header(out, version):
    out.write(_i32(GGML_MAGIC))
    kind = MODEL_TYPE.encode("ascii")
    out.write(_i32(len(kind)))
    out.write(kind)
    out.write(_i32(*version))
    out.write(_i32(N_WINDOW, N_CONTEXT))
    out.write(_i32(len(ENCODER)))
    for cin, cout, kernel in ENCODER:
        out.write(_i32(cin, cout, kernel))
    out.write(_i32(LSTM_INPUT, LSTM_HIDDEN, FINAL_CONV_IN, FINAL_CONV_OUT))


def write_tensor(out, name, array):
    if name == "_model.stft.forward_basis_buffer":
        data = array  # kept 3-D: [258, 1, 256] -> ggml [256, 1, 258]
    else:
        data = array.squeeze()  # as whisper.cpp's converter: [1,128,1] -> [128], [1] -> scalar
    if name in F16_TENSORS:
        ftype, data = GGML_FTYPE_F16, data.astype("<f2")
    else:
        ftype, data = GGML_FTYPE_F32, data.astype("<f4")
    encoded = name.encode("utf-8")
    out.write(_i32(data.ndim, len(encoded), ftype))
    out.write(_i32(*reversed(data.shape)))  # ggml lists dimensions innermost first
    out.write(encoded)
    out.write(np.ascontiguousarray(data).tobytes())


def parse_version(text):
    parts = text.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ConversionError(f"version must be MAJOR.MINOR.PATCH, got {text!r}")
    return tuple(int(p) for p in parts)


def convert(jit_path, out_path, version="6.2.0"):
    """Run the whole conversion; return the number of tensors written."""
    numbers = parse_version(version)
    tensors = collect_tensors(read_jit(jit_path))
    try:
        with open(out_path, "wb") as out:
            write_header(out, numbers)
            for name, array in tensors:
                write_tensor(out, name, array)
    except BaseException:
        # Never leave a half-written model behind.
        if os.path.exists(out_path):
            os.remove(out_path)
        raise
    return len(tensors)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Convert Silero VAD (TorchScript) to whisper.cpp's ggml VAD file.")
    parser.add_argument("--jit", required=True, help="silero_vad.jit from the silero-vad wheel")
    parser.add_argument("--out", required=True, help="output ggml .bin path")
    parser.add_argument("--version", default="6.2.0", help="model version for the header (default 6.2.0)")
    args = parser.parse_args(argv)

    started = time.monotonic()
    try:
        count = convert(args.jit, args.out, args.version)
    except (ConversionError, OSError) as err:
        print(f"silero_to_ggml: error: {err}", file=sys.stderr)
        return 1
    print(f"silero_to_ggml: wrote {count} tensors to {args.out} in {time.monotonic() - started:.1f}s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
