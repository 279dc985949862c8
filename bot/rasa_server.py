"""Rasa's command line, with the custom-action reply checked by a schema compiled once and
the model's graph run without dask (bot/sequential_graph_runner.py) and a message's sparse
features joined without `scipy.sparse.hstack` (bot/sparse_feature_concat.py).

Rasa 3.6 checks every action server reply with `jsonschema.validate(reply, schema)`
(`RemoteAction._validate_action_result`), and `validate` first checks the schema itself
against JSON Schema's meta-schema: Rasa's event schema is large, so on every custom action
the same schema was re-checked. A py-spy profile of the Rasa process under 20 residents put
38.5% of its time in jsonschema, 26.9% in `check_schema` alone (docs/scale.md). Here the
schema is checked once, when the server starts, and each reply is checked against the
compiled validator: the same errors for a malformed reply (the best match, with Rasa's own
hint appended), none of the repeated work.

Run as Rasa's CLI: `python -m bot.rasa_server run --enable-api ...` (stack/supervisor.py,
tests/support/scale_stack.py, docker/rasa.Dockerfile). Runs inside Rasa's environment.
"""

from __future__ import annotations

import sys
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

from bot.sequential_graph_runner import install_sequential_graph_runner
from bot.sparse_feature_concat import install_sparse_feature_concat

REPLY_HINT = (
    ". Failed to validate Action server response from API, "
    "make sure your response from the Action endpoint is valid. "
    f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
)


def compiled_reply_validator() -> Validator:
    """The validator `jsonschema.validate` would build for Rasa's reply schema, built once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def install_compiled_reply_check() -> None:
    validator = compiled_reply_validator()

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        error: ValidationError | None = best_match(validator.iter_errors(result))
        if error is not None:
            error.message += REPLY_HINT
            raise error
        return True

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def main() -> None:
    install_compiled_reply_check()
    install_sequential_graph_runner()
    install_sparse_feature_concat()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
