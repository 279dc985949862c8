"""Domain adaptation of the embedding model: contrastive fine-tuning on our own phrasings.

Why: residents write differently from the FAQ (なくした / 紛失, はんこ / 印鑑), and the base
model has never seen how a municipal FAQ pairs a question with its answer. Every entry
already carries the ways residents ask it (question + alternates) and its answer, so each
is a positive pair for an in-batch-negatives loss (MultipleNegativesRankingLoss): an
alternate with its question (query to query, as the index matches phrasings) and a phrasing
with its passage (query to passage).

Why a plain torch loop rather than sentence-transformers' trainer: the trainer needs the
`datasets` package (not in the app environment) and hides the sources of nondeterminism we
must pin for a build step that has to give the same vectors twice: one thread, seeded
sampling and dropout, deterministic kernels, no data-loader workers.

Why the word embeddings and the lower layers are frozen: the embeddings are 96M of the
model's 118M parameters (a 250k vocabulary); updating them costs most of the optimizer time,
and the few thousand pairs we have would only move the rows of the words they contain, which
a resident's new word then does not get. Training only the top layers also keeps the
backward pass short enough for a set-up step on one CPU core.

The result is a standard sentence-transformers directory with a provenance file whose
`input_hash` covers the base model, the training examples and the hyper-parameters, so
`train_adapted_model` skips the work when none of them changed.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from embedding.model_directory import Outcome, build_once
from embedding.provision import PROVENANCE_FILE, is_complete_model, read_provenance
from embedding.sentence_transformer import model_identity

# Bump when the training procedure changes what it produces for the same inputs.
ADAPTATION_VERSION = "1"
QUERY_TO_QUERY = "query-query"
QUERY_TO_PASSAGE = "query-passage"


@dataclass(frozen=True)
class TrainingExample:
    """One retrievable unit: the ways residents ask for it and the passage that answers.

    `phrasings[0]` is the canonical question; the others are alternates. An example with
    one phrasing (a plan passage's heading) gives only a query-to-passage pair.
    """

    phrasings: tuple[str, ...]
    passage: str


@dataclass(frozen=True)
class AdaptationConfig:
    """Hyper-parameters; all of them are part of the input hash."""

    epochs: int = 3
    batch_size: int = 32
    learning_rate: float = 5e-5
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    # passages are cut to this many tokens while training (the index encodes up to 512): the
    # question and the start of the answer; longer costs time the set-up does not have
    max_passage_tokens: int = 64
    # only the top layers are trained: the lower ones (and the word embeddings) stay as in the
    # base model, which halves the backward pass and keeps general language intact
    trainable_layers: int = 3
    # MultipleNegativesRankingLoss scale (1 / temperature)
    scale: float = 20.0
    seed: int = 14
    # at most this many examples (0: all); tests train on a handful
    max_examples: int = 0


@dataclass(frozen=True)
class ContrastivePair:
    anchor: str
    positive: str
    kind: str  # QUERY_TO_QUERY or QUERY_TO_PASSAGE


Progress = Callable[[str], None]


def say(text: str) -> None:
    print(f"[embedding-adaptation] {text}", file=sys.stderr, flush=True)


def input_hash(
    base_dir: Path, examples: Sequence[TrainingExample], config: AdaptationConfig
) -> str:
    """Changes with the base model, any training text or any hyper-parameter."""
    digest = hashlib.sha256(
        f"{ADAPTATION_VERSION}\0{model_identity(base_dir)}\0"
        f"{json.dumps(asdict(config), sort_keys=True)}".encode()
    )
    for example in examples:
        digest.update("\x1f".join((*example.phrasings, "\x1d", example.passage)).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def epoch_pairs(
    examples: Sequence[TrainingExample], rng: random.Random, prompts: dict[str, str]
) -> list[list[ContrastivePair]]:
    """One epoch's batches' worth of pairs, one pair of each kind per example.

    An example contributes at most one pair per kind, so no batch holds two positives of the
    same entry (which the loss would count as negatives of each other). Batches are kept to
    one kind: a query-to-query batch and a query-to-passage batch are different tasks.
    """
    query, passage = prompts.get("query", ""), prompts.get("passage", "")
    by_kind: dict[str, list[ContrastivePair]] = {QUERY_TO_QUERY: [], QUERY_TO_PASSAGE: []}
    for example in examples:
        question, alternates = example.phrasings[0], example.phrasings[1:]
        if alternates:
            by_kind[QUERY_TO_QUERY].append(
                ContrastivePair(query + rng.choice(alternates), query + question, QUERY_TO_QUERY)
            )
        anchor = rng.choice(alternates) if alternates else question
        by_kind[QUERY_TO_PASSAGE].append(
            ContrastivePair(query + anchor, passage + example.passage, QUERY_TO_PASSAGE)
        )
    return list(by_kind.values())


def batches(
    pair_lists: Sequence[list[ContrastivePair]], batch_size: int, rng: random.Random
) -> list[list[ContrastivePair]]:
    result: list[list[ContrastivePair]] = []
    for pairs in pair_lists:
        pairs = list(pairs)
        rng.shuffle(pairs)
        # a batch of one has no negatives: it teaches nothing
        result.extend(
            pairs[i : i + batch_size]
            for i in range(0, len(pairs), batch_size)
            if len(pairs[i : i + batch_size]) > 1
        )
    rng.shuffle(result)
    return result


def _deterministic_torch(seed: int) -> None:
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def _freeze_lower_layers(bert: object, trainable_layers: int) -> None:
    """Embeddings and all but the top `trainable_layers` encoder layers keep their weights;
    autograd then tracks nothing below them."""
    layers = bert.encoder.layer  # type: ignore[attr-defined]
    frozen = [bert.embeddings, *layers[: max(0, len(layers) - trainable_layers)]]  # type: ignore[attr-defined]
    for module in frozen:
        for parameter in module.parameters():
            parameter.requires_grad_(False)


def fine_tune(
    base_dir: Path,
    examples: Sequence[TrainingExample],
    output_dir: Path,
    config: AdaptationConfig,
    progress: Progress = say,
) -> dict[str, float]:
    """Trains a copy of the model in `base_dir` and saves it to `output_dir`; returns figures."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    _deterministic_torch(config.seed)
    rng = random.Random(config.seed)  # noqa: S311 (reproducible sampling, not a secret)
    if config.max_examples:
        examples = list(examples)[: config.max_examples]
    model = SentenceTransformer(str(base_dir), device="cpu", local_files_only=True)
    saved_max_length = model.max_seq_length
    model.max_seq_length = config.max_passage_tokens
    _freeze_lower_layers(model[0].auto_model, config.trainable_layers)
    parameters = [p for p in model.parameters() if p.requires_grad]
    loss_function = MultipleNegativesRankingLoss(model, scale=config.scale)
    planned = [
        batches(epoch_pairs(examples, rng, model.prompts), config.batch_size, rng)
        for _ in range(config.epochs)
    ]
    total_steps = sum(len(epoch) for epoch in planned)
    warmup = max(1, int(total_steps * config.warmup_ratio))
    optimizer = torch.optim.AdamW(
        parameters, lr=config.learning_rate, weight_decay=config.weight_decay
    )
    decay_steps = max(1, total_steps - warmup)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: min((step + 1) / warmup, max(0.0, (total_steps - step) / decay_steps)),
    )
    progress(
        f"fine-tuning on {len(examples)} examples: {total_steps} steps of up to "
        f"{config.batch_size} pairs, {config.epochs} epoch(s)"
    )
    started = time.monotonic()
    model.train()
    losses: list[float] = []
    step = 0
    for epoch in planned:
        for batch in epoch:
            anchors = model.preprocess([p.anchor for p in batch])
            positives = model.preprocess([p.positive for p in batch])
            loss = loss_function([anchors, positives], None)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(parameters, 1.0)
            optimizer.step()
            scheduler.step()
            losses.append(float(loss.detach()))
            step += 1
            if step == 1 or step % 10 == 0 or step == total_steps:
                elapsed = time.monotonic() - started
                recent = losses[-10:]
                progress(
                    f"step {step}/{total_steps}, loss {sum(recent) / len(recent):.3f}, "
                    f"{elapsed:.0f} s (about {elapsed / step * (total_steps - step):.0f} s left)"
                )
    model.eval()
    model.max_seq_length = saved_max_length
    model.save(str(output_dir))
    return {
        "steps": float(total_steps),
        "seconds": round(time.monotonic() - started, 1),
        "first_loss": round(losses[0], 4) if losses else 0.0,
        "last_loss": round(sum(losses[-10:]) / max(1, len(losses[-10:])), 4),
    }


