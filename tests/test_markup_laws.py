"""The laws on generated Markdown and HTML: the markup is never changed (and where cleaning the prose
changes how it reads, the place is flagged), the change log replays on the raw file, cleaning is
idempotent and the segments cover the output."""

from hypothesis import given
from hypothesis import strategies as st

from pipeline import Pipeline
from pipeline.document import replay
from pipeline.formats.html_doc import html_skeleton as skeleton_of_html
from pipeline.formats.markdown_doc import default_parser
from pipeline.formats.markdown_doc import markdown_skeleton as skeleton_of_markdown
from pipeline.stages.markup_check import emptied_lines_blanked
from strategies import HAN, WORDS, mixed_text

PIPELINE = Pipeline()

# Dirty prose without line breaks (a line break in prose would change the block structure by itself).
# A block of nothing but invisible characters may vanish when they are removed: prose says something.
prose = mixed_text.map(lambda s: " ".join(s.replace("\r", " ").split("\n")).strip()).map(
    lambda s: s if any(c.isalnum() for c in s) else s + "文字")
word = st.one_of(st.text(alphabet=HAN, min_size=1, max_size=4), st.sampled_from(WORDS))
url = st.sampled_from(["https://gitlab.com/g/load-testing-with-gitlab/-/blob/main/a,b。.md", "https://x.org/路径?q=1&b=2",
                       "/relative/path", "https://docs.gitlab.com/ee/ci/#yaml"])
code = st.text(alphabet="下注平台，。, ab\u200b\u3000 \t\n", max_size=30)

md_inline = st.one_of(
    prose,
    word.map(lambda w: f"*{w}*"), word.map(lambda w: f"**{w}**"), word.map(lambda w: f"~~{w}~~"),
    code.map(lambda c: "`" + " ".join(c.split()).replace("`", "") + "x`"),
    st.tuples(word, url).map(lambda t: f"[{t[0]}]({t[1]})"),
    st.tuples(word, url).map(lambda t: f'[{t[0]}]({t[1]} "标题 title")'),
    url.filter(lambda u: u.startswith("http")).map(lambda u: f"<{u}>"),
    st.sampled_from(['<span class="x">', "</span>", "&amp;", "\\*", "$x^2$", "  \n", "\n"]),
)
md_line = st.lists(md_inline, min_size=1, max_size=6).map(lambda parts: " ".join(parts).strip("\n") or "文字")
md_block = st.one_of(
    md_line,
    st.tuples(st.integers(1, 6), md_line).map(lambda t: "#" * t[0] + " " + t[1].replace("\n", " ")),
    md_line.map(lambda s: "- " + s.replace("\n", "\n  ")),
    md_line.map(lambda s: "> " + s.replace("\n", "\n> ")),
    code.map(lambda c: f"```python\n{c}\n```"),
    code.map(lambda c: "    " + "\n    ".join(c.split("\n"))).filter(lambda s: s.strip()),
    st.tuples(word, word, md_line).map(lambda t: f"| {t[0]} | {t[1]} |\n|---|---|\n| {' '.join(t[2].split())} | x |"),
    code.map(lambda c: f"<div>\n{c.strip() or 'x'}\n</div>"),
    code.map(lambda c: f"$$\n{c.strip() or 'x'}\n$$"),
    st.just("***"),
)
front = st.one_of(st.just(""), word.map(lambda w: f"---\ntitle: {w}\nslug: a-b\n---\n\n"))
markdown = st.tuples(front, st.lists(md_block, min_size=1, max_size=6)).map(
    lambda t: t[0] + "\n\n".join(t[1]) + "\n")

html_text = prose.map(lambda s: s.replace("<", " ").replace("&", " "))
html_inline = st.one_of(
    html_text,
    html_text.map(lambda s: f"<b>{s}</b>"),
    st.tuples(url, html_text).map(lambda t: f'<a href="{t[0]}" title="{t[1][:10]}">{t[1]}</a>'),
    html_text.map(lambda s: f"<img src=x.png alt='{s.replace(chr(39), '')}'>"),
    st.sampled_from(["&amp;", "&nbsp;", "&#8220;", "<br>", "<br/>", "\n  "]),
    code.map(lambda c: f"<code>{c.replace('<', '')}</code>"),
)
html_block = st.one_of(
    st.lists(html_inline, min_size=1, max_size=5).map(lambda p: "<p>" + "".join(p) + "</p>"),
    html_text.map(lambda s: f"<h2 class='t'>{s}</h2>"),
    code.map(lambda c: f"<pre>{c.replace('<', '')}</pre>"),
    code.map(lambda c: f"<script>var s = '{c}';</script>"),
    code.map(lambda c: f"<!-- {c.replace('-', '')} -->"),
    st.lists(html_text, min_size=1, max_size=3).map(lambda c: "<ul>" + "".join(f"<li>{x}" for x in c) + "</ul>"),
)
html_doc = st.tuples(html_text, st.lists(html_block, min_size=1, max_size=6)).map(
    lambda t: f"<!DOCTYPE html>\n<html><head><title>{t[0]}</title></head>\n<body>\n" + "\n".join(t[1])
    + "\n</body></html>\n")


def markdown_skeleton(text):
    return [k for k, _ in skeleton_of_markdown(default_parser(), text)]


def html_skeleton(text):
    return [k for k, _ in skeleton_of_html(text)]


def check(text, fmt, skeleton):
    doc = PIPELINE.clean(text, format=fmt)
    assert replay(text, doc.changes) == doc.text
    # The structure is kept, apart from lines emptied entirely (a paragraph that was all spam), or the
    # place where cleaning the prose changed how the markup reads is flagged for an editor.
    flagged = [f for f in doc.flags if f.rule == "markup-changed"]
    kept = skeleton(doc.text) == skeleton(emptied_lines_blanked(text, doc.text) if fmt == "markdown" else text)
    assert kept != bool(flagged), (kept, flagged)
    again = PIPELINE.clean(doc.text, format=fmt)
    assert again.changes == [], [c.to_dict() for c in again.changes]
    pos = 0
    for s in doc.segments:
        assert s.start == pos and s.end > s.start
        pos = s.end
    assert pos == len(doc.text)
    for b in doc.blocks:
        assert 0 <= b.start < b.end <= len(doc.text)
    return doc


@given(markdown)
def test_markdown_markup_is_never_changed(text):
    check(text, "markdown", markdown_skeleton)


@given(html_doc)
def test_html_markup_is_never_changed(text):
    check(text, "html", html_skeleton)


@given(markdown)
def test_markdown_with_crlf_replays_on_the_raw_file(text):
    raw = text.replace("\n", "\r\n")
    doc = check(raw, "markdown", markdown_skeleton)
    assert doc.text.count("\r\n") == raw.count("\r\n")
