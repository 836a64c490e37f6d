"""The UTF-8 check of mapped node files (``MappedText.open``): it accepts and refuses exactly
what ``read_text`` does, wherever multi-byte sequences fall against its pieces."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sim.core.errors import InputError
from sim.io import files
from sim.io.files import MappedText, read_text
from sim.io.loaders import load_node_records
from sim.io.node_json import node_to_api
from sim.synth import generate_nodes

# Mostly ASCII with the odd high byte: valid and broken sequences, at every offset.
_TEXTS = st.lists(
    st.one_of(
        st.binary(min_size=1, max_size=9).filter(bytes.isascii),
        st.text(alphabet=st.characters(min_codepoint=0x80), min_size=1, max_size=3).map(
            str.encode
        ),
        st.binary(min_size=1, max_size=2),
    ),
    min_size=1,
    max_size=30,
).map(b"".join)


def _readable(path) -> bool:
    try:
        read_text(path)
    except InputError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(data=_TEXTS, piece=st.integers(1, 9))
@example(data=b"a\xc3aa\xa9", piece=2)  # a sequence left open across a plain piece
@example(data=b"ab\xe2\x82\xac" * 3, piece=3)  # sequences across pieces
def test_the_check_agrees_with_read_text(tmp_path_factory, data, piece):
    path = tmp_path_factory.mktemp("text") / "nodes.json"
    path.write_bytes(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(files, "_CHECK_CHUNK", piece)
        mapped = MappedText.open(path)
    assert (mapped is not None) == _readable(path)
    if mapped is not None:
        assert bytes(mapped.data).decode() == read_text(path)
        mapped.close()


@pytest.mark.parametrize(
    "tail",
    [
        b"\xc3",  # a two-byte sequence cut short
        b"\xe2\x82 ",  # a three-byte one cut short
        b"\x80",  # a continuation byte with no lead
        b"\xff",  # never valid
    ],
)
def test_a_bad_byte_where_the_decoder_never_looks_still_refuses_the_file(tmp_path, tail):
    """An unknown key is skipped by the node decoder without a UTF-8 check: the file check
    is what refuses it, with read_text's error."""
    item = node_to_api(generate_nodes(1, seed=3)[0])
    data = json.dumps([item]).encode()
    path = tmp_path / "nodes.json"
    path.write_bytes(data[:-2] + b', "Note": "' + tail + b'"}]')
    with pytest.raises(InputError) as info:
        load_node_records(path)
    assert str(info.value).startswith(f"{path}: not UTF-8 text")
