"""jitgrad.save / jitgrad.load: round trips of everything a state dict holds,
and clear RuntimeErrors (never a crash or a wrong value) for damaged files."""
import io
import json
import math
import struct
import zlib
from collections import OrderedDict

import numpy as np
import pytest

import jitgrad
from jitgrad import serialization as S


def roundtrip(obj):
    buf = io.BytesIO()
    jitgrad.save(obj, buf)
    buf.seek(0)
    return jitgrad.load(buf)


def saved_bytes(obj):
    buf = io.BytesIO()
    jitgrad.save(obj, buf)
    return buf.getvalue()


def load_bytes(data, tmp_path, name="f.pt"):
    p = tmp_path / name
    p.write_bytes(bytes(data))
    return jitgrad.load(p)


def same_tensor(a, b):
    assert isinstance(b, jitgrad.Tensor)
    assert a.dtype is b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert b.is_contiguous()


# ------------------------------------------------------------------ round trips

@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "bool"])
@pytest.mark.parametrize("shape", [(), (0,), (5,), (3, 4), (2, 0, 3), (2, 3, 4)])
def test_tensor_roundtrip(dtype, shape):
    rng = np.random.default_rng(0)
    a = (rng.standard_normal(shape) * 100).astype(dtype)
    t = jitgrad.tensor(a)
    r = roundtrip(t)
    same_tensor(t, r)
    assert not r.requires_grad


def test_loaded_tensors_are_writable_and_independent():
    t = jitgrad.arange(6.)
    r = roundtrip([t, t + 1])
    r[0].add_(1)                          # the optimizer's in-place updates must work
    assert r[0].tolist() == [1., 2., 3., 4., 5., 6.]
    assert r[1].tolist() == [1., 2., 3., 4., 5., 6.]
    assert t.tolist() == [0., 1., 2., 3., 4., 5.]


def test_special_float_values_in_tensors():
    t = jitgrad.tensor([math.inf, -math.inf, math.nan, -0.0, 1e-45, 3.4e38])
    r = roundtrip(t)
    np.testing.assert_array_equal(np.signbit(r.numpy()), np.signbit(t.numpy()))
    np.testing.assert_array_equal(r.numpy(), t.numpy())


@pytest.mark.parametrize("make", [
    lambda: jitgrad.arange(12.).reshape(3, 4).t(),
    lambda: jitgrad.arange(12.).reshape(3, 4)[:, ::2],
    lambda: jitgrad.arange(24).reshape(2, 3, 4).permute(2, 0, 1)[1:],
    lambda: jitgrad.arange(10.)[::3],
    lambda: jitgrad.arange(6.).reshape(2, 3).expand(4, 2, 3),
], ids=["t", "step", "permute", "slice", "expand"])
def test_views_are_saved_as_their_values(make):
    v = make()
    r = roundtrip(v)
    same_tensor(v, r)


def test_requires_grad_parameter_and_identity():
    w = jitgrad.nn.Parameter(jitgrad.randn(2, 3))
    a = jitgrad.randn(3, requires_grad=True)
    b = a * 2                                      # non-leaf: a leaf that requires grad, as torch
    c = jitgrad.randn(2)
    r = roundtrip({"w": w, "a": a, "b": b, "c": c, "again": [c, w]})
    assert type(r["w"]) is jitgrad.nn.Parameter and r["w"].requires_grad
    assert r["a"].requires_grad and r["a"].is_leaf
    assert r["b"].requires_grad and r["b"].is_leaf and r["b"].grad_fn is None
    assert not r["c"].requires_grad
    assert r["again"][0] is r["c"] and r["again"][1] is r["w"]       # one object, as torch
    np.testing.assert_array_equal(r["b"].detach().numpy(), b.detach().numpy())


