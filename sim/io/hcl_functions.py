"""The functions a jobspec may call: jobspec2/functions.go ``Functions`` (go-cty stdlib, hcl's
tryfunc/typeexpr, go-cty-funcs, go-cty-yaml) with the same names and behaviour.

Filesystem functions resolve paths against the jobspec's directory (``basedir``) as Nomad's
CLI does (``AllowFS: true`` in command/helpers.go); with ``allow_fs`` off they fail with
Nomad's "filesystem function disabled".
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import ipaddress
import json
import math
import os
import re
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from .hcl_values import (
    HclError,
    as_set,
    format_number,
    number,
    to_bool,
    to_number,
    to_string,
    type_name,
    values_equal,
)

Function = Callable[..., Any]


def _list(value: Any, name: str = "list") -> list[Any]:
    if not isinstance(value, list):
        raise HclError(f"{name} must be a list, tuple or set; got {type_name(value)}")
    return value


def _map(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise HclError(f"a map or object is required; got {type_name(value)}")
    return value


# -- strings


def _format(fmt: str, *args: Any) -> str:
    """stdlib ``format``: Go-style verbs %v %s %q %d %f %e %g %x %X %o %b %t %%, width,
    precision, flags and explicit ``%[n]`` argument indexes."""
    out: list[str] = []
    pattern = re.compile(r"%([-+# 0]*)(?:\[(\d+)\])?(\d+)?(?:\.(\d+))?([a-zA-Z%])")
    position = 0
    last = 0
    for match in pattern.finditer(fmt):
        out.append(fmt[last : match.start()])
        last = match.end()
        flags, explicit, width, precision, verb = match.groups()
        if verb == "%":
            out.append("%")
            continue
        if explicit:
            position = int(explicit) - 1
        if position >= len(args):
            raise HclError(f"not enough arguments for %{verb} at {match.start()}")
        value = args[position]
        position += 1
        out.append(_format_one(value, flags, width, precision, verb))
    out.append(fmt[last:])
    return "".join(out)


def _format_one(value: Any, flags: str, width: str | None, precision: str | None, verb: str) -> str:
    if verb == "v":
        text = (
            json.dumps(value, separators=(",", ":"))
            if isinstance(value, list | dict)
            else to_string(value)
            if value is not None
            else "null"
        )
    elif verb == "s":
        text = to_string(value)
        if precision:
            text = text[: int(precision)]
    elif verb == "q":
        text = json.dumps(to_string(value), ensure_ascii=False)
    elif verb == "t":
        text = "true" if to_bool(value) else "false"
    elif verb in "dxXob":
        num = to_number(value)
        if not float(num).is_integer():
            raise HclError(f"unsupported value for %{verb}: an integer is required")
        spec = {"d": "d", "x": "x", "X": "X", "o": "o", "b": "b"}[verb]
        text = format(int(num), ("+" if "+" in flags else "") + spec)
    elif verb in "feEgG":
        num = float(to_number(value))
        prec = int(precision) if precision else (6 if verb in "feE" else -1)
        if verb in "gG" and prec < 0:
            text = format_number(number(num))
        else:
            text = format(num, ("+" if "+" in flags else "") + f".{prec}{verb}")
    else:
        raise HclError(f"unsupported format verb %{verb}")
    if width:
        size = int(width)
        if "-" in flags:
            text = text.ljust(size)
        elif "0" in flags and verb not in "sqvt":
            sign = text[0] if text[:1] in "+-" else ""
            text = sign + text[len(sign) :].rjust(size - len(sign), "0")
        else:
            text = text.rjust(size)
    return text


def _formatlist(fmt: str, *args: Any) -> list[str]:
    lengths = {len(a) for a in args if isinstance(a, list)}
    if len(lengths) > 1:
        raise HclError("all list arguments must have the same length")
    count = lengths.pop() if lengths else 1
    return [_format(fmt, *[a[i] if isinstance(a, list) else a for a in args]) for i in range(count)]


def _indent(spaces: Any, text: str) -> str:
    pad = " " * int(to_number(spaces))
    lines = to_string(text).split("\n")
    return "\n".join([lines[0]] + [pad + line for line in lines[1:]])


def _title(text: str) -> str:
    return re.sub(r"(^|\s)(\S)", lambda m: m.group(1) + m.group(2).upper(), to_string(text))


def _trim(text: str, cutset: str) -> str:
    return to_string(text).strip(to_string(cutset))


def _replace(text: str, old: str, new: str) -> str:
    text, old, new = to_string(text), to_string(old), to_string(new)
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        return _regex_replace(text, old[1:-1], new)
    return text.replace(old, new)


def _regex_replace(text: str, pattern: str, new: str) -> str:
    """RE2 pattern; ``$1``/``${name}`` in the replacement as Go's ``Regexp.ReplaceAllString``."""
    try:
        compiled = re.compile(to_string(pattern))
    except re.error as exc:
        raise HclError(f"invalid regular expression: {exc}") from None
    repl = re.sub(
        r"\$\{(\w+)\}|\$(\w+)",
        lambda m: f"\\g<{m.group(1) or m.group(2)}>",
        to_string(new).replace("\\", "\\\\"),
    )
    return compiled.sub(repl, to_string(text))


