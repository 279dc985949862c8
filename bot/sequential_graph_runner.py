"""Rasa's prediction graph run node after node in an order worked out once per target.

Rasa 3.6 runs its graph with `DaskGraphRunner` on every message and every action prediction
(two to four runs a turn). Each run first recomputes the part of the graph its targets need
(`GraphSchema.minimal_graph_schema`: a recursive walk that lists a shared dependency once per
path to it, then tests membership in that list), builds a dask graph of it, and hands it to
`dask.get`, which orders and runs the nodes in one thread. The graph and the targets are the
same every time; only the inputs (the message, the tracker) change. This runner keeps the
node objects Rasa builds and, per set of targets and input names, the order dask would work
out, and then only calls the nodes: the same components with the same inputs, in an order
that respects every dependency, with the same errors (a node's exception as it is, a
`RuntimeError` as Rasa's `GraphRunError`).

Used for serving only (`install_sequential_graph_runner` in bot/rasa_server.py); training
keeps Rasa's own runner, with its caching and fingerprinting. Runs inside Rasa's environment.
"""

from __future__ import annotations

from typing import Any

import rasa.core.processor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner

# (targets, input names) -> the nodes to call, dependencies first, with the names of their needs
ExecutionPlan = list[tuple[str, tuple[str, ...]]]


class SequentialGraphRunner(DaskGraphRunner):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[tuple[tuple[str, ...], tuple[str, ...]], ExecutionPlan] = {}

    def run(
        self,
        inputs: dict[str, Any] | None = None,
        targets: list[str] | None = None,
    ) -> dict[str, Any]:
        run_targets = list(targets) if targets else self._graph_schema.target_names
        given = dict(inputs or {})
        clash = [name for name in given if name in self._graph_schema.nodes]
        if clash:
            raise GraphRunError(
                f"Input value '{clash[0]}' clashes with a node name. Make sure "
                f"that none of the input names passed to the `run` method are the "
                f"same as node names in the graph schema."
            )
        key = (tuple(run_targets), tuple(sorted(given)))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = execution_plan(self._graph_schema, run_targets)
        outputs: dict[str, Any] = {name: (name, value) for name, value in given.items()}
        try:
            for node_name, needs in plan:
                node = self._instantiated_nodes[node_name]
                outputs[node_name] = node(*(outputs.get(need, need) for need in needs))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e
        return dict(outputs.get(target, target) for target in run_targets)


def execution_plan(schema: GraphSchema, targets: list[str]) -> ExecutionPlan:
    """The nodes `targets` depend on (themselves included), each after all of its needs."""
    plan: ExecutionPlan = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(name: str) -> None:
        if name in placed or name not in schema.nodes:  # an input, or already placed
            return
        if name in visiting:
            raise GraphRunError(f"The graph has a cycle through node '{name}'.")
        visiting.add(name)
        needs = tuple(schema.nodes[name].needs.values())
        for need in needs:
            place(need)
        visiting.discard(name)
        placed.add(name)
        plan.append((name, needs))

    for target in targets:
        place(target)
    return plan


def install_sequential_graph_runner() -> None:
    """Rasa's processor loads a model's graph with this runner instead of dask's."""
    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[misc]
