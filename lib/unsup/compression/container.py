"""``compress`` / ``decompress``: the book's coder as a self-describing byte format.

Layout of a blob (big-endian)::

    magic b"UNSQ" | version (1) | order (1) | escape (1) | length n (8)
    | payload size (4) | crc32 of the data (4) | crc32 of the payload (4)
    | crc32 of everything above (4) | payload (arithmetic code)

The header checksum is verified before anything is decoded, so a damaged length can
never start a long decoding loop; the payload checksum catches damage to the code, and
the data checksum catches anything that still slipped through. Every failure is a
``ValueError`` saying what is wrong.
"""

from __future__ import annotations

import struct
import zlib

from .coder import decode, encode
from .models import DEFAULT_ESCAPE, DEFAULT_ORDER, ContextModel, as_bytes, check_order

MAGIC = b"UNSQ"
VERSION = 1
_FIELDS = struct.Struct(">4sBBBQIII")
_HEADER_CRC = struct.Struct(">I")
HEADER_SIZE = _FIELDS.size + _HEADER_CRC.size


def compress(data: bytes, order: int = DEFAULT_ORDER, escape: int = DEFAULT_ESCAPE) -> bytes:
    """Compress ``data`` losslessly: adaptive order-``order`` model plus arithmetic coder."""
    data = as_bytes(data)
    check_order(order, escape)
    payload = encode(data, ContextModel(order, escape))
    fields = _FIELDS.pack(MAGIC, VERSION, order, escape, len(data), len(payload),
                          zlib.crc32(data), zlib.crc32(payload))
    return fields + _HEADER_CRC.pack(zlib.crc32(fields)) + payload


def read_header(blob: bytes) -> dict[str, int]:
    """Parse and verify the header of a blob made by :func:`compress`."""
    blob = as_bytes(blob, "blob")
    if len(blob) < HEADER_SIZE:
        raise ValueError(f"blob is truncated: {len(blob)} bytes, "
                         f"the header alone has {HEADER_SIZE}")
    fields = blob[: _FIELDS.size]
    magic, version, order, escape, n, size, data_crc, payload_crc = _FIELDS.unpack(fields)
    if magic != MAGIC:
        raise ValueError(f"blob does not start with the magic {MAGIC!r} (got {magic!r})")
    (header_crc,) = _HEADER_CRC.unpack(blob[_FIELDS.size : HEADER_SIZE])
    if zlib.crc32(fields) != header_crc:
        raise ValueError("blob header is corrupted (header checksum mismatch)")
    if version != VERSION:
        raise ValueError(f"blob has format version {version}; this decoder reads version {VERSION}")
    if len(blob) != HEADER_SIZE + size:
        raise ValueError(f"blob is truncated or has trailing bytes: payload should be {size} "
                         f"bytes, found {len(blob) - HEADER_SIZE}")
    return {"order": order, "escape": escape, "length": n, "payload_size": size,
            "data_crc": data_crc, "payload_crc": payload_crc}


def decompress(blob: bytes) -> bytes:
    """Invert :func:`compress`; raise ``ValueError`` if the blob is corrupted or truncated."""
    header = read_header(blob)
    payload = bytes(blob[HEADER_SIZE:])
    if zlib.crc32(payload) != header["payload_crc"]:
        raise ValueError("blob payload is corrupted (payload checksum mismatch)")
    check_order(header["order"], header["escape"])
    symbols = decode(payload, header["length"], ContextModel(header["order"], header["escape"]))
    data = bytes(symbols)
    if zlib.crc32(data) != header["data_crc"]:
        raise ValueError("decoded data does not match its checksum: the blob is corrupted")
    return data