def _substr(text: str, offset: Any, length: Any) -> str:
    text = to_string(text)
    start, size = int(to_number(offset)), int(to_number(length))
    if start < 0:
        start = max(len(text) + start, 0)
    if start > len(text):
        return ""
    return text[start:] if size < 0 else text[start : start + size]


def _split(separator: str, text: str) -> list[str]:
    return to_string(text).split(to_string(separator)) if to_string(separator) else list(text)


def _join(separator: str, *lists: Any) -> str:
    items = [item for lst in lists for item in _list(lst)]
    return to_string(separator).join(to_string(i) for i in items)


def _chomp(text: str) -> str:
    return re.sub(r"(?:\r\n|\r|\n)+\Z", "", to_string(text))


def _strrev(value: Any) -> Any:
    return value[::-1] if isinstance(value, list) else to_string(value)[::-1]


# -- collections


def _coalesce(*values: Any) -> Any:
    for value in values:
        if value is not None and value != "":
            return value
    raise HclError("no non-null, non-empty-string arguments")


def _coalescelist(*lists: Any) -> Any:
    for value in lists:
        if _list(value):
            return value
    raise HclError("no non-null arguments")


def _compact(values: Any) -> list[str]:
    return [to_string(v) for v in _list(values) if v is not None and v != ""]


def _concat(*lists: Any) -> list[Any]:
    return [item for lst in lists for item in _list(lst)]


def _contains(values: Any, value: Any) -> bool:
    return any(values_equal(v, value) for v in _list(values))


def _distinct(values: Any) -> list[Any]:
    out: list[Any] = []
    for v in _list(values):
        if not any(values_equal(v, seen) for seen in out):
            out.append(v)
    return out


def _element(values: Any, position: Any) -> Any:
    items = _list(values)
    if not items:
        raise HclError("cannot use element function with an empty list")
    i = int(to_number(position))
    if i < 0:
        raise HclError("cannot use element function with a negative index")
    return items[i % len(items)]


def _flatten(values: Any) -> list[Any]:
    out: list[Any] = []
    for v in _list(values):
        out.extend(_flatten(v) if isinstance(v, list) else [v])
    return out


def _index(values: Any, value: Any) -> int:
    for i, v in enumerate(_list(values)):
        if values_equal(v, value):
            return i
    raise HclError("item not found")


def _keys(value: Any) -> list[str]:
    return sorted(_map(value))


def _values(value: Any) -> list[Any]:
    mapping = _map(value)
    return [mapping[k] for k in sorted(mapping)]


def _length(value: Any) -> int:
    if isinstance(value, list | dict):
        return len(value)
    if isinstance(value, str):
        return len(value)
    raise HclError("argument must be a string, a collection type, or a structural type")


