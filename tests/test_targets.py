"""resolve_target: literals, the five node targets, attr/meta lookups, everything else."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from models import Node
from sim import resolve_target

NODE = Node.model_validate(
    {
        "ID": "node-1",
        "Name": "client-1",
        "Datacenter": "dc2",
        "NodeClass": "",
        "NodePool": "gpu",
        "Attributes": {"kernel.name": "linux", "empty": "", "unique.hostname": "h1"},
        "Meta": {"rack": "r1", "unique.x": "u"},
    }
)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("${node.unique.id}", ("node-1", True)),
        ("${node.unique.name}", ("client-1", True)),
        ("${node.datacenter}", ("dc2", True)),
        ("${node.class}", ("", True)),  # always found, even when empty
        ("${node.pool}", ("gpu", True)),
        ("${attr.kernel.name}", ("linux", True)),
        ("${attr.empty}", ("", True)),  # present with "" is found
        ("${attr.missing}", ("", False)),  # missing is "" and not found, never None
        ("${attr.kernel.name", ("linux", True)),  # only a trailing brace is trimmed
        ("${attr.kernel.name}}", ("", False)),  # one brace at most
        ("${attr.unique.hostname}", ("h1", True)),
        ("${meta.rack}", ("r1", True)),
        ("${meta.unique.x}", ("u", True)),
        ("${meta.missing}", ("", False)),
        ("${node.region}", ("", False)),  # Nomad nodes have no region target
        ("${node.unique.foo}", ("", False)),
        ("${node.foo}", ("", False)),
        ("${device.model}", ("", False)),
        ("${env.PATH}", ("", False)),
        ("${node.class", ("", False)),  # exact targets need the brace
        ("attr.kernel.name", ("attr.kernel.name", True)),  # no ${ -> literal
        ("$attr.kernel.name", ("$attr.kernel.name", True)),
        ("", ("", True)),
    ],
)
def test_resolve_target(target: str, expected: tuple[str, bool]) -> None:
    assert resolve_target(target, NODE) == expected


def test_node_class_and_pool_defaults() -> None:
    node = Node.model_validate({"ID": "x"})
    assert resolve_target("${node.class}", node) == ("", True)
    assert resolve_target("${node.pool}", node) == ("default", True)


@given(st.text().filter(lambda t: not t.startswith("${")))
def test_literal_resolves_to_itself(text: str) -> None:
    assert resolve_target(text, NODE) == (text, True)


@given(st.dictionaries(st.text(min_size=1), st.text()), st.text(min_size=1))
def test_attribute_lookup_matches_the_map(attributes: dict[str, str], key: str) -> None:
    assume(not key.endswith("}"))  # such keys cannot be addressed: one brace is always trimmed
    node = Node.model_validate({"Attributes": attributes})
    expected = (attributes[key], True) if key in attributes else ("", False)
    assert resolve_target("${attr." + key + "}", node) == expected
    assert resolve_target("${attr." + key, node) == expected
