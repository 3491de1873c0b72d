"""Hostile files for ``jitgrad.load``: every one must give a RuntimeError that
names the file, without a huge allocation, a crash or a hang.

tests/test_save_load.py covers truncation at every offset, header bit flips
and random bytes; here the files are *crafted*: each header is rewritten and
its crc32 recomputed (and a tensor's data crc32 too where the case needs
it), so the hostile content passes the checksums and reaches the parser:

* sizes: a header claiming a 1e15-element (or 8 GiB, or 2**126-byte)
  tensor, empty tensors with astronomically large other dims, 65+ dims,
  prefix lengths of 2**63;
* nesting: JSON 100000 levels deep (arrays, objects, tagged tuples, dict
  keys), which must not surface as a RecursionError;
* offsets: unaligned, overlapping, negative, past the end, not integers;
* every tensor-entry field set to values of the wrong type or range, unknown
  dtypes, non-dict JSON, missing/extra keys, non-UTF-8 headers, numbers that
  overflow (1e999, a 5000-digit integer), bad object descriptions.

The table runs in a subprocess whose address space is capped
(``RLIMIT_AS``: what it uses after importing jitgrad plus 512 MiB), with
``tracemalloc`` watching each load's peak: an attempt to allocate what a
header claims fails the test instead of swapping the machine. A hypothesis
test then substitutes random JSON values into random places of a valid
header (checksums recomputed): each load either works or raises the
RuntimeError.
"""
import json
import os
import select
import struct
import subprocess
import sys
import time
import zlib

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
MAGIC = b"\x93JITGRAD\r\n\x1a\n"
FIXED = 36
PEAK_LIMIT = 64 * 2 ** 20           # bytes tracemalloc may see one load allocate
HEADROOM = 512 * 2 ** 20            # address space the worker may grow by
HANG_SECONDS = 120


