"""jobspec2's function table (jobspec2/functions.go) and HCL expressions, one expression each;
expected values are what ``nomad job run -output`` prints for them (cty stdlib semantics)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.io.hcl_body import parse_expression
from sim.io.hcl_eval import LAZY_FUNCTIONS, Scope, evaluate
from sim.io.hcl_functions import functions
from sim.io.hcl_values import HclError

VARIABLES = {
    "var": {"dcs": ["dc1", "dc2"], "env": {"A": "1"}, "n": 3, "flag": True},
    "local": {"objs": [{"name": "a", "n": 1}, {"name": "b", "n": 2}]},
}


def ev(text: str, basedir: Path = Path("."), allow_fs: bool = True):
    src, expr = parse_expression(text, "test")
    scope = Scope(VARIABLES, functions(basedir, allow_fs), src, lazy=LAZY_FUNCTIONS)
    return evaluate(expr, scope)


CASES = [
    # expressions
    ('"a${var.n}b"', "a3b"),
    ('"${var.dcs}"', ["dc1", "dc2"]),
    ("[for s in var.dcs : upper(s)]", ["DC1", "DC2"]),
    ('[for s in var.dcs : s if s != "dc1"]', ["dc2"]),
    ("{for k, v in var.env : lower(k) => v}", {"a": "1"}),
    (
        '{for o in local.objs : o.n > 1 ? "big" : "small" => o.name...}',
        {"small": ["a"], "big": ["b"]},
    ),
    ("local.objs[*].name", ["a", "b"]),
    ("local.objs.*.n", [1, 2]),
    ("local.objs[1].name", "b"),
    ('var.env["A"]', "1"),
    ("var.n * 2 + 1", 7),
    ("7 / 2", 3.5),
    ("-7 % 3", -1),
    ("var.n >= 3 && !false || false", True),
    ('1 == "1"', False),
    ("var.flag ? 1 : 2", 1),
    ('"%{ if var.flag }on%{ else }off%{ endif }"', "on"),
    ('"%{ for d in var.dcs }${d},%{ endfor }"', "dc1,dc2,"),
    ('"a \\n\\"q\\" \\u00e9"', 'a \n"q" é'),
    ('"$${keep} %%{keep}"', "${keep} %{keep}"),
    ('"${node.unique.name}-x"', "${node.unique.name}-x"),
    ('"${attr.kernel.name}"', "${attr.kernel.name}"),
    ("meta.rack", "${meta.rack}"),
    ('"${NOMAD_ALLOC_INDEX}"', "${NOMAD_ALLOC_INDEX}"),
    # strings
    ('format("%s-%03d %.2f %v %q %t", "a", 7, 1.5, 2, "x", true)', 'a-007 1.50 2 "x" true'),
    ('format("%[2]s %[1]s", "a", "b")', "b a"),
    ('formatlist("%s=%s", ["a", "b"], "x")', ["a=x", "b=x"]),
    ('indent(2, "a\\nb")', "a\n  b"),
    ('join(",", ["a", "b"], ["c"])', "a,b,c"),
    ('split(",", "a,b")', ["a", "b"]),
    ('lower("AB")', "ab"),
    ('upper("ab")', "AB"),
    ('title("hello world")', "Hello World"),
    ('trim("?!ab!?", "!?")', "ab"),
    ('trimprefix("foobar", "foo")', "bar"),
    ('trimsuffix("foobar", "bar")', "foo"),
    ('trimspace("  a \\n")', "a"),
    ('chomp("a\\n\\n")', "a"),
    ('replace("a-b-c", "-", "+")', "a+b+c"),
    ('replace("a1b22", "/[0-9]+/", "#")', "a#b#"),
    ('regex_replace("a1b22", "([0-9]+)", "<$1>")', "a<1>b<22>"),
    ('substr("hello", 1, 3)', "ell"),
    ('substr("hello", -3, -1)', "llo"),
    ('strlen("héllo")', 5),
    ('strrev("abc")', "cba"),
    # collections
    ('coalesce("", "b")', "b"),
    ("coalescelist([], [1])", [1]),
    ('compact(["a", "", "b"])', ["a", "b"]),
    ("concat([1], [2, 3])", [1, 2, 3]),
    ('contains(["a"], "a")', True),
    ("distinct([1, 2, 1])", [1, 2]),
    ("element([1, 2, 3], 4)", 2),
    ("flatten([[1, [2]], 3])", [1, 2, 3]),
    ('index(["a", "b"], "b")', 1),
    ("keys({b = 1, a = 2})", ["a", "b"]),
    ("values({b = 1, a = 2})", [2, 1]),
    ("length(var.dcs)", 2),
    ('length("abc")', 3),
    ('lookup({a = 1}, "b", 5)', 5),
    ("merge({a = 1}, {b = 2}, {a = 3})", {"a": 3, "b": 2}),
    ("range(3)", [0, 1, 2]),
    ("range(1, 7, 3)", [1, 4]),
    ("reverse([1, 2])", [2, 1]),
    ("slice([1, 2, 3], 1, 3)", [2, 3]),
    ('sort(["b", "a"])', ["a", "b"]),
    ("chunklist([1, 2, 3], 2)", [[1, 2], [3]]),
    ('zipmap(["a", "b"], [1, 2])', {"a": 1, "b": 2}),
    ('setproduct([1, 2], ["x"])', [[1, "x"], [2, "x"]]),
    ('setunion(["b"], ["a", "b"])', ["a", "b"]),
    ("setintersection([1, 2], [2, 3])", [2]),
    # numbers
    ("abs(-2)", 2),
    ("ceil(1.2)", 2),
    ("floor(1.8)", 1),
    ("max(1, 5, 3)", 5),
    ("min(4, 2)", 2),
    ("pow(2, 10)", 1024),
    ("log(8, 2)", 3),
    ("signum(-5)", -1),
    ('parseint("ff", 16)', 255),
    # encoding
    ('jsonencode({b = [1, "x"], a = true})', '{"a":true,"b":[1,"x"]}'),
    ('jsondecode("{\\"a\\": [1, 2.5]}")', {"a": [1, 2.5]}),
    ('yamldecode("a: [1, x]")', {"a": [1, "x"]}),
    ("yamlencode({a = 1})", "a: 1\n"),
    ('base64encode("hi")', "aGk="),
    ('base64decode("aGk=")', "hi"),
    ('urlencode("a b&c")', "a+b%26c"),
    ('csvdecode("a,b\\n1,2\\n")', [{"a": "1", "b": "2"}]),
    ('md5("a")', "0cc175b9c0f1b6a831c399e269772661"),
    ('sha1("a")', "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"),
    ('sha256("a")', "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"),
    ('uuidv5("dns", "example.com")', "cfbff0d1-9375-5685-968c-48ce8b15ae17"),
    # networks, time
    ('cidrhost("10.0.0.0/8", 2)', "10.0.0.2"),
    ('cidrnetmask("10.0.0.0/8")', "255.0.0.0"),
    ('cidrsubnet("10.0.0.0/8", 8, 2)', "10.2.0.0/16"),
    ('cidrsubnets("10.0.0.0/8", 8, 8)', ["10.0.0.0/16", "10.1.0.0/16"]),
    ('timeadd("2024-01-01T00:00:00Z", "90m")', "2024-01-01T01:30:00Z"),
    ('formatdate("YYYY-MM-DD hh:mm", "2024-03-05T07:08:09Z")', "2024-03-05 07:08"),
    # try, can, convert
    ('try(var.env["B"], "fallback")', "fallback"),
    ("can(var.nope)", False),
    ("can(var.n)", True),
    ('convert(["a"], set(string))', ["a"]),
    ("convert({a = 1}, map(string))", {"a": "1"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_expression_value(text: str, expected) -> None:
    assert ev(text) == expected


def test_uuidv4_is_random_and_well_formed() -> None:
    first, second = ev("uuidv4()"), ev("uuidv4()")
    assert first != second and len(first) == 36 and first[14] == "4"


def test_file_functions_resolve_against_the_jobspec_directory(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "a.txt").write_text("hello")
    assert ev('file("conf/a.txt")', tmp_path) == "hello"
    assert ev('filebase64("conf/a.txt")', tmp_path) == "aGVsbG8="
    assert ev('fileexists("conf/a.txt")', tmp_path) is True
    assert ev('fileexists("conf/b.txt")', tmp_path) is False
    assert ev('fileset("conf", "*.txt")', tmp_path) == ["a.txt"]
    assert ev('basename("a/b.txt")') == "b.txt"
    assert ev('dirname("a/b.txt")') == "a"
    with pytest.raises(HclError, match=r"no file exists at missing\.txt"):
        ev('file("missing.txt")', tmp_path)


def test_file_functions_disabled_as_nomad_does_without_allow_fs(tmp_path: Path) -> None:
    with pytest.raises(HclError, match="filesystem function disabled"):
        ev('file("a")', tmp_path, allow_fs=False)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tostring(1)", 'There is no function named "tostring"'),  # not in jobspec2's table
        ('templatefile("a", {})', 'There is no function named "templatefile"'),
        ("var.nope", 'does not have an attribute named "nope"'),
        ('"${var.dcs}x"', "string required"),
        ('lookup({}, "k")', "does not exist in the map"),
        ('bcrypt("x")', "not evaluated by nomad-sim"),
        ("1 / 0", "Zero divisor"),
        ('{for s in ["a", "a"] : s => 1}', "Duplicate object key"),
    ],
)
def test_expression_errors(text: str, message: str) -> None:
    with pytest.raises(HclError, match=message):
        ev(text)
