"""Static files, compressed once and cached by browsers for a year.

URLs carry a hash of the file's content (`asset_url`), so a changed file gets a
new URL and a year-long cache lifetime is safe.
"""

import hashlib
import mimetypes
import re
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, abort, current_app, has_request_context, request, url_for

from web.bounded_table import BoundedTable
from web.compression import chosen_encoding, compress

bp = Blueprint("assets", __name__)

ONE_YEAR = 365 * 24 * 3600
COMPRESSIBLE = ("text/", "application/javascript", "image/svg+xml")
# The addresses of the files the templates name, per script root (web/site_root.py keeps
# that one empty, but the table is bounded whatever its keys).
URL_TABLE_ENTRIES = 256
URL_TABLE_BYTES = 256 * 1024


# Our style sheets and scripts explain themselves in comments; a first visit over slow
# mobile data need not carry them (a third of the style sheet's bytes on the wire). CSS
# comments are found outside strings; of a script, only lines that are whole comments go
# (our scripts have no multi-line strings), and minified files are left as they are.
_CSS_STRING_OR_COMMENT = re.compile(rb"""("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|/\*.*?\*/""", re.S)
_JS_COMMENT_LINE = re.compile(rb"^[ \t]*//[^\n]*\n", re.M)


def without_comments(raw: bytes, filename: str) -> bytes:
    if filename.endswith(".css"):
        return _CSS_STRING_OR_COMMENT.sub(lambda found: found.group(1) or b"", raw)
    if filename.endswith(".js") and not filename.endswith(".min.js"):
        return _JS_COMMENT_LINE.sub(b"", raw)
    return raw


class Asset:
    def __init__(self, path: Path):
        source = path.read_bytes()
        self.raw = without_comments(source, path.name)
        self.mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.version = hashlib.sha256(source).hexdigest()[:12]
        self.encoded = {}
        if self.mimetype.startswith(COMPRESSIBLE):
            self.encoded = {enc: compress(self.raw, enc, thorough=True) for enc in ("br", "gzip")}

    def body_for(self, accept_encoding: str) -> tuple[bytes, str | None]:
        encoding = chosen_encoding(accept_encoding, self.encoded)
        return (self.encoded[encoding], encoding) if encoding else (self.raw, None)


@lru_cache(maxsize=256)
def _load(folder: str, filename: str, mtime_ns: int) -> Asset:
    return Asset(Path(folder) / filename)


def find_asset(filename: str) -> Asset | None:
    folder = Path(current_app.root_path, "static").resolve()
    path = (folder / filename).resolve()
    if folder not in path.parents or not path.is_file():
        return None
    return _load(str(folder), filename, path.stat().st_mtime_ns)


def asset_url(filename: str) -> str:
    """The file's address with its version. Found on disk once per process and address
    root (every page names several assets); in debug mode every time, as files change."""
    if current_app.debug:
        return _versioned_url(filename)
    urls = current_app.extensions.get("asset_urls")
    if urls is None:
        urls = current_app.extensions["asset_urls"] = BoundedTable(URL_TABLE_ENTRIES, URL_TABLE_BYTES)
    key = (request.script_root if has_request_context() else "", filename)
    url = urls.get(key)
    if url is None:
        url = _versioned_url(filename)
        urls.put(key, url, 2 * len(url) + len(key[0]) + len(filename))
    return url


def _versioned_url(filename: str) -> str:
    asset = find_asset(filename)
    version = asset.version if asset else None
    return url_for("assets.static_file", filename=filename, v=version)


@bp.get("/static/<path:filename>")
def static_file(filename):
    asset = find_asset(filename)
    if asset is None:
        abort(404)
    body, encoding = asset.body_for(request.headers.get("Accept-Encoding", ""))
    response = current_app.response_class(body, mimetype=asset.mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    if request.args.get("v") == asset.version:
        # Never asked again while kept: a validator would be bytes for nothing.
        response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response
    response.set_etag(f"{asset.version}-{encoding or 'identity'}")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response.make_conditional(request)