def _align(n):
    return -(-n // 64) * 64


def build(header, body=b"", version=1, header_len=None, file_len=None, crc=None):
    """A jitgrad.save file: ``header`` (a JSON-able object or raw bytes), then
    the data section ``body`` at the first 64-byte boundary, with a correct
    crc32 (unless ``crc`` is given) over whatever the prefix claims."""
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    start = _align(FIXED + len(text))
    hlen = len(text) if header_len is None else header_len
    flen = start + len(body) if file_len is None else file_len
    if crc is None:
        crc = zlib.crc32(text, zlib.crc32(struct.pack("<IQQ", version, hlen, flen)))
    head = MAGIC + struct.pack("<IIQQ", version, crc, hlen, flen) + text
    return head + bytes(start - len(head)) + body


W = struct.pack("<4f", 1, 2, 3, 4)            # a float32 tensor of 4
B = struct.pack("<3q", 7, 8, 9)              # an int64 tensor of 3
BODY = W + bytes(64 - len(W)) + B            # w at offset 0, b at offset 64


def entry(dtype="float32", shape=(4,), offset=0, data=W, **over):
    e = {"dtype": dtype, "shape": list(shape), "offset": offset, "nbytes": len(data),
         "crc32": zlib.crc32(data), "requires_grad": False, "parameter": False}
    e.update(over)
    return e


def doc(tensors=None, root=None):
    if tensors is None:
        tensors = [entry(), entry("int64", (3,), 64, B)]
    if root is None:
        root = {"$": "dict", "items": [["w", {"$": "tensor", "index": 0}],
                                       ["b", {"$": "tensor", "index": 1}]]}
    return {"format": "jitgrad.save", "tensors": tensors, "root": root}


def with_entry(**over):
    """The sample file with tensor 0's entry fields replaced."""
    d = doc()
    d["tensors"][0].update(over)
    return build(d, BODY)


def deep(depth, open_, close, inner=b"0"):
    return open_ * depth + inner + close * depth


def header_text(root_text):
    return (b'{"format":"jitgrad.save","tensors":[],"root":' + root_text + b"}")


def _cases():
    cases = {}

    def add(cid, data):
        assert cid not in cases, cid
        cases[cid] = data

    add("sample-is-valid", None)     # placeholder: checked to load, below

    # ---- huge declared sizes: refused before anything of that size is allocated
    for cid, shape, dtype in [("1e15-float32", [10 ** 15], "float32"),
                              ("8GiB-float32", [2 ** 31], "float32"),
                              ("2^126-bytes", [2 ** 62, 2 ** 62], "float64"),
                              ("1e15x1e15", [10 ** 15, 10 ** 15], "int64"),
                              ("int64-max-dim", [2 ** 63 - 1], "bool")]:
        n = 1
        for s in shape:
            n *= s
        itemsize = {"float32": 4, "float64": 8, "int64": 8, "bool": 1}[dtype]
        add(f"huge-{cid}-matching-nbytes", with_entry(dtype=dtype, shape=shape,
                                                      nbytes=n * itemsize))
        add(f"huge-{cid}-small-nbytes", with_entry(dtype=dtype, shape=shape))
    for cid, shape in [("0x1e20", [0, 10 ** 20]), ("0x2^63", [0, 2 ** 63]),
                       ("0x2^62x2^62", [0, 2 ** 62, 2 ** 62]), ("0x2^61x4", [0, 2 ** 61, 4]),
                       ("65-zeros", [0] * 65), ("1000-zeros", [0] * 1000),
                       ("100000-zeros", [0] * 100000)]:
        add(f"empty-{cid}", with_entry(shape=shape, nbytes=0, crc32=0))
    add("66-dims", with_entry(shape=[1] * 65 + [4]))
    add("100000-dims", with_entry(shape=[1] * 99999 + [4]))
    d = doc()
    add("prefix-header-len-2^63", build(d, BODY, header_len=2 ** 63))
    add("prefix-header-len-2^64-1", build(d, BODY, header_len=2 ** 64 - 1))
    add("prefix-header-len-0", build(d, BODY, header_len=0))
    add("prefix-header-len-short", build(d, BODY, header_len=10))
    add("prefix-file-len-2^63", build(d, BODY, file_len=2 ** 63))
    add("prefix-file-len-0", build(d, BODY, file_len=0))
    add("prefix-version-0", build(d, BODY, version=0))
    add("prefix-version-max", build(d, BODY, version=2 ** 32 - 1))
    many = [entry(shape=[0], nbytes=0, crc32=0, data=b"") for _ in range(20000)]
    many[-1] = entry(shape=[-1])
    add("20000-entries-last-bad", build(doc(many, root=[]), BODY))

    # ---- nesting 100000 deep: a RuntimeError naming the file, never a RecursionError
    n = 100000
    add("deep-arrays", build(header_text(deep(n, b"[", b"]"))))
    add("deep-objects", build(header_text(deep(n, b'{"a":', b"}"))))
    add("deep-tuples", build(header_text(deep(n, b'{"$":"tuple","items":[', b"]}"))))
    add("deep-dicts", build(header_text(deep(n, b'{"$":"dict","items":[["k",', b"]]}"))))
    add("deep-tuple-keys", build(header_text(
        b'{"$":"dict","items":[[' + deep(n, b'{"$":"tuple","items":[', b"]}") + b",1]]}")))
    add("deep-in-tensor-entry", build(
        b'{"format":"jitgrad.save","tensors":[' + deep(n, b"[", b"]") + b'],"root":null}'))
    # deep enough for the decoder (not the JSON parser) to exceed the recursion limit
    for depth in (2000, 5000, 20000):
        add(f"deep-lists-{depth}", build(header_text(deep(depth, b"[", b"]"))))
        add(f"deep-tagged-{depth}", build(header_text(
            deep(depth, b'{"$":"tuple","items":[', b"]}"))))

    # ---- offsets
    two = [entry(shape=[16], data=bytes(64)), entry(shape=[16], offset=64, data=bytes(64))]
    body2 = bytes(128)
    for cid, off in [("unaligned", 3), ("negative", -64), ("past-end", 10 ** 6),
                     ("2^70", 2 ** 70), ("10^400", 10 ** 400), ("float", 64.0), ("bool", True),
                     ("string", "64"), ("null", None), ("list", [64]), ("last-byte", 64 + 63)]:
        d = doc(two)
        d["tensors"][1]["offset"] = off
        add(f"offset-{cid}", build(d, body2))
    d = doc(two)
    d["tensors"][1]["offset"] = 0
    add("offset-overlapping-same", build(d, body2))
    d = doc([entry(shape=[32], data=bytes(128)), entry(shape=[16], offset=64, data=bytes(64))])
    add("offset-overlapping-partial", build(d, body2))
    d = doc([entry(shape=[16], data=bytes(64)), entry(shape=[32], offset=64, data=bytes(128))])
    add("offset-runs-past-end", build(d, body2))

    # ---- every entry field with values of a wrong type or range
    bad_values = [None, True, -1, 1.5, "x", [], {}, [1], 10 ** 30, -(2 ** 63), 2 ** 64]
    for key in ("dtype", "shape", "offset", "nbytes", "crc32", "requires_grad", "parameter"):
        for v in bad_values:
            if key in ("requires_grad", "parameter") and v is True:
                continue                                    # (a valid flag)
            add(f"entry-{key}={v!r}"[:80], with_entry(**{key: v}))
    for dt in ["float16", "complex64", "uint8", "int16", "object", "<f4", "FLOAT32", "float",
               "float32\x00", "", "bool_", "torch.float32"]:
        add(f"dtype-{dt!r}", with_entry(dtype=dt))
    for shape in [[-4], [4, -1], [2, 2.0], [True, 4], ["4"], [[4]], [None], [2, 3]]:
        add(f"shape-{shape!r}", with_entry(shape=shape))
    add("nbytes-negative", with_entry(nbytes=-16))
    add("nbytes-too-many", with_entry(nbytes=17))
    add("requires-grad-int-tensor", build(doc([entry(), entry("int64", (3,), 64, B,
                                                            requires_grad=True)]), BODY))
    add("bool-values-not-0-1", build(doc([entry("bool", (4,), 0, b"\x00\x01\x02\xff")],
                                         root={"$": "tensor", "index": 0}),
                                     b"\x00\x01\x02\xff"))
    add("entry-extra-key", with_entry(extra=1))
    d = doc()
    del d["tensors"][0]["crc32"]
    add("entry-missing-key", build(d, BODY))
    for cid, e in [("null", None), ("list", [1, 2]), ("string", "w"), ("int", 0)]:
        d = doc()
        d["tensors"][0] = e
        add(f"entry-is-{cid}", build(d, BODY))

    # ---- the document: non-dict JSON, wrong keys and types
    for cid, top in [("list", []), ("string", "jitgrad.save"), ("int", 1), ("null", None),
                     ("true", True), ("float", 1.5), ("empty-dict", {})]:
        add(f"doc-is-{cid}", build(top, BODY))
    for key, v in [("format", "pickle"), ("format", None), ("format", ["jitgrad.save"]),
                   ("tensors", {}), ("tensors", "x"), ("tensors", None), ("tensors", 5)]:
        d = doc()
        d[key] = v
        add(f"doc-{key}={v!r}", build(d, BODY))
    d = doc()
    del d["root"]
    add("doc-missing-root", build(d, BODY))
    d = doc()
    d["extra"] = 1
    add("doc-extra-key", build(d, BODY))

    # ---- the header's bytes: encoding, syntax, numbers
    good = json.dumps(doc()).encode()
    for cid, text in [("latin-1", good.replace(b'"w"', b'"\xe9"')),
                      ("utf-16", json.dumps(doc()).encode("utf-16")),
                      ("bom", b"\xef\xbb\xbf" + good), ("ff-fe", b"\xff\xfe" + good),
                      ("overlong-utf8", good.replace(b'"w"', b'"\xc0\xaf"')),
                      ("nul-bytes", bytes(len(good))), ("truncated-json", good[:-1]),
                      ("trailing-garbage", good + b"x"), ("two-documents", good + good),
                      ("empty", b""), ("whitespace", b"   "),
                      ("nan", header_text(b"NaN")), ("infinity", header_text(b"-Infinity")),
                      ("1e999", header_text(b"1e999")), ("-1e999", header_text(b"[-1e999]")),
                      ("5000-digit-int", header_text(b"1" * 5000)),
                      ("duplicate-key", b'{"format":"jitgrad.save","format":"jitgrad.save",'
                                        b'"tensors":[],"root":null}'),
                      ("control-char", header_text(b'"a\x01b"')),
                      ("lone-surrogate-key", b'{"format":"jitgrad.save","tensors":[],'
                                             b'"root":{"$":"dict","items":[["\\ud800",1]]},'
                                             b'"\\udfff":0}')]:
        add(f"header-{cid}", build(text, BODY))

    # ---- the object descriptions under "root"
    for cid, root in [("dtype-name-list", {"$": "dtype", "name": ["float32"]}),
                      ("dtype-name-dict", {"$": "dtype", "name": {}}),
                      ("dtype-name-unknown", {"$": "dtype", "name": "complex64"}),
                      ("tensor-index-bool", {"$": "tensor", "index": True}),
                      ("tensor-index-negative", {"$": "tensor", "index": -1}),
                      ("tensor-index-past", {"$": "tensor", "index": 2}),
                      ("tensor-index-float", {"$": "tensor", "index": 0.0}),
                      ("tensor-index-huge", {"$": "tensor", "index": 10 ** 30}),
                      ("float-value-list", {"$": "float", "value": ["inf"]}),
                      ("float-value-number", {"$": "float", "value": 1.5}),
                      ("size-negative", {"$": "size", "items": [-1]}),
                      ("size-float", {"$": "size", "items": [1.5]}),
                      ("size-bool", {"$": "size", "items": [True]}),
                      ("size-not-list", {"$": "size", "items": 3}),
                      ("tag-unknown", {"$": "pickle", "data": "..."}),
                      ("tag-list", {"$": ["tuple"], "items": []}),
                      ("tag-missing", {"items": []}),
                      ("tag-extra-key", {"$": "tuple", "items": [], "x": 1}),
                      ("dict-item-not-pair", {"$": "dict", "items": [[1]]}),
                      ("dict-item-triple", {"$": "dict", "items": [[1, 2, 3]]}),
                      ("dict-item-string", {"$": "dict", "items": ["ab"]}),
                      ("dict-key-list", {"$": "dict", "items": [[[1], 2]]}),
                      ("dict-key-dict", {"$": "dict", "items": [[{"a": 1}, 2]]}),
                      ("dict-key-tensor", {"$": "dict", "items": [[{"$": "tensor", "index": 0},
                                                                  2]]}),
                      ("dict-key-unhashable-tuple", {"$": "dict", "items": [
                          [{"$": "tuple", "items": [[1]]}, 2]]}),
                      ("dict-key-repeated", {"$": "odict", "items": [["a", 1], ["a", 2]]}),
                      ("dict-items-dict", {"$": "dict", "items": {"a": 1}})]:
        add(f"root-{cid}", build(doc(root=root), BODY))
    return cases


CASES = _cases()


def sample_file():
    return build(doc(), BODY)


# ------------------------------------------------------------------ the worker

def _vm_size():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return None


def _worker(directory):
    """Load every ``*.pt`` in ``directory`` (names sorted) under an address
    space cap, printing ``S name`` before and ``R json`` after each."""
    import resource
    import tracemalloc

    import jitgrad
    ok = jitgrad.load(os.path.join(directory, "sample-is-valid.pt"))       # warm up
    assert ok["w"].tolist() == [1.0, 2.0, 3.0, 4.0] and ok["b"].tolist() == [7, 8, 9]
    vm = _vm_size()
    if vm is not None:
        limit = vm + HEADROOM
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
    out = sys.stdout
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".pt") or name == "sample-is-valid.pt":
            continue
        path = os.path.join(directory, name)
        out.write(f"S {name}\n")
        out.flush()
        tracemalloc.start()
        try:
            r = jitgrad.load(path)
            rec = {"exc": None, "msg": f"loaded a {type(r).__name__}"}
        except BaseException as e:   # noqa: BLE001  (classifying every outcome is the point)
            rec = {"exc": type(e).__name__, "msg": str(e)[:300]}
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rec.update(name=name, path=path, peak=peak)
        out.write("R " + json.dumps(rec) + "\n")
        out.flush()