def test_python_values():
    obj = [None, True, False, 0, -1, 2 ** 80, -2 ** 63, 1.5, -0.0, 1e-300, 1e300,
           math.inf, -math.inf, "", "héllo ☃ \x00 \"q\" \\", (), (1, (2, "x")), [],
           [[1], [2, [3]]], jitgrad.Size([2, 3]), jitgrad.Size([]), jitgrad.float32,
           jitgrad.int64, jitgrad.bool]
    r = roundtrip(obj)
    assert r == obj
    for a, b in zip(obj, r):
        assert type(a) is type(b)
    assert math.copysign(1, r[8]) == -1
    assert math.isnan(roundtrip(math.nan))


def test_dicts_keep_order_key_types_and_class():
    d = {"b": 1, "a": 2, 3: "three", 1: "one", -2: None, 1.5: "f", None: "n",
         (1, "x"): "tuple", math.inf: "inf"}
    r = roundtrip(d)
    assert type(r) is dict and list(r.items()) == list(d.items())
    r = roundtrip({False: 0, True: 1})
    assert [type(k) for k in r] == [bool, bool] and r == {False: 0, True: 1}
    od = OrderedDict([("z", 1), ("y", OrderedDict([("q", [1, 2])])), ("x", {})])
    r = roundtrip(od)
    assert type(r) is OrderedDict and list(r.items()) == list(od.items())
    assert type(r["y"]) is OrderedDict and type(r["x"]) is dict


def test_state_dict_roundtrip_model_and_optimizer(tmp_path):
    nn = jitgrad.nn
    jitgrad.manual_seed(0)

    def build():
        model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
        return model, jitgrad.optim.Adam(model.parameters(), lr=0.01)

    model, opt = build()
    x, y = jitgrad.randn(16, 4), jitgrad.randint(0, 3, (16,))

    def step(m, o):
        o.zero_grad()
        loss = nn.functional.cross_entropy(m(x), y)
        loss.backward()
        o.step()
        return loss.item()

    for _ in range(3):
        step(model, opt)
    path = tmp_path / "ckpt.pt"
    jitgrad.save({"model": model.state_dict(), "optim": opt.state_dict(), "epoch": 3}, path)
    ck = jitgrad.load(str(path))
    assert type(ck["model"]) is OrderedDict
    assert list(ck["model"]) == list(model.state_dict())
    assert list(ck["optim"]["state"]) == list(opt.state_dict()["state"])   # int keys
    model2, opt2 = build()
    model2.load_state_dict(ck["model"])
    opt2.load_state_dict(ck["optim"])
    np.testing.assert_array_equal(model2(x).detach().numpy(), model(x).detach().numpy())
    for _ in range(2):
        assert step(model2, opt2) == step(model, opt)
    for p, q in zip(model.parameters(), model2.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())


def test_paths_and_file_objects(tmp_path):
    obj = {"t": jitgrad.arange(5), "s": "x"}
    for target in (tmp_path / "a.pt", str(tmp_path / "b.pt")):
        jitgrad.save(obj, target)
        r = jitgrad.load(target)
        assert r["s"] == "x" and r["t"].tolist() == [0, 1, 2, 3, 4]
    with open(tmp_path / "c.pt", "wb") as f:
        jitgrad.save(obj, f)
    with open(tmp_path / "c.pt", "rb") as f:
        assert jitgrad.load(f)["t"].tolist() == [0, 1, 2, 3, 4]
    # a stream positioned after other data: load reads from the current position
    buf = io.BytesIO()
    buf.write(b"prefix")
    jitgrad.save(obj, buf)
    buf.seek(6)
    assert jitgrad.load(buf, map_location="cpu", weights_only=False)["s"] == "x"


def test_map_location():
    t = jitgrad.arange(3.)
    data = saved_bytes([t])
    assert jitgrad.load(io.BytesIO(data), map_location=jitgrad.device("cpu"))[0].tolist() == \
        [0., 1., 2.]
    assert jitgrad.load(io.BytesIO(data), map_location={"cuda:0": "cpu"})[0].tolist() == \
        [0., 1., 2.]
    r = jitgrad.load(io.BytesIO(data), map_location=lambda s, loc: s * 2)
    assert r[0].tolist() == [0., 2., 4.]
    with pytest.raises(RuntimeError):
        jitgrad.load(io.BytesIO(data), map_location="nonsense")


