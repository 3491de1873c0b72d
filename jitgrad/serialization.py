"""``jitgrad.save`` / ``jitgrad.load``: what module and optimizer state dicts
hold, in a file that never contains code (no pickle), checked on load.

File layout (all integers little-endian)::

    magic   12 bytes  b"\\x93JITGRAD\\r\\n\\x1a\\n"
    prefix  24 bytes  uint32 version, uint32 crc32, uint64 header length,
                      uint64 file length
    header  UTF-8 JSON: {"format": "jitgrad.save", "tensors": [...], "root": ...}
    data    each tensor's C-order little-endian bytes at a 64-byte aligned
            offset from the start of the data section (the first 64-byte
            boundary after the header)

The crc32 covers the prefix's other fields and the header; each tensor entry
(``dtype``, ``shape``, ``offset``, ``nbytes``, ``crc32``, ``requires_grad``,
``parameter``) has the crc32 of its bytes. ``root`` describes the object:
null, true/false, integers, finite floats and strings stand for themselves,
a JSON array is a list, and every JSON object is tagged by its ``"$"`` key:
``tuple``/``size`` (items), ``dict``/``odict`` (items: [key, value] pairs, so
keys keep their order and may be ints), ``float`` (value "inf", "-inf" or
"nan"), ``dtype`` (name) and ``tensor`` (index into ``tensors``).

Loading checks the magic, lengths, checksums, every offset and size against
the file's length, and the structure, and reports any problem as a
RuntimeError naming the file; a tensor saved twice (the same object) loads
as one object, as torch does. Tensor views are saved as their values.
"""
import json
import math
import os
import struct
import zlib
from collections import OrderedDict

import numpy as np

from . import dtypes, messages
from .device import check_device
from .tensor import Size, Tensor, _wrap

__all__ = ["save", "load"]

MAGIC = b"\x93JITGRAD\r\n\x1a\n"
VERSION = 1
_PREFIX = struct.Struct("<IIQQ")         # version, crc32, header length, file length
_FIXED = len(MAGIC) + _PREFIX.size       # 36
_ALIGN = 64
_FORMAT = "jitgrad.save"
_DTYPES = {d.name: np.dtype(d.numpy).newbyteorder("<")
           for d in (dtypes.bool_, dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)}
_DTYPE_OBJECTS = {d.name: d for d in
                  (dtypes.bool_, dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64)}
_TENSOR_KEYS = {"dtype", "shape", "offset", "nbytes", "crc32", "requires_grad", "parameter"}
_MAX_DIMS = 64                  # numpy's limit
_MAX_BYTES = 2 ** 63 - 1        # numpy's (and torch's) limit on an array's byte size


