"""Comments are left out of the style sheets and scripts sent (web/assets.py), and nothing
else: a string that looks like a comment stays, and so does minified code."""

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from web.assets import without_comments

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_css_comments_go_strings_stay():
    css = b"a { content: \"/* not a comment */\"; } /* one */\nb { c: d } /*\ntwo\n*/ e { f: '/*' }"
    assert (
        without_comments(css, "x.css")
        == b"a { content: \"/* not a comment */\"; } \nb { c: d }  e { f: '/*' }"
    )


def test_only_whole_comment_lines_leave_a_script():
    js = b'// about\nvar a = "http://example.com"; // kept: not a whole line\n  // indented\nrun(a);\n'
    assert (
        without_comments(js, "x.js") == b'var a = "http://example.com"; // kept: not a whole line\nrun(a);\n'
    )
    assert without_comments(js, "htmx-2.0.11.min.js") == js


@given(st.text(alphabet="abc{}:; \n\"'", max_size=80))
def test_css_without_comment_markers_is_untouched(text):
    assert without_comments(text.encode(), "x.css") == text.encode()


def test_our_files_keep_every_rule_and_statement():
    for path in [*STATIC.glob("css/*.css"), *STATIC.glob("js/*.js")]:
        sent = without_comments(path.read_bytes(), path.name).decode()
        assert "/*" not in sent if path.suffix == ".css" else not re.search(r"^\s*//", sent, re.M)
        if path.suffix == ".css":  # as many rules as the source has
            source = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
            assert sent.count("{") == source.count("{") and sent.count("}") == source.count("}")
