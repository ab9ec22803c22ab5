#!/usr/bin/env python3
"""Write the reference speech probabilities that tests/vad_model.rs checks the ggml VAD file against.

Not part of setup: it was run once to make tests/fixtures/vad/<clip>.probs.json, and is kept so
the fixture can be rebuilt and audited. It needs onnxruntime and numpy (use a throwaway venv:
`python3 -m venv /tmp/ort && /tmp/ort/bin/pip install onnxruntime numpy`).

    python vad_reference_probs.py --wheel silero_vad-6.2.3-py3-none-any.whl \
        --wav tests/fixtures/vad/mfa_uh.wav --out tests/fixtures/vad/mfa_uh.probs.json

Two references per 512-sample frame (32 ms at 16 kHz), both from the same wheel:

  onnx      Silero's own model (silero_vad.onnx) run the way silero-vad runs it: each frame is
            prefixed with the previous frame's last 64 samples, LSTM state carried over.
  graph     a float64 numpy re-implementation of the graph whisper.cpp 1.8.3 builds
            (whisper_vad_build_graph: no 64-sample context, reflect-padding of 64 samples on
            both sides), with the f32 weights of silero_vad.jit.

whisper.cpp's graph is not Silero's (the context handling differs), so the ggml file cannot
match `onnx` exactly; it should match `graph` up to the f16 rounding of some weights. The test
checks both: `graph` tightly (catches any conversion error), `onnx` loosely (the detector still
behaves like Silero's).
"""

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import wave
import zipfile

import numpy as np

FRAME = 512
CONTEXT = 64


def load_converter():
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("silero_to_ggml", os.path.join(here, "silero_to_ggml.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_wav(path):
    with wave.open(path) as w:
        if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (16000, 1, 2):
            sys.exit(f"{path}: need 16 kHz mono 16-bit PCM")
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768.0


def frames(audio):
    if len(audio) % FRAME:
        audio = np.concatenate([audio, np.zeros(FRAME - len(audio) % FRAME, audio.dtype)])
    return audio.reshape(-1, FRAME)


def onnx_probs(onnx_path, audio):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.inter_op_num_threads = 1
    opts.intra_op_num_threads = 1
    session = ort.InferenceSession(onnx_path, sess_options=opts, providers=["CPUExecutionProvider"])
    state = np.zeros((2, 1, 128), np.float32)
    context = np.zeros((1, CONTEXT), np.float32)
    out = []
    for chunk in frames(audio):
        x = np.concatenate([context, chunk[None, :]], axis=1).astype(np.float32)
        prob, state = session.run(None, {"input": x, "state": state, "sr": np.array(16000, dtype="int64")})
        context = x[:, -CONTEXT:]
        out.append(float(prob[0, 0]))
    return out


def conv1d(x, w, b, stride, pad):
    """x [C, T], w [O, C, K] -> [O, T']"""
    if pad:
        x = np.pad(x, ((0, 0), (pad, pad)))
    k = w.shape[2]
    t = (x.shape[1] - k) // stride + 1
    cols = np.stack([x[:, i * stride:i * stride + k] for i in range(t)])
    y = np.einsum("tck,ock->ot", cols, w)
    return y if b is None else y + b[:, None]


def graph_probs(weights, audio):
    w = {k: v.astype(np.float64) for k, v in weights.items()}
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    h = np.zeros(128)
    c = np.zeros(128)
    out = []
    for chunk in frames(audio.astype(np.float64)):
        x = np.pad(chunk, (64, 64), mode="reflect")
        spec = conv1d(x[None, :], w["_model.stft.forward_basis_buffer"], None, 128, 0)
        y = np.sqrt(spec[:129] ** 2 + spec[129:] ** 2)
        for i, stride in enumerate((1, 2, 2, 1)):
            p = f"_model.encoder.{i}.reparam_conv."
            y = np.maximum(conv1d(y, w[p + "weight"], w[p + "bias"], stride, 1), 0)
        gates = (w["_model.decoder.rnn.weight_ih"] @ y[:, 0] + w["_model.decoder.rnn.bias_ih"]
                 + w["_model.decoder.rnn.weight_hh"] @ h + w["_model.decoder.rnn.bias_hh"])
        i_t, f_t, g_t, o_t = sig(gates[:128]), sig(gates[128:256]), np.tanh(gates[256:384]), sig(gates[384:])
        c = f_t * c + i_t * g_t
        h = o_t * np.tanh(c)
        logit = w["_model.decoder.decoder.2.weight"][0, :, 0] @ np.maximum(h, 0) + w["_model.decoder.decoder.2.bias"][0]
        out.append(float(sig(logit)))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", required=True, help="silero_vad-6.2.3-py3-none-any.whl")
    parser.add_argument("--wav", required=True, help="16 kHz mono 16-bit clip")
    parser.add_argument("--out", required=True, help="JSON fixture to write")
    args = parser.parse_args()

    converter = load_converter()
    audio = read_wav(args.wav)
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(args.wheel) as wheel:
        wheel.extract("silero_vad/data/silero_vad.jit", tmp)
        wheel.extract("silero_vad/data/silero_vad.onnx", tmp)
        root = converter.read_jit(os.path.join(tmp, "silero_vad/data/silero_vad.jit"))
        weights = dict(converter.collect_tensors(root))
        onnx = onnx_probs(os.path.join(tmp, "silero_vad/data/silero_vad.onnx"), audio)
    graph = graph_probs(weights, audio)
    fixture = {
        "what": "Per-frame speech probabilities (512 samples = 32 ms per frame) for the clip below; "
                "made by scripts/vad_reference_probs.py from the silero-vad 6.2.3 wheel",
        "clip": os.path.basename(args.wav),
        "sample_rate": 16000,
        "frame_samples": FRAME,
        "samples": int(len(audio)),
        "onnx": [round(p, 6) for p in onnx],
        "graph": [round(p, 6) for p in graph],
    }
    with open(args.out, "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"))
        f.write("\n")
    diff = np.abs(np.array(onnx) - np.array(graph))
    print(f"{len(onnx)} frames; |onnx - graph| max {diff.max():.4f} mean {diff.mean():.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
