"""Logs: one JSON object per line, with personal numbers masked in every record.

Civil IDs (12 digits), Kuwaiti phone numbers (+965 and 8-digit mobiles), Kuwaiti IBANs
(KW + 28) and 6-digit codes are never written in full, whoever logs them: the app, Flask,
Werkzeug, gunicorn or a driver's error message. Nor is the secret of a link that opens
something without logging in: a receipt's verification code (`/verify/<code>`), an express
receipt's token (`/express/receipts/<token>`, its refund pages, `/express/renew/<token>`)
and a reminder's opt-out token (`/reminders/off/<token>`). Nor is a payment's track id
(`trackid=`/`track_id=` in a query or a form, or its 19 digits anywhere). Digits typed in
Arabic-Indic or Persian script, grouped with spaces or dashes, or percent-encoded in a query
string, are masked too.
"""

import json
import logging
import re
import sys
from datetime import UTC, datetime
from urllib.parse import unquote

# Percent-encoded digits (ASCII, Arabic-Indic, Persian), "+", "-" and space, as in a query
# string.
_ENCODED_DIGITS = re.compile(r"(?:%(?:3[0-9]|2B|2D|20|D9%A[0-9]|DB%B[0-9]))+", re.IGNORECASE)
_ALONE = r"(?<![^\W_])"  # not glued to a letter or digit before
_END = r"(?![^\W_])"  # nor after
_SEP = r"[ .+\-]?"  # "+" is a space in a query string
_GROUP_SEP = r"[ +\-]?"  # between groups of a civil ID or an IBAN as people write them
_LINK_SECRET = r"[A-Za-z0-9_\-]+"
# Where a link's secret follows in an address: checked before masking, as most lines hold none.
_LINK_PREFIXES = ("/verify/", "/express/receipts/", "/express/renew/", "/reminders/off/")
# Every number the patterns below mask has six digits or more (an IBAN's may be mostly
# letters, so "KW" is checked apart): a line with fewer holds none, and most lines do.
_SIX_DIGITS = re.compile(r"(?:\d\D*){6}")
_PATTERNS = [
    # (pattern, characters left visible at the end)
    *[(re.compile(f"(?<={re.escape(prefix)}){_LINK_SECRET}"), 0) for prefix in _LINK_PREFIXES],
    # A track id named as such, in a query, a form or a dict: whatever its shape.
    (re.compile(r"""(?<![^\W_])track_?id["']?\s*[=:]\s*["']?(?P<secret>[^&\s"',;)}]+)""", re.IGNORECASE), 0),
    (re.compile(_ALONE + r"\d{19}" + _END), 3),  # a track id: 19 digits, the time first
    (re.compile(_ALONE + r"KW\d{2}(?:" + _GROUP_SEP + r"[A-Z\d]){26}" + _END, re.IGNORECASE), 4),
    (re.compile(_ALONE + r"(?:\+|00)?965" + _SEP + r"[4569]\d{3}" + _SEP + r"\d{4}" + _END), 2),
    (re.compile(_ALONE + r"\d{12}" + _END), 3),  # civil ID
    # A civil ID in groups (2 910301 04196, 291-030-104196): exactly 12 digits in the run,
    # so dates and longer numbers written in groups stay readable.
    (re.compile(_ALONE + r"(?<!\d[ +\-])\d(?:" + _GROUP_SEP + r"\d){11}(?!" + _GROUP_SEP + r"\d)" + _END), 3),
    (re.compile(_ALONE + r"[4569]\d{3}" + _SEP + r"\d{4}" + _END), 2),  # mobile, national form
    (re.compile(_ALONE + r"\d{6}" + _END), 0),  # SMS code
]


def _hide(match: re.Match, visible: int) -> str:
    """Every character starred but the last `visible` letters or digits (and any
    separator between them); of the `secret` group only, when the pattern names one."""
    whole = match.group(0)
    if "secret" in match.re.groupindex:
        begin, end = (at - match.start() for at in match.span("secret"))
    else:
        begin, end = 0, len(whole)
    text = whole[begin:end]
    start = len(text)
    while visible and start:
        start -= 1
        visible -= text[start].isalnum()
    return whole[:begin] + "*" * start + text[start:] + whole[end:]


def mask(text: str) -> str:
    """`text` with every personal number it holds masked."""
    if (
        not _SIX_DIGITS.search(text)
        and "%" not in text
        and not any(prefix in text for prefix in _LINK_PREFIXES)
        and "track" not in text.lower()
        and "kw" not in text.lower()
    ):
        return text
    text = _ENCODED_DIGITS.sub(lambda m: unquote(m.group(0)), text)
    for pattern, visible in _PATTERNS:
        text = pattern.sub(lambda m, v=visible: _hide(m, v), text)
    return text


class MaskedFields(dict):
    """Fields already masked: a record carrying them is not masked again on its way out."""


def masked(value):
    """`value` (text, or a dict or list holding text) with personal numbers masked. For
    `extra` fields: logging attaches them after the record is made, so mask them first."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, MaskedFields):
        return value
    if isinstance(value, dict):
        return MaskedFields((key, masked(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return type(value)(masked(item) for item in value)
    return value


class MaskingFilter(logging.Filter):
    """Masks the message, its structured fields and any traceback of a record, in place.
    It runs when a record is made (before `extra` fields are attached) and again where it
    is written; what it masked once is marked, so the second pass costs nothing: every
    request writes a log line, and masking is most of that line's cost."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(getattr(record, "fields", None), dict):
            record.fields = masked(record.fields)
        if getattr(record, "masked_by_tameen", False) and not (record.exc_info and not record.exc_text):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: keep what can be kept, masked
            message = f"{record.msg} {record.args}"
        record.msg, record.args = mask(message), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        record.masked_by_tameen = True
        return True


_FILTER = MaskingFilter()


def install_masking() -> None:
    """Mask every record when it is made, whichever logger and handler it goes to.
    Safe to call more than once."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "masks_records", False):
        return

    def masked_record(*args, **kwargs):
        record = factory(*args, **kwargs)
        _FILTER.filter(record)
        return record

    masked_record.masks_records = True
    logging.setLogRecordFactory(masked_record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the record's `fields`."""

    def format(self, record: logging.LogRecord) -> str:
        _FILTER.filter(record)  # `extra` fields, and records made before install_masking()
        line = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(getattr(record, "fields", None) or {})
        if record.exc_text:
            line["error"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


def _not_a_werkzeug_request_line(record: logging.LogRecord) -> bool:
    return " - - [" not in record.getMessage()


def configure(level: int = logging.INFO, stream=None, werkzeug_request_lines: bool = True) -> logging.Handler:
    """Send every log record to `stream` (standard error) as masked JSON lines.
    Called by the servers (`python app.py`, `tameen.pyz serve`), not by the test suite.
    The development server's own request lines can be left out: ours say more."""
    install_masking()
    if not werkzeug_request_lines:
        werkzeug = logging.getLogger("werkzeug")
        if _not_a_werkzeug_request_line not in werkzeug.filters:
            werkzeug.addFilter(_not_a_werkzeug_request_line)
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "tameen", False):
            return handler
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.tameen = True
    handler.setFormatter(JsonFormatter())
    handler.addFilter(_FILTER)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