def _lookup(mapping: Any, key: str, *default: Any) -> Any:
    mapping = _map(mapping)
    key = to_string(key)
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise HclError(f'the given key "{key}" does not exist in the map, and no default was given')


def _merge(*maps: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in maps:
        if m is not None:
            out.update(_map(m))
    return out


def _range(*args: Any) -> list[Any]:
    nums = [to_number(a) for a in args]
    start: int | float
    stop: int | float
    step: int | float
    if len(nums) == 1:
        start, stop, step = 0, nums[0], 1
    elif len(nums) == 2:
        start, stop, step = nums[0], nums[1], 1 if nums[1] >= nums[0] else -1
    elif len(nums) == 3:
        start, stop, step = nums
    else:
        raise HclError("must have one, two, or three arguments")
    if step == 0:
        raise HclError("step must not be zero")
    out = []
    value = start
    while (value < stop) if step > 0 else (value > stop):
        out.append(number(value))
        if len(out) > 1024:
            raise HclError(
                "more than 1024 values were generated; either decrease the difference "
                "between start and end or use a smaller step"
            )
        value += step
    return out


def _slice(values: Any, start: Any, end: Any) -> list[Any]:
    items = _list(values)
    a, b = int(to_number(start)), int(to_number(end))
    if a < 0 or b > len(items) or a > b:
        raise HclError("invalid slice indices")
    return items[a:b]


def _sort(values: Any) -> list[str]:
    return sorted(to_string(v) for v in _list(values))


def _chunklist(values: Any, size: Any) -> list[list[Any]]:
    items, n = _list(values), int(to_number(size))
    if n < 0:
        raise HclError("the size argument must be positive")
    if n == 0:
        return [items]
    return [items[i : i + n] for i in range(0, len(items), n)]


def _zipmap(keys: Any, values: Any) -> dict[str, Any]:
    k, v = _list(keys), _list(values)
    if len(k) != len(v):
        raise HclError("number of keys and values must match")
    return {to_string(key): value for key, value in zip(k, v, strict=True)}


def _setproduct(*sets: Any) -> list[list[Any]]:
    out: list[list[Any]] = [[]]
    for s in sets:
        out = [[*prefix, item] for prefix in out for item in _list(s)]
    return out if sets else []


def _setunion(*sets: Any) -> list[Any]:
    return as_set([item for s in sets for item in _list(s)])


def _setintersection(first: Any, *others: Any) -> list[Any]:
    return as_set(
        [
            item
            for item in _list(first)
            if all(any(values_equal(item, o) for o in _list(s)) for s in others)
        ]
    )


# -- numbers


def _max(*nums: Any) -> Any:
    if not nums:
        raise HclError("must pass at least one number")
    return max(to_number(n) for n in nums)


def _min(*nums: Any) -> Any:
    if not nums:
        raise HclError("must pass at least one number")
    return min(to_number(n) for n in nums)


def _parseint(text: Any, base: Any) -> int:
    try:
        return int(to_string(text), int(to_number(base)))
    except ValueError:
        raise HclError(f"cannot parse {text!r} as a base {base} integer") from None


def _log(value: Any, base: Any) -> Any:
    return number(math.log(to_number(value)) / math.log(to_number(base)))


def _signum(value: Any) -> int:
    n = to_number(value)
    return (n > 0) - (n < 0)


# -- encoding


def _jsondecode(text: str) -> Any:
    try:
        return _numbers(json.loads(to_string(text)))
    except json.JSONDecodeError as exc:
        raise HclError(f"invalid JSON: {exc}") from None


def _numbers(value: Any) -> Any:
    if isinstance(value, float):
        return number(value)
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    return value


def _jsonencode(value: Any) -> str:
    return (
        json.dumps(
            value, separators=(",", ":"), sort_keys=isinstance(value, dict), ensure_ascii=False
        )
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def _yamldecode(text: str) -> Any:
    try:
        return _numbers(yaml.safe_load(to_string(text)))
    except yaml.YAMLError as exc:
        raise HclError(f"invalid YAML: {exc}") from None


def _yamlencode(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=True, default_flow_style=False, allow_unicode=True)


def _base64decode(text: str) -> str:
    try:
        return base64.b64decode(to_string(text), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise HclError("failed to decode base64 data") from None


def _base64encode(text: str) -> str:
    return base64.b64encode(to_string(text).encode()).decode()


def _urlencode(text: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(to_string(text))


def _csvdecode(text: str) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(to_string(text))))
    if not rows:
        raise HclError("missing header line")
    header, body = rows[0], rows[1:]
    for row in body:
        if len(row) != len(header):
            raise HclError("wrong number of fields")
    return [dict(zip(header, row, strict=True)) for row in body]


def _hash(algorithm: str) -> Function:
    return lambda text: hashlib.new(algorithm, to_string(text).encode()).hexdigest()


# -- time


def _parse_rfc3339(text: str) -> datetime:
    try:
        return datetime.fromisoformat(to_string(text).replace("Z", "+00:00"))
    except ValueError:
        raise HclError(f'failed to parse "{text}" as RFC3339 timestamp') from None


_DURATION = re.compile(r"([-+]?\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


def _timeadd(timestamp: str, duration: str) -> str:
    when = _parse_rfc3339(timestamp)
    parts = _DURATION.findall(to_string(duration))
    if not parts or "".join(a + b for a, b in parts) != to_string(duration).lstrip("+"):
        raise HclError(f'time: invalid duration "{duration}"')
    seconds = sum(float(a) * _UNITS[u] for a, u in parts)
    text = (when + timedelta(seconds=seconds)).isoformat()
    return text.replace("+00:00", "Z")


_DATE_TOKENS = [
    ("YYYY", "%Y"),
    ("YY", "%y"),
    ("MMMM", "%B"),
    ("MMM", "%b"),
    ("MM", "%m"),
    ("DD", "%d"),
    ("EEEE", "%A"),
    ("EEE", "%a"),
    ("hh", "%H"),
    ("mm", "%M"),
    ("ss", "%S"),
]


def _formatdate(spec: str, timestamp: str) -> str:
    """stdlib ``formatdate`` for its common tokens (YYYY YY MMMM MMM MM M DD D EEEE EEE hh h
    mm m ss s ZZZ Z and 'quoted literals')."""
    when = _parse_rfc3339(timestamp)
    out: list[str] = []
    spec = to_string(spec)
    i = 0
    while i < len(spec):
        if spec[i] == "'":
            end = spec.find("'", i + 1)
            if end < 0:
                raise HclError("unterminated literal '")
            out.append(spec[i + 1 : end] if end > i + 1 else "'")
            i = end + 1
            continue
        for token, code in _DATE_TOKENS:
            if spec.startswith(token, i):
                out.append(when.strftime(code))
                i += len(token)
                break
        else:
            char = spec[i]
            run = len(spec[i:]) - len(spec[i:].lstrip(char))
            if char == "M" and run == 1:
                out.append(str(when.month))
            elif char == "D" and run == 1:
                out.append(str(when.day))
            elif char == "h" and run == 1:
                out.append(str(when.hour))
            elif char == "m" and run == 1:
                out.append(str(when.minute))
            elif char == "s" and run == 1:
                out.append(str(when.second))
            elif char == "Z":
                offset = when.utcoffset() or timedelta(0)
                minutes = int(offset.total_seconds() // 60)
                if run >= 3:
                    out.append("UTC" if minutes == 0 else f"{minutes // 60:+03d}{minutes % 60:02d}")
                else:
                    out.append("Z" if minutes == 0 else f"{minutes // 60:+03d}:{minutes % 60:02d}")
            elif char.isalpha():
                raise HclError(f'invalid date format verb "{spec[i : i + run]}"')
            else:
                out.append(spec[i : i + run])
            i += run
    return "".join(out)


# -- networks (go-cty-funcs/cidr)


def _network(prefix: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(to_string(prefix), strict=False)
    except ValueError as exc:
        raise HclError(f"invalid CIDR expression: {exc}") from None


def _cidrhost(prefix: str, hostnum: Any) -> str:
    net = _network(prefix)
    n = int(to_number(hostnum))
    if n < 0:
        n += net.num_addresses
    if not 0 <= n < net.num_addresses:
        raise HclError(f"prefix of {net.prefixlen} does not accommodate a host numbered {hostnum}")
    return str(net.network_address + n)


def _cidrnetmask(prefix: str) -> str:
    net = _network(prefix)
    if net.version != 4:
        raise HclError("only IPv4 networks have a netmask")
    return str(net.netmask)


def _cidrsubnet(prefix: str, newbits: Any, netnum: Any) -> str:
    net = _network(prefix)
    bits, num = int(to_number(newbits)), int(to_number(netnum))
    new_prefix = net.prefixlen + bits
    if new_prefix > net.max_prefixlen:
        raise HclError(f"insufficient address space to extend prefix of {net.prefixlen} by {bits}")
    if not 0 <= num < 2**bits:
        raise HclError(f"prefix extension of {bits} does not accommodate a subnet numbered {num}")
    base = int(net.network_address) + (num << (net.max_prefixlen - new_prefix))
    return (
        f"{ipaddress.ip_address(base) if net.version == 4 else ipaddress.IPv6Address(base)}"
        f"/{new_prefix}"
    )


def _cidrsubnets(prefix: str, *newbits: Any) -> list[str]:
    net = _network(prefix)
    out: list[str] = []
    current = int(net.network_address)
    for bits in newbits:
        length = net.prefixlen + int(to_number(bits))
        size = 2 ** (net.max_prefixlen - length)
        current = -(-current // size) * size  # align up
        address = (
            ipaddress.ip_address(current) if net.version == 4 else ipaddress.IPv6Address(current)
        )
        out.append(f"{address}/{length}")
        current += size
    if current > int(net.broadcast_address) + 1:
        raise HclError("not enough remaining address space for a subnet")
    return out


# -- filesystem (go-cty-funcs/filesystem), relative to the jobspec's directory


def _filesystem(basedir: Path) -> dict[str, Function]:
    def resolve(path: str) -> Path:
        expanded = Path(os.path.expanduser(to_string(path)))
        return expanded if expanded.is_absolute() else basedir / expanded

    def read(path: str) -> bytes:
        target = resolve(path)
        try:
            return target.read_bytes()
        except OSError:
            raise HclError(
                f"no file exists at {path}; this function works only with files "
                "that are distributed as part of the configuration source code"
            ) from None

    def file(path: str) -> str:
        data = read(path)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise HclError(
                f"contents of {path} are not valid UTF-8; use the filebase64 "
                "function to obtain the Base64 encoded contents or the other file "
                "functions (e.g. filemd5, filesha256) to obtain file hashing results "
                "instead"
            ) from None

    def fileexists(path: str) -> bool:
        target = resolve(path)
        if target.exists() and not target.is_file():
            raise HclError(f"{path} is not a regular file, but {target.stat().st_mode:o}")
        return target.is_file()

    def fileset(path: str, pattern: str) -> list[str]:
        root = resolve(path)
        return sorted(
            str(p.relative_to(root)) for p in root.glob(to_string(pattern)) if p.is_file()
        )

    return {
        "abspath": lambda p: str(Path(os.path.abspath(to_string(p)))),
        "basename": lambda p: os.path.basename(to_string(p).rstrip("/")) or "/",
        "dirname": lambda p: os.path.dirname(to_string(p)) or ".",
        "file": file,
        "filebase64": lambda p: base64.b64encode(read(p)).decode(),
        "fileexists": fileexists,
        "fileset": fileset,
        "pathexpand": lambda p: os.path.expanduser(to_string(p)),
    }


def _disabled(*_args: Any) -> Any:
    raise HclError("filesystem function disabled")


def _unsupported(name: str) -> Function:
    def refuse(*_args: Any) -> Any:
        raise HclError(
            f"{name} is not evaluated by nomad-sim (it cannot change placement); "
            "load the JSON of `nomad job run -output` instead"
        )

    return refuse


def functions(basedir: Path, allow_fs: bool = True) -> dict[str, Function]:
    """The function table of jobspec2/functions.go ``Functions(basedir, allowFS)``."""
    table: dict[str, Function] = {
        "abs": lambda n: abs(to_number(n)),
        "base64decode": _base64decode,
        "base64encode": _base64encode,
        "bcrypt": _unsupported("bcrypt"),
        "ceil": lambda n: math.ceil(to_number(n)),
        "chomp": _chomp,
        "chunklist": _chunklist,
        "cidrhost": _cidrhost,
        "cidrnetmask": _cidrnetmask,
        "cidrsubnet": _cidrsubnet,
        "cidrsubnets": _cidrsubnets,
        "coalesce": _coalesce,
        "coalescelist": _coalescelist,
        "compact": _compact,
        "concat": _concat,
        "contains": _contains,
        "csvdecode": _csvdecode,
        "distinct": _distinct,
        "element": _element,
        "flatten": _flatten,
        "floor": lambda n: math.floor(to_number(n)),
        "format": _format,
        "formatdate": _formatdate,
        "formatlist": _formatlist,
        "indent": _indent,
        "index": _index,
        "join": _join,
        "jsondecode": _jsondecode,
        "jsonencode": _jsonencode,
        "keys": _keys,
        "length": _length,
        "log": _log,
        "lookup": _lookup,
        "lower": lambda s: to_string(s).lower(),
        "max": _max,
        "merge": _merge,
        "min": _min,
        "parseint": _parseint,
        "pow": lambda a, b: number(to_number(a) ** to_number(b)),
        "range": _range,
        "reverse": lambda v: list(reversed(_list(v))),
        "replace": _replace,
        "regex_replace": _regex_replace,
        "rsadecrypt": _unsupported("rsadecrypt"),
        "setintersection": _setintersection,
        "setproduct": _setproduct,
        "setunion": _setunion,
        "sha256": _hash("sha256"),
        "sha512": _hash("sha512"),
        "md5": _hash("md5"),
        "sha1": _hash("sha1"),
        "signum": _signum,
        "slice": _slice,
        "sort": _sort,
        "split": _split,
        "strlen": lambda s: len(to_string(s)),
        "strrev": _strrev,
        "substr": _substr,
        "timeadd": _timeadd,
        "title": _title,
        "trim": _trim,
        "trimprefix": lambda s, p: to_string(s).removeprefix(to_string(p)),
        "trimspace": lambda s: to_string(s).strip(),
        "trimsuffix": lambda s, p: to_string(s).removesuffix(to_string(p)),
        "upper": lambda s: to_string(s).upper(),
        "urlencode": _urlencode,
        "uuidv4": lambda: str(uuid.uuid4()),
        "uuidv5": lambda ns, name: str(uuid.uuid5(_uuid_namespace(ns), to_string(name))),
        "values": _values,
        "yamldecode": _yamldecode,
        "yamlencode": _yamlencode,
        "zipmap": _zipmap,
    }
    fs = _filesystem(basedir)
    table.update(fs if allow_fs else dict.fromkeys(fs, _disabled))
    return table


def _uuid_namespace(name: str) -> uuid.UUID:
    known = {
        "dns": uuid.NAMESPACE_DNS,
        "url": uuid.NAMESPACE_URL,
        "oid": uuid.NAMESPACE_OID,
        "x500": uuid.NAMESPACE_X500,
    }
    if to_string(name) in known:
        return known[to_string(name)]
    try:
        return uuid.UUID(to_string(name))
    except ValueError:
        raise HclError(f"uuidv5() doesn't support namespace {name}") from None
