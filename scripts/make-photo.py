#!/usr/bin/env python3
"""Builds public/images/camera.png, the photo of the Image kernels lesson, from scikit-image's
"camera" test image (CC0, photograph by Lav Varshney; see public/images/LICENSE-images.txt).

Usage: pip download --no-deps scikit-image && unzip -j scikit_image-*.whl skimage/data/camera.png
       python3 scripts/make-photo.py camera.png public/images/camera.png

Only the standard library: it decodes the 8-bit grey PNG, averages 2x2 blocks (512 -> 256 pixels,
a box filter, so no aliasing) and writes an 8-bit grey PNG again.
"""

import struct
import sys
import zlib

MAX_SIDE = 256


def chunks(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("not a PNG file")
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        yield kind, data[at + 8 : at + 8 + length]
        at += 12 + length


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_grey(data):
    """The rows of an 8-bit greyscale, non-interlaced PNG."""
    idat = b""
    for kind, body in chunks(data):
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if (depth, colour, interlace) != (8, 0, 0):
                sys.exit(f"expected an 8-bit grey non-interlaced PNG, got depth {depth}, colour type {colour}")
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    rows, prev, at = [], [0] * width, 0
    for _ in range(height):
        kind, line = raw[at], list(raw[at + 1 : at + 1 + width])
        at += 1 + width
        for x in range(width):
            left = line[x - 1] if x else 0
            up_left = prev[x - 1] if x else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + prev[x]) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + prev[x]) // 2) & 255
            elif kind == 4:
                line[x] = (line[x] + paeth(left, prev[x], up_left)) & 255
        rows.append(line)
        prev = line
    return rows


def encode_grey(rows):
    """An 8-bit grey PNG, each row with the filter that compresses it best (smallest sum of |byte|)."""
    width, height = len(rows[0]), len(rows)
    raw, prev = bytearray(), [0] * width
    for line in rows:
        candidates = []
        for kind in range(5):
            out = []
            for x in range(width):
                left = line[x - 1] if x else 0
                up_left = prev[x - 1] if x else 0
                predictor = [0, left, prev[x], (left + prev[x]) // 2, paeth(left, prev[x], up_left)][kind]
                out.append((line[x] - predictor) & 255)
            candidates.append((sum(min(v, 256 - v) for v in out), kind, out))
        _, kind, out = min(candidates)
        raw.append(kind)
        raw.extend(out)
        prev = line

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + chunk(b"IEND", b"")
    )


def halve(rows):
    """Averages 2x2 blocks (rounding half up)."""
    return [
        [
            (rows[y][x] + rows[y][x + 1] + rows[y + 1][x] + rows[y + 1][x + 1] + 2) // 4
            for x in range(0, len(rows[0]) - 1, 2)
        ]
        for y in range(0, len(rows) - 1, 2)
    ]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as f:
        rows = decode_grey(f.read())
    while max(len(rows), len(rows[0])) > MAX_SIDE:
        rows = halve(rows)
    with open(sys.argv[2], "wb") as f:
        f.write(encode_grey(rows))
    print(f"{sys.argv[2]}: {len(rows[0])}x{len(rows)} pixels")


if __name__ == "__main__":
    main()
