"""Compression of pages and static files, for people on slow mobile data."""

import gzip

import brotli
from flask import request

PREFERENCE = ("br", "gzip")
# A response that fits in one TCP packet arrives no sooner compressed.
MIN_SIZE = 1400
COMPRESSIBLE_TYPES = ("text/html", "text/css", "text/csv", "application/json")


def chosen_encoding(accept_encoding: str, available=PREFERENCE) -> str | None:
    offered = {part.split(";")[0].strip().lower() for part in accept_encoding.split(",")}
    return next((encoding for encoding in PREFERENCE if encoding in offered and encoding in available), None)


def compress(data: bytes, encoding: str, thorough: bool = False) -> bytes:
    if encoding == "br":
        # Pages are a few KB: a 64 KB window loses nothing, and the default 4 MB one costs
        # more to set up than to compress a quote.
        return brotli.compress(data, quality=11 if thorough else 5, lgwin=16)
    return gzip.compress(data, compresslevel=9 if thorough else 6, mtime=0)


def compress_response(response):
    if (
        getattr(response, "encoded_once", False)  # a kept page, compressed when kept
        or response.direct_passthrough
        or response.status_code == 304
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE_TYPES
        or response.is_streamed
    ):
        return response
    response.vary.add("Accept-Encoding")
    encoding = chosen_encoding(request.headers.get("Accept-Encoding", ""))
    data = response.get_data()
    if encoding is None or len(data) < MIN_SIZE:
        return response
    response.set_data(compress(data, encoding))
    response.headers["Content-Encoding"] = encoding
    return response


def init_app(app) -> None:
    app.after_request(compress_response)