def run_worker(directory, timeout=HANG_SECONDS):
    """The records of every file; a crash or a hang becomes a record too."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        filter(None, [os.path.dirname(HERE), os.environ.get("PYTHONPATH")])))
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", directory],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            cwd=os.path.dirname(HERE))
    records, current, buf, last, err = [], None, b"", time.monotonic(), []
    while True:
        r, _, _ = select.select([proc.stdout, proc.stderr], [], [], 1.0)
        if proc.stderr in r:
            err.append(os.read(proc.stderr.fileno(), 65536))
        if proc.stdout in r:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            last = time.monotonic()
            *lines, buf = buf.split(b"\n")
            for line in lines:
                if line.startswith(b"S "):
                    current = line[2:].decode()
                elif line.startswith(b"R "):
                    records.append(json.loads(line[2:]))
                    current = None
        elif time.monotonic() - last > timeout:
            proc.kill()
            records.append({"name": current, "exc": "hang", "msg": "", "peak": 0})
            current = None
            break
    proc.wait()
    stderr = b"".join(err).decode(errors="replace")
    if current is not None or proc.returncode:
        records.append({"name": current, "exc": f"crash (exit {proc.returncode})",
                        "msg": stderr[-2000:], "peak": 0})
    return records


# ------------------------------------------------------------------ the tests

def test_hostile_files(tmp_path):
    for name, data in CASES.items():
        (tmp_path / f"{name}.pt").write_bytes(sample_file() if data is None else data)
    records = run_worker(str(tmp_path))
    bad = []
    for rec in records:
        path = rec.get("path") or ""
        if rec["exc"] != "RuntimeError":
            bad.append(f"{rec['name']}: {rec['exc']}: {rec['msg']}")
        elif not rec["msg"].startswith(f"jitgrad.load: {path!r} "):
            bad.append(f"{rec['name']}: the message does not name the file: {rec['msg']}")
        if rec["peak"] > PEAK_LIMIT:
            bad.append(f"{rec['name']}: allocated {rec['peak']} bytes")
    print(f"\nfuzz_load: {len(records)} hostile files; refused with a RuntimeError naming "
          f"the file: {len(records) - len(bad)}; other outcomes: {len(bad)}; largest peak "
          f"allocation: {max((r['peak'] for r in records), default=0)} bytes")
    assert len(records) == len(CASES) - 1, "the worker stopped early:\n" + "\n".join(bad)
    assert not bad, "\n".join(bad)


def test_every_case_is_hostile_on_its_own():
    """Each crafted file differs from the valid sample only by its hostile part
    (its checksums are right): the sample itself loads."""
    import io

    import jitgrad
    r = jitgrad.load(io.BytesIO(sample_file()))
    assert r["w"].tolist() == [1.0, 2.0, 3.0, 4.0] and r["b"].tolist() == [7, 8, 9]
    assert r["w"].dtype is jitgrad.float32 and r["b"].dtype is jitgrad.int64


# ---- hypothesis: random JSON values in random places of a valid header

try:
    import hypothesis
    from hypothesis import strategies as st
except ImportError:                 # the table above still runs
    hypothesis = None


def _json_values():
    return st.recursive(
        st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70) |
        st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8) |
        st.sampled_from(["float32", "int64", "bool", "tuple", "dict", "odict", "size", "tensor",
                         "dtype", "float", "$", "items", "inf", "nan"]),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
            st.sampled_from(["$", "items", "index", "name", "value", "x"]) | st.text(max_size=3),
            inner, max_size=4),
        max_leaves=12)


def _paths(v, prefix=()):
    """Every place in a JSON document (as key paths), the document's own included."""
    yield prefix
    if isinstance(v, dict):
        for k, x in v.items():
            yield from _paths(x, prefix + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _paths(x, prefix + (i,))


def _replace(v, path, new):
    if not path:
        return new
    v = json.loads(json.dumps(v))
    cur = v
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = new
    return v


SAMPLE_DOC = doc(root={"$": "odict", "items": [
    ["w", {"$": "tensor", "index": 0}], ["b", {"$": "tensor", "index": 1}],
    ["t", {"$": "tuple", "items": [1, 2.5, "s", None]}],
    ["s", {"$": "size", "items": [2, 3]}], ["d", {"$": "dtype", "name": "float32"}],
    ["f", {"$": "float", "value": "inf"}], [{"$": "tuple", "items": [1, "k"]}, [True]]]})
PATHS = list(_paths(SAMPLE_DOC))


def _check_random_value(path, value):
    import io
    import tracemalloc

    import jitgrad
    data = build(_replace(SAMPLE_DOC, path, value), BODY)
    f = io.BytesIO(data)
    f.name = "crafted.pt"
    tracemalloc.start()
    try:
        jitgrad.load(f)
    except RuntimeError as e:
        assert str(e).startswith("jitgrad.load: 'crafted.pt' "), str(e)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < PEAK_LIMIT, (path, value, peak)


if hypothesis is not None:
    @hypothesis.settings(max_examples=400, deadline=None, derandomize=True,
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(st.sampled_from(PATHS), _json_values())
    def test_random_values_in_a_valid_header(path, value):
        _check_random_value(path, value)
else:
    @pytest.mark.skip(reason="hypothesis is not installed")
    def test_random_values_in_a_valid_header():
        pass


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        _worker(sys.argv[2])
