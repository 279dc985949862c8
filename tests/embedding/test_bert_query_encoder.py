"""BertQueryEncoder runs the same network as transformers' BertModel, on a small random BERT
(no model files needed) and in both weight formats."""

from __future__ import annotations

import pytest
import torch
from transformers import BertConfig, BertModel

from embedding.bert_query_encoder import BertQueryEncoder, _fp16_packing_available


def small_bert(**overrides: object) -> BertModel:
    torch.manual_seed(7)
    config = BertConfig(
        vocab_size=300,
        hidden_size=64,
        num_hidden_layers=3,
        num_attention_heads=4,
        intermediate_size=128,
        max_position_embeddings=64,
        layer_norm_eps=1e-12,
        **overrides,
    )
    return BertModel(config).eval()


def mean_pooled_reference(bert: BertModel, ids: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        hidden = bert(input_ids=ids.unsqueeze(0)).last_hidden_state[0]
    return torch.nn.functional.normalize(hidden.mean(dim=0), dim=-1)


@pytest.mark.parametrize("fp16_weights", [False, True])
@pytest.mark.parametrize("length", [1, 2, 17, 64])
def test_matches_bert_model(fp16_weights: bool, length: int) -> None:
    if fp16_weights and not _fp16_packing_available():
        pytest.skip("this torch build has no fbgemm fp16 packing")
    bert = small_bert()
    encoder = BertQueryEncoder(bert, fp16_weights=fp16_weights)
    ids = torch.randint(0, 300, (length,), generator=torch.Generator().manual_seed(length))

    vector = encoder.encode(ids)
    reference = mean_pooled_reference(bert, ids)

    assert vector.shape == (64,)
    if fp16_weights:
        assert float(vector @ reference) > 0.99999
    else:  # the same arithmetic in another order: equal up to float32 rounding
        assert torch.allclose(vector, reference, atol=1e-6)
    assert abs(float(vector.norm()) - 1.0) < 1e-5


def test_fp16_weights_are_used_where_available() -> None:
    encoder = BertQueryEncoder(small_bert())
    assert encoder.fp16_weights == _fp16_packing_available()


@pytest.mark.parametrize(
    "overrides", [{"hidden_act": "relu"}, {"position_embedding_type": "relative_key"}]
)
def test_other_networks_are_refused(overrides: dict[str, object]) -> None:
    bert = small_bert(**overrides)
    assert not BertQueryEncoder.supports(bert)
    with pytest.raises(ValueError):
        BertQueryEncoder(bert)