def _align(n):
    return -(-n // _ALIGN) * _ALIGN


def _crc_prefix(version, header_len, file_len, header):
    return zlib.crc32(header, zlib.crc32(struct.pack("<IQQ", version, header_len, file_len)))


# ------------------------------------------------------------------ save

class _Encoder:
    def __init__(self):
        self.arrays = []            # contiguous little-endian arrays, in index order
        self.entries = []
        self._tensor_index = {}     # id(tensor) -> index (the same object saves once)
        self._keep = []             # the tensors, so their ids stay unique while saving
        self._path = set()          # ids of the containers being encoded (cycle check)

    def tensor(self, t):
        i = self._tensor_index.get(id(t))
        if i is not None:
            return i
        arr = t._data
        name = dtypes.from_numpy(arr.dtype).name
        if not arr.flags.c_contiguous:         # (ascontiguousarray would make 0-d 1-d)
            arr = arr.copy(order="C")
        arr = arr.astype(_DTYPES[name], copy=False)
        from .nn.parameter import Parameter
        i = len(self.arrays)
        self._tensor_index[id(t)] = i
        self._keep.append(t)
        self.arrays.append(arr)
        self.entries.append({"dtype": name, "shape": list(arr.shape), "offset": 0,
                             "nbytes": arr.nbytes, "crc32": zlib.crc32(_bytes_view(arr)),
                             "requires_grad": bool(t._requires_grad),
                             "parameter": isinstance(t, Parameter)})
        return i

    def key(self, k, where):
        if k is None or type(k) in (bool, int, str):
            return k
        if isinstance(k, float):
            return self.value(float(k), where)
        if type(k) is tuple:
            return {"$": "tuple", "items": [self.key(v, f"{where}[{i}]") for i, v in enumerate(k)]}
        raise TypeError(messages.save_key_unsupported(type(k).__name__, where))

    def value(self, v, where):
        t = type(v)
        if v is None or t is bool or t is str:
            return v
        if t is int:
            return v
        if t is float or isinstance(v, float):
            v = float(v)
            if math.isfinite(v):
                return v
            return {"$": "float", "value": "nan" if v != v else ("inf" if v > 0 else "-inf")}
        if isinstance(v, Tensor):
            return {"$": "tensor", "index": self.tensor(v)}
        if isinstance(v, dtypes.dtype):
            return {"$": "dtype", "name": v.name}
        if t in (list, tuple, Size, dict, OrderedDict):
            if id(v) in self._path:
                raise ValueError(messages.save_recursive(where))
            self._path.add(id(v))
            try:
                if t is list:
                    return [self.value(x, f"{where}[{i}]") for i, x in enumerate(v)]
                if t is tuple or t is Size:
                    return {"$": "tuple" if t is tuple else "size",
                            "items": [self.value(x, f"{where}[{i}]") for i, x in enumerate(v)]}
                return {"$": "dict" if t is dict else "odict",
                        "items": [[self.key(k, where), self.value(x, f"{where}[{k!r}]")]
                                  for k, x in v.items()]}
            finally:
                self._path.discard(id(v))
        if isinstance(v, int) and not isinstance(v, bool):     # an int subclass (IntEnum ...)
            return int(v)
        raise TypeError(messages.save_unsupported(t.__name__, where))


def _bytes_view(arr):
    """The bytes of a contiguous array, without a copy."""
    return memoryview(arr.reshape(-1).view(np.uint8)) if arr.size else b""


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False):
    """Save ``obj`` (Tensors, dict/OrderedDict, list, tuple, int, float, bool,
    None, str, jitgrad.Size, jitgrad.dtype, nested) to ``f``: a path (str or
    os.PathLike) or a binary file object. The pickle arguments are accepted
    for torch's signature and ignored: nothing is pickled."""
    enc = _Encoder()
    try:
        root = enc.value(obj, "root")
    except RecursionError:
        raise ValueError(messages.save_recursive("root")) from None
    offset = 0
    for e, arr in zip(enc.entries, enc.arrays):
        e["offset"] = offset
        offset = _align(offset + arr.nbytes)
    data_len = 0 if not enc.arrays else enc.entries[-1]["offset"] + enc.arrays[-1].nbytes
    header = json.dumps({"format": _FORMAT, "tensors": enc.entries, "root": root},
                        allow_nan=False, separators=(",", ":")).encode("utf-8")
    data_start = _align(_FIXED + len(header))
    file_len = data_start + data_len
    crc = _crc_prefix(VERSION, len(header), file_len, header)
    head = MAGIC + _PREFIX.pack(VERSION, crc, len(header), file_len) + header
    chunks = [head, bytes(data_start - len(head))]
    pos = data_start
    for e, arr in zip(enc.entries, enc.arrays):
        start = data_start + e["offset"]
        if start > pos:
            chunks.append(bytes(start - pos))
        chunks.append(_bytes_view(arr))
        pos = start + arr.nbytes
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            for c in chunks:
                fh.write(c)
    else:
        for c in chunks:
            f.write(c)


# ------------------------------------------------------------------ load

class _Corrupt(Exception):
    pass


def _name(f):
    if isinstance(f, (str, os.PathLike)):
        return repr(os.fspath(f))
    name = getattr(f, "name", None)
    if isinstance(name, (str, bytes)):
        return repr(name)
    return f"<{type(f).__name__} object>"


def _read(f):
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            buf = bytearray(size)
            n = fh.readinto(buf)
            extra = fh.read()
        if n != size or extra:           # the file changed while being read
            buf = bytearray(buf[:n] + extra)
        return buf
    data = f.read()
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise RuntimeError(messages.load_error(
            _name(f), f"is not a binary file: read() returned {type(data).__name__}"))
    return bytearray(data)


def _is_int(v):
    return type(v) is int


def _check_header_start(buf):
    n = len(buf)
    if n < len(MAGIC):
        if n and MAGIC.startswith(bytes(buf)):
            raise _Corrupt(f"is truncated: it holds {n} bytes, a jitgrad.save file has at "
                           f"least {_FIXED}")
        _not_ours(buf)
    if bytes(buf[:len(MAGIC)]) != MAGIC:
        _not_ours(buf)
    if n < _FIXED:
        raise _Corrupt(f"is truncated: it holds {n} bytes, a jitgrad.save file has at least "
                       f"{_FIXED}")
    version, crc, header_len, file_len = _PREFIX.unpack_from(buf, len(MAGIC))
    if _FIXED + header_len > n:
        raise _Corrupt(f"is truncated or corrupt: its header of {header_len} bytes runs past "
                       f"the end of the file ({n} bytes)")
    header = bytes(buf[_FIXED:_FIXED + header_len])
    if _crc_prefix(version, header_len, file_len, header) != crc:
        raise _Corrupt("is corrupt: the checksum of its header does not match")
    if version != VERSION:
        raise _Corrupt(f"has format version {version}; this jitgrad reads version {VERSION} "
                       "(saved by a newer jitgrad?)")
    if file_len != n:
        if n < file_len:
            raise _Corrupt(f"is truncated: it holds {n} bytes, its header says {file_len}")
        raise _Corrupt(f"has {n - file_len} bytes of unexpected data after its end "
                       f"({file_len} bytes)")
    return header, _align(_FIXED + header_len)