def test_file_layout():
    data = saved_bytes({"w": jitgrad.ones(3)})
    assert data[:12] == S.MAGIC
    version, crc, hlen, flen = struct.unpack_from("<IIQQ", data, 12)
    assert version == 1 and flen == len(data)
    header = json.loads(data[36:36 + hlen])
    assert header["format"] == "jitgrad.save"
    e = header["tensors"][0]
    start = -(-(36 + hlen) // 64) * 64 + e["offset"]
    assert start % 64 == 0
    np.testing.assert_array_equal(np.frombuffer(data, "<f4", 3, start), [1, 1, 1])


# ------------------------------------------------------------------ save errors

class Thing:
    pass


@pytest.mark.parametrize("obj,type_name,where", [
    (Thing(), "Thing", "root"),
    ({"a": [1, lambda: 0]}, "function", "root['a'][1]"),
    ({"s": {1, 2}}, "set", "root['s']"),
    ([np.ones(2)], "ndarray", "root[0]"),
    ((1, b"bytes"), "bytes", "root[1]"),
    ({"d": __import__("collections").defaultdict(int)}, "defaultdict", "root['d']"),
])
def test_save_unsupported_names_type_and_place(obj, type_name, where, tmp_path):
    path = tmp_path / "never.pt"
    with pytest.raises(TypeError) as e:
        jitgrad.save(obj, path)
    assert f"type {type_name} (at {where})" in str(e.value)
    assert not path.exists()                 # nothing half-written


def test_save_unsupported_key_and_recursion():
    with pytest.raises(TypeError, match="dict key of type frozenset"):
        jitgrad.save({frozenset(): 1}, io.BytesIO())
    loop = [1]
    loop.append(loop)
    with pytest.raises(ValueError, match="contains itself"):
        jitgrad.save(loop, io.BytesIO())
    shared = [1, 2]
    assert roundtrip([shared, shared]) == [[1, 2], [1, 2]]      # shared, not recursive


# ------------------------------------------------------------------ damaged files

SAMPLE = {"model": OrderedDict([("w", jitgrad.arange(12.).reshape(3, 4)),
                                ("b", jitgrad.tensor([1, 2, 3]))]),
          "opt": {"state": {0: {"step": 2, "m": jitgrad.ones(3, dtype=jitgrad.float64)}},
                  "param_groups": [{"lr": 0.5, "betas": (0.9, 0.999), "params": [0]}]},
          "flags": jitgrad.tensor([True, False])}


def check_refused(data, tmp_path, *needles):
    with pytest.raises(RuntimeError) as e:
        load_bytes(data, tmp_path, "damaged.pt")
    msg = str(e.value)
    assert msg.startswith("jitgrad.load: '") and "damaged.pt" in msg
    for n in needles:
        assert n in msg, msg
    return msg


def test_truncation_at_every_offset(tmp_path):
    data = saved_bytes(SAMPLE)
    for n in range(len(data)):
        msg = check_refused(data[:n], tmp_path)
        assert "truncated" in msg or "empty" in msg, (n, msg)


def test_trailing_data(tmp_path):
    check_refused(saved_bytes(SAMPLE) + b"\x00", tmp_path, "1 bytes of unexpected data")


def test_every_bit_flip_before_the_data_is_caught(tmp_path):
    data = saved_bytes(SAMPLE)
    hlen = struct.unpack_from("<Q", data, 20)[0]
    for i in range(36 + hlen):
        for bit in range(8):
            bad = bytearray(data)
            bad[i] ^= 1 << bit
            try:
                jitgrad.load(io.BytesIO(bytes(bad)))
            except RuntimeError as e:
                assert str(e).startswith("jitgrad.load: ")
            else:
                raise AssertionError(f"bit {bit} of byte {i} flipped, no error")


def test_bit_flips_in_data_are_caught_or_harmless(tmp_path):
    data = saved_bytes(SAMPLE)
    good = jitgrad.load(io.BytesIO(data))
    for i in range(36, len(data)):
        bad = bytearray(data)
        bad[i] ^= 0x10
        try:
            r = jitgrad.load(io.BytesIO(bytes(bad)))
        except RuntimeError:
            continue
        # only padding bytes may change without an error: the values are intact
        np.testing.assert_array_equal(r["model"]["w"].numpy(), good["model"]["w"].numpy())
        np.testing.assert_array_equal(r["flags"].numpy(), good["flags"].numpy())
        assert r["opt"]["param_groups"] == good["opt"]["param_groups"]


def test_data_checksum_message(tmp_path):
    data = bytearray(saved_bytes({"w": jitgrad.ones(4)}))
    data[-1] ^= 1
    check_refused(data, tmp_path, "data of tensor 0 (float32, shape (4,))", "checksum")


@pytest.mark.parametrize("seed", range(20))
def test_random_bytes(seed, tmp_path):
    rng = np.random.default_rng(seed)
    data = rng.integers(0, 256, int(rng.integers(0, 3000)), dtype=np.uint8).tobytes()
    check_refused(data, tmp_path)
    # random bytes behind a valid magic number
    check_refused(S.MAGIC + data, tmp_path)


def test_foreign_files(tmp_path):
    check_refused(b"", tmp_path, "is empty")
    check_refused(b"PK\x03\x04" + bytes(100), tmp_path, "zip archive")
    check_refused(b"\x80\x02}q\x00.", tmp_path, "pickle")
    check_refused(b"hello world, this is text", tmp_path, "not a jitgrad.save file")


def test_torch_file_is_refused(tmp_path):
    torch = pytest.importorskip("torch")
    p = tmp_path / "torch.pt"
    torch.save({"w": torch.ones(2)}, p)
    with pytest.raises(RuntimeError, match="zip archive"):
        jitgrad.load(p)


def test_newer_version_is_refused(tmp_path):
    check_refused(forge(saved_bytes([1]), version=2), tmp_path, "format version 2")


def forge(data, doc=None, version=None):
    """A file whose header is replaced (with a correct checksum): a crafted
    file that only the structural checks can refuse."""
    version0, _, hlen, flen = struct.unpack_from("<IIQQ", data, 12)
    old_start = -(-(36 + hlen) // 64) * 64
    body = data[old_start:]
    header = json.dumps(doc if doc is not None else json.loads(data[36:36 + hlen])).encode()
    start = -(-(36 + len(header)) // 64) * 64
    flen = start + len(body)
    version = version0 if version is None else version
    crc = zlib.crc32(header, zlib.crc32(struct.pack("<IQQ", version, len(header), flen)))
    head = S.MAGIC + struct.pack("<IIQQ", version, crc, len(header), flen) + header
    return head + bytes(start - len(head)) + body


def header_of(data):
    hlen = struct.unpack_from("<Q", data, 20)[0]
    return json.loads(data[36:36 + hlen])


def edited(obj, edit):
    data = saved_bytes(obj)
    doc = header_of(data)
    edit(doc)
    return forge(data, doc)


def set_entry(key, value, i=0):
    return lambda doc: doc["tensors"][i].__setitem__(key, value)


@pytest.mark.parametrize("obj,edit,needle", [
    ({"w": jitgrad.ones(4)}, set_entry("offset", 10 ** 6), "points past the end"),
    ({"w": jitgrad.ones(4)}, set_entry("offset", 3), "invalid offset"),
    ({"w": jitgrad.ones(4)}, set_entry("offset", -64), "invalid offset"),
    ({"w": jitgrad.ones(4)}, set_entry("nbytes", 10 ** 9), "says 1000000000 bytes"),
    ({"w": jitgrad.ones(4)}, set_entry("shape", [2, 3]), "says 16 bytes for shape [2, 3]"),
    ({"w": jitgrad.ones(4)}, set_entry("shape", [-4]), "invalid shape"),
    ({"w": jitgrad.ones(4)}, set_entry("shape", [4.0]), "invalid shape"),
    ({"w": jitgrad.ones(4)}, set_entry("dtype", "complex64"), "unknown dtype"),
    ({"w": jitgrad.ones(4)}, set_entry("dtype", "object"), "unknown dtype"),
    ({"w": jitgrad.ones(4, dtype=jitgrad.int32)}, set_entry("requires_grad", True),
     "requires grad with dtype int32"),
    ({"w": jitgrad.ones(4)}, set_entry("crc32", 0), "does not match its checksum"),
    ({"w": jitgrad.ones(4)}, lambda d: d["tensors"][0].pop("crc32"), "is malformed"),
    ([jitgrad.ones(16), jitgrad.ones(16)], set_entry("offset", 0, 1), "overlap"),
    ({"w": jitgrad.ones(4)}, lambda d: d.__setitem__("format", "pickle"),
     "not a jitgrad.save description"),
    ({"w": jitgrad.ones(4)}, lambda d: d["root"].__setitem__("items", [["w", {"$": "tensor",
                                                                            "index": 5}]]),
     "invalid object description at root['w']"),
    ([1], lambda d: d.__setitem__("root", {"$": "pickle", "data": "..."}),
     "invalid object description at root"),
    ([1], lambda d: d.__setitem__("root", {"$": "dict", "items": [[[1], 2]]}),
     "invalid dict key"),
    ([1], lambda d: d.__setitem__("root", {"$": "dict", "items": [[1, 2], [1, 3]]}),
     "repeats the key 1"),
    ([1], lambda d: d.__setitem__("root", {"$": "float", "value": "1.5"}),
     "invalid object description"),
    ([1], lambda d: d.__setitem__("root", {"$": "size", "items": [-1]}), "invalid jitgrad.Size"),
    ([1], lambda d: d.__setitem__("root", {"$": "dtype", "name": "object"}),
     "invalid object description"),
])
def test_crafted_headers(obj, edit, needle, tmp_path):
    check_refused(edited(obj, edit), tmp_path, needle)


def test_crafted_bool_values(tmp_path):
    data = bytearray(saved_bytes(jitgrad.tensor([True, False])))
    doc = header_of(bytes(data))
    start = len(data) - 2
    data[start + 1] = 7
    doc["tensors"][0]["crc32"] = zlib.crc32(bytes(data[start:]))
    check_refused(forge(bytes(data), doc), tmp_path, "values other than 0 and 1")


def test_crafted_json(tmp_path):
    data = saved_bytes([1.5])
    for text in (b'{"format":"jitgrad.save","tensors":[],"root":NaN}',
                 b'{"format":"jitgrad.save","format":"x","tensors":[],"root":1}',
                 b'{"format":"jitgrad.save","tensors":[],"root":' + b"[" * 100000 + b"]" * 100000
                 + b"}",
                 b"\xff\xfe not utf-8",
                 b'{"format": "jitgrad.save"'):
        hlen = struct.unpack_from("<Q", data, 20)[0]
        start = -(-(36 + hlen) // 64) * 64
        body = data[start:]
        new_start = -(-(36 + len(text)) // 64) * 64
        flen = new_start + len(body)
        crc = zlib.crc32(text, zlib.crc32(struct.pack("<IQQ", 1, len(text), flen)))
        head = S.MAGIC + struct.pack("<IIQQ", 1, crc, len(text), flen) + text
        check_refused(head + bytes(new_start - len(head)) + body, tmp_path, "is corrupt")


def test_not_a_binary_file(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text("text")
    with open(p) as f, pytest.raises(RuntimeError, match="not a binary file"):
        jitgrad.load(f)
