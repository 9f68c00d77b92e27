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
