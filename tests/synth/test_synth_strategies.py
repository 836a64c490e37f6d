"""The hypothesis strategies draw valid models, for every operator."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Constraint, Job, Node
from sim import node_satisfies
from sim.synth import generate_nodes
from sim.synth.jobs import OPERATORS
from sim.synth.strategies import (
    constraint_strategy,
    job_strategy,
    node_strategy,
    nodes_strategy,
)

FEW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
POPULATION = generate_nodes(100, seed=8)


@FEW
@given(nodes_strategy(min_size=1, max_size=30))
def test_nodes_strategy(nodes: list[Node]) -> None:
    assert 1 <= len(nodes) <= 30
    assert len({n.id for n in nodes}) == len(nodes)


@FEW
@given(node_strategy())
def test_node_strategy(node: Node) -> None:
    assert Node.model_validate(node.model_dump()) == node
    assert node.attributes["kernel.name"] in ("linux", "windows", "darwin")


@pytest.mark.parametrize("operator", OPERATORS)
def test_constraint_strategy_covers_every_operator(operator: str) -> None:
    @settings(max_examples=10, deadline=None)
    @given(
        constraint_strategy(operators=(operator,)),
        constraint_strategy(nodes=POPULATION, operators=(operator,)),
    )
    def check(free: Constraint, from_nodes: Constraint) -> None:
        for c in (free, from_nodes):
            assert c.operand == operator
            assert Constraint.model_validate(c.model_dump()) == c

    check()


@FEW
@given(st.data())
def test_constraint_values_come_from_nodes_or_adversarial(data: st.DataObject) -> None:
    c = data.draw(constraint_strategy(nodes=POPULATION))
    assert isinstance(c.r_target, str) and isinstance(c.l_target, str)


@FEW
@given(job_strategy(nodes=POPULATION))
def test_job_strategy(job: Job) -> None:
    assert 1 <= len(job.task_groups) <= 3
    assert Job.model_validate(job.model_dump()) == job
    for group in job.task_groups:
        for task in group.tasks:
            assert not any(c.operand.startswith("distinct_") for c in task.constraints)


@FEW
@given(nodes_strategy(max_size=20), st.lists(constraint_strategy(nodes=POPULATION), max_size=5))
def test_adversarial_constraints_evaluate_to_booleans(
    nodes: list[Node], constraints: list[Constraint]
) -> None:
    for constraint in constraints:
        for node in nodes:
            assert node_satisfies(node, constraint) in (True, False)