def _not_ours(buf):
    head = bytes(buf[:4])
    if head == b"PK\x03\x04":
        what = "is a zip archive (a torch.save file?), not a jitgrad.save file"
    elif head[:1] == b"\x80":
        what = "looks like a pickle (a legacy torch.save file?), not a jitgrad.save file"
    elif not buf:
        what = "is empty, not a jitgrad.save file"
    else:
        what = "is not a jitgrad.save file (no jitgrad magic number at its start)"
    raise _Corrupt(what)


def _no_duplicates(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise _Corrupt(f"is corrupt: its header repeats the key {k!r}")
        d[k] = v
    return d


def _no_constants(name):
    raise _Corrupt(f"is corrupt: its header holds the non-JSON constant {name}")


def _finite_float(text):
    v = float(text)
    if not math.isfinite(v):            # 1e999: non-finite floats are {"$": "float"} objects
        raise _Corrupt(f"is corrupt: its header holds the out-of-range number {_short(text)}")
    return v


def _short(v, limit=80):
    text = v if isinstance(v, str) else repr(v)
    return text if len(text) <= limit else text[:limit] + "..."


def _parse_header(header):
    try:
        text = header.decode("utf-8")
        doc = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants,
                         parse_float=_finite_float)
    except (UnicodeDecodeError, ValueError) as e:
        raise _Corrupt(f"is corrupt: its header is not valid JSON ({e})") from None
    if type(doc) is not dict or set(doc) != {"format", "tensors", "root"} or \
            doc["format"] != _FORMAT or type(doc["tensors"]) is not list:
        raise _Corrupt("is corrupt: its header is not a jitgrad.save description")
    return doc


def _tensor_arrays(entries, buf, data_start, copy):
    n = len(buf)
    arrays = []
    spans = []
    for i, e in enumerate(entries):
        where = f"is corrupt: the entry of tensor {i}"
        if type(e) is not dict or set(e) != _TENSOR_KEYS:
            raise _Corrupt(f"{where} is malformed")
        dt = _DTYPES.get(e["dtype"]) if type(e["dtype"]) is str else None
        shape = e["shape"]
        if dt is None:
            raise _Corrupt(f"{where} has an unknown dtype {_short(e['dtype'])}")
        if type(shape) is not list or not all(_is_int(s) and s >= 0 for s in shape) or \
                len(shape) > _MAX_DIMS or \
                math.prod(s for s in shape if s) * dt.itemsize > _MAX_BYTES:
            # (checked before any array is made: numpy refuses more dims, and an empty
            # array's other dims must still fit its byte size)
            raise _Corrupt(f"{where} has an invalid shape {_short(shape)}")
        off, nbytes = e["offset"], e["nbytes"]
        if not (_is_int(off) and _is_int(nbytes) and off >= 0 and off % _ALIGN == 0):
            raise _Corrupt(f"{where} has an invalid offset {_short(off)}")
        if nbytes != math.prod(shape) * dt.itemsize:
            raise _Corrupt(f"{where} says {_short(nbytes)} bytes for shape {shape} of "
                           f"{e['dtype']}")
        start = data_start + off
        if start + nbytes > n:
            raise _Corrupt(f"{where} points past the end of the file (bytes {start} to "
                           f"{start + nbytes} of {n})")
        if not (_is_int(e["crc32"]) and type(e["requires_grad"]) is bool
                and type(e["parameter"]) is bool):
            raise _Corrupt(f"{where} is malformed")
        if e["requires_grad"] and dt.kind != "f":
            raise _Corrupt(f"{where} requires grad with dtype {e['dtype']}")
        raw = memoryview(buf)[start:start + nbytes]
        if zlib.crc32(raw) != e["crc32"]:
            raise _Corrupt(f"is corrupt: the data of tensor {i} ({e['dtype']}, shape "
                           f"{tuple(shape)}) does not match its checksum")
        arr = np.frombuffer(buf, dt, math.prod(shape), start).reshape(shape) if nbytes \
            else np.empty(shape, dt)
        if dt.kind == "b" and nbytes and arr.view(np.uint8).max() > 1:
            raise _Corrupt(f"is corrupt: the bool tensor {i} holds values other than 0 and 1")
        if nbytes:
            spans.append((start, start + nbytes, i))
        arrays.append(arr.astype(dt.newbyteorder("="), copy=copy))
    spans.sort()
    for (s0, e0, i0), (s1, e1, i1) in zip(spans, spans[1:]):
        if s1 < e0:
            raise _Corrupt(f"is corrupt: the data of tensors {i0} and {i1} overlap")
    return arrays