def is_current(target: Path, expected_hash: str) -> bool:
    provenance = read_provenance(target) or {}
    return provenance.get("input_hash") == expected_hash and is_complete_model(target)


def train_adapted_model(
    base_dir: Path,
    examples: Sequence[TrainingExample],
    target: Path,
    config: AdaptationConfig | None = None,
    progress: Progress = say,
) -> bool:
    """Makes `target` the base model adapted on `examples`; False when it already was."""
    config = config or AdaptationConfig()
    expected = input_hash(base_dir, examples, config)
    target = Path(target).absolute()
    figures: dict[str, float] = {}

    def build(work: Path) -> None:
        figures.update(fine_tune(base_dir, examples, work, config, progress))
        provenance = {
            "source": str(base_dir),
            "from": "adaptation",
            "base_model": model_identity(base_dir),
            "input_hash": expected,
            "adaptation": ADAPTATION_VERSION,
            "examples": len(examples),
            "config": asdict(config),
            "training": figures,
        }
        (work / PROVENANCE_FILE).write_text(
            json.dumps(provenance, indent=2) + "\n", encoding="utf-8"
        )

    outcome = build_once(target, lambda directory: is_current(directory, expected), build)
    if outcome is Outcome.CURRENT:
        progress(f"{target} is up to date (inputs {expected[:12]})")
        return False
    if outcome is Outcome.BUILT_MEANWHILE:
        progress(f"{target} was adapted meanwhile by another process")
        return False
    progress(f"adapted model written to {target} ({figures['seconds']:.0f} s)")
    return True
