"""Structure: blocks and the re-joining of lines broken mid-sentence."""

from pipeline import Pipeline

p = Pipeline(disable=("segment", "spam", "variant", "width", "numbers", "punctuation", "spacing"))


def kinds(text):
    doc = p.clean(text)
    return [(b.kind, doc.text[b.start:b.end]) for b in doc.blocks]


def test_seed_breaks_are_joined(seed_text):
    doc = p.clean(seed_text)
    joins = [c for c in doc.changes if c.rule == "join-broken-line"]
    assert [(c.before, c.after) for c in joins] == [("\n", ""), ("\n", " ")]
    assert "《2024欧洲杯下注平台》And the duties" in doc.text
    assert "as the carrier Education, family style" in doc.text


def test_line_ending_with_terminal_punctuation_is_not_joined():
    text = "这是一个完整的句子，而且它足够长足够长。\n下一段从这里开始。"
    assert p.clean(text).text == text


def test_short_lines_and_lists_are_not_joined():
    for text in ["Title line\nAnd the text that follows it goes on and on.",
                 "Here is a long line that introduces a list\n1. first item",
                 "这一行很长但是后面接的是标题标记所以不能连起来\n(二)第二部分"]:
        assert p.clean(text).text == text


def test_blocks_of_the_seed_header():
    text = "Article source: Government Office Updated: 2023-11-07\n\n(November 7, 2023)\n\nAbout the main work in 2023\n\n正文。"
    assert kinds(text) == [("meta", "Article source: Government Office Updated: 2023-11-07"),
                           ("meta", "(November 7, 2023)"), ("heading", "About the main work in 2023"),
                           ("paragraph", "正文。")]


def test_heading_that_leads_a_paragraph():
    assert kinds("(二)助力青少年成长成才工作取得新的进展。In terms of helping the youth, we act.") == [
        ("heading", "(二)助力青少年成长成才工作取得新的进展。"),
        ("paragraph", "In terms of helping the youth, we act."),
    ]
    assert kinds("Two, should summarize and adhere to the main experience") == [
        ("heading", "Two, should summarize and adhere to the main experience")]


# -- the fast checks against the patterns they stand for -----------------------------------------------

from hypothesis import example, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from pipeline.stages import structure  # noqa: E402
from strategies import mixed_text  # noqa: E402

# Every terminal mark and closing quote, what lies next to them, line breaks and spaces.
_EDGE = "。！？.!?…；;：:\"”’'）)」』aZ5中，, \n\t("


def _real_lines(seed_text):
    return seed_text.split("\n") + seed_text.split("\n\n")


def test_ends_terminal_is_the_pattern_on_real_lines(seed_text):
    lines = _real_lines(seed_text)
    assert any(structure.ends_terminal(x) for x in lines) and not all(structure.ends_terminal(x) for x in lines)
    for line in lines:
        for text in (line, line.rstrip()):
            assert structure.ends_terminal(text) == bool(structure._TERMINAL.search(text)), text


@given(st.one_of(st.text(alphabet=_EDGE, max_size=12), mixed_text))
def test_ends_terminal_is_the_pattern(text):
    assert structure.ends_terminal(text) == bool(structure._TERMINAL.search(text))


@given(st.one_of(st.text(alphabet=_EDGE, min_size=1, max_size=12), mixed_text.filter(bool)))
def test_latin_end_matched_at_the_last_character(text):
    assert bool(structure._LATIN_END.match(text, len(text) - 1)) == bool(structure._LATIN_END.search(text))


@given(st.text(alphabet="\na中 ", max_size=20), st.integers(0, 22))
def test_find_blank_line_is_str_find(text, pos):
    assert structure._find_blank_line(text, pos) == text.find("\n\n", pos)


def _plain_join_edits(text, meta, heading):
    """The joining as first written: every line stripped and sliced again."""
    edits, pos, start = [], 0, 0
    lines = text.split("\n")
    for i, line in enumerate(lines[:-1]):
        nxt = lines[i + 1]
        brk = pos + len(line)
        pos = brk + 1
        logical = text[start:brk]
        if (not line.strip() or not nxt.strip() or len(logical) - logical.count(" ") < structure.MIN_JOIN_LENGTH
                or structure._TERMINAL.search(line.rstrip()) or meta.match(logical) or meta.match(nxt)
                or heading.match(nxt)):
            start = pos
            continue
        indent = len(nxt) - len(nxt.lstrip())
        sep = " " if structure._LATIN_END.search(line) and structure._LATIN_START.match(nxt, indent) else ""
        edits.append((brk, brk + 1 + indent, sep))
    return edits


_META, _HEADING = structure.load_patterns()
_LINE_PARTS = st.lists(st.sampled_from(["the work goes on and on and on", "这一行很长但是后面接的是", "\n", "\n",
                                        " \n", "\t", "。", ".", "”", "1、", "(二)", "来源：新华社", "abc", " ",
                                        "\u3000", "ab\n"]), max_size=16).map("".join)


def test_join_edits_are_the_plain_ones_on_real_text(seed_text):
    for text in (seed_text, seed_text.replace("\n\n", "\n"), seed_text.replace("。", "，")):
        got = [(e.start, e.end, e.after) for e in structure._join_edits(text, _META, _HEADING)]
        assert got == _plain_join_edits(text, _META, _HEADING)
    assert got


@given(st.one_of(_LINE_PARTS, mixed_text))
@example("the work goes on and on and on\nshort\nmore")  # a short line after a joined one: the logical line counts
def test_join_edits_are_the_plain_ones(text):
    got = [(e.start, e.end, e.after) for e in structure._join_edits(text, _META, _HEADING)]
    assert got == _plain_join_edits(text, _META, _HEADING)