def _make_tensors(entries, arrays):
    from .nn.parameter import Parameter
    out = []
    for e, arr in zip(entries, arrays):
        if e["parameter"]:
            t = Parameter(_wrap(arr), requires_grad=e["requires_grad"])
        else:
            t = _wrap(arr)
            if e["requires_grad"]:
                t._requires_grad = True
        out.append(t)
    return out


class _Decoder:
    def __init__(self, tensors):
        self.tensors = tensors

    def value(self, v, where):
        t = type(v)
        if v is None or t in (bool, int, float, str):
            return v
        if t is list:
            return [self.value(x, f"{where}[{i}]") for i, x in enumerate(v)]
        if t is not dict:
            raise _Corrupt(f"is corrupt: unexpected {t.__name__} at {where}")
        tag = v.get("$")
        keys = set(v)
        if tag in ("tuple", "size", "dict", "odict") and keys == {"$", "items"} and \
                type(v["items"]) is list:
            items = v["items"]
            if tag == "tuple":
                return tuple(self.value(x, f"{where}[{i}]") for i, x in enumerate(items))
            if tag == "size":
                out = [self.value(x, f"{where}[{i}]") for i, x in enumerate(items)]
                if not all(type(s) is int and s >= 0 for s in out):
                    raise _Corrupt(f"is corrupt: invalid jitgrad.Size at {where}")
                return Size(out)
            d = {} if tag == "dict" else OrderedDict()
            for pair in items:
                if type(pair) is not list or len(pair) != 2:
                    raise _Corrupt(f"is corrupt: invalid dict item at {where}")
                k = self.key(pair[0], where)
                if k in d:
                    raise _Corrupt(f"is corrupt: the dict at {where} repeats the key {k!r}")
                d[k] = self.value(pair[1], f"{where}[{k!r}]")
            return d
        if tag == "float" and keys == {"$", "value"} and v["value"] in ("inf", "-inf", "nan"):
            return float(v["value"])
        if tag == "dtype" and keys == {"$", "name"} and type(v["name"]) is str and \
                v["name"] in _DTYPE_OBJECTS:
            return _DTYPE_OBJECTS[v["name"]]
        if tag == "tensor" and keys == {"$", "index"} and _is_int(v["index"]) and \
                0 <= v["index"] < len(self.tensors):
            return self.tensors[v["index"]]
        raise _Corrupt(f"is corrupt: invalid object description at {where}")

    def key(self, k, where):
        if k is None or type(k) in (bool, int, float, str):
            return k
        if type(k) is dict and k.get("$") == "tuple":
            out = self.value(k, where)
            try:
                hash(out)
            except TypeError:
                raise _Corrupt(f"is corrupt: unhashable dict key at {where}") from None
            return out
        if type(k) is dict and k.get("$") == "float":
            return self.value(k, where)
        raise _Corrupt(f"is corrupt: invalid dict key at {where}")


def load(f, map_location=None, pickle_module=None, *, weights_only=True, mmap=None,
         **pickle_load_args):
    """Load what ``jitgrad.save`` wrote to ``f`` (a path or a binary file
    object). The file never holds code, so ``weights_only`` changes nothing;
    ``map_location`` may be None, "cpu", a device, a dict, or a callable
    ``fn(tensor, "cpu")`` whose Tensor result replaces each tensor."""
    if isinstance(map_location, (str, bytes)) or (
            map_location is not None and not isinstance(map_location, dict)
            and not callable(map_location)):
        check_device(map_location)
    name = _name(f)
    buf = _read(f)
    try:
        header, data_start = _check_header_start(buf)
        doc = _parse_header(header)
        arrays = _tensor_arrays(doc["tensors"], buf, data_start, copy=False)
        tensors = _make_tensors(doc["tensors"], arrays)
        if callable(map_location) and not isinstance(map_location, dict):
            tensors = [r if isinstance(r := map_location(t, "cpu"), Tensor) else t
                       for t in tensors]
        return _Decoder(tensors).value(doc["root"], "root")
    except _Corrupt as e:
        raise RuntimeError(messages.load_error(name, e.args[0])) from None
    except RecursionError:
        raise RuntimeError(messages.load_error(
            name, "is corrupt or too deeply nested: its structure exceeds Python's recursion "
                  "limit")) from None
