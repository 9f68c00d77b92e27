"""The spacing stage's fast paths against the plain ones they replace: each must give the same answers."""

import itertools
import re
from pathlib import Path

import regex
from hypothesis import given
from hypothesis import strategies as st

from pipeline.script_classes import HAN_SCRIPT
from pipeline.stages import spacing
from pipeline.typography import FW_OPEN, LATIN_CHARS
from strategies import piece

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

# As first written, with the ``regex`` module's properties: the reference.
PLAIN_HAN_RUN = regex.compile(r"[\p{Han}〇々]++")
PLAIN_GLUED_MARK = regex.compile(r"[,;](?=[\p{Latin}\p{Han}\d" + regex.escape(FW_OPEN) + r"])|[.:?!](?=[\p{Han}"
                                 + regex.escape(FW_OPEN) + "])")


def plain_space_runs(text: str) -> list[tuple[int, int]]:
    """Every maximal run of spaces, kept when it is two or more, holds an odd space or touches a
    character outside ASCII."""
    out = []
    n = len(text)
    k = 0
    while k < n:
        if text[k] not in spacing.SPACES:
            k += 1
            continue
        e = k
        while e < n and text[e] in spacing.SPACES:
            e += 1
        if e - k > 1 or text[k] != " " or k and not text[k - 1].isascii() or e < n and not text[e].isascii():
            out.append((k, e))
        k = e
    return out


def plain_insertion_points(text: str) -> list[int]:
    points = [m.end() for m in PLAIN_GLUED_MARK.finditer(text)]
    n = len(text)
    for m in PLAIN_HAN_RUN.finditer(text):
        s, e = m.span()
        if s:
            c = text[s - 1]
            if "0" <= c <= "9" or c == "%" or c in LATIN_CHARS:
                points.append(s)
        if e < n:
            c = text[e]
            if "0" <= c <= "9" or c in LATIN_CHARS:
                points.append(e)
    return points


# Characters on every edge the fast patterns draw: Han of each plane and block (a radical, 〇 and 々, a
# compatibility ideograph, plane 2 and 3), code points reserved for Han but unassigned (U+FA6E,
# U+2A6E0: not \p{Han}), full-width letters and digits (Latin and a digit, inside the wide range), the
# Latin letters past U+FFFF, digits of other scripts (\d for ``regex`` but not ASCII), the marks, the
# full-width openers, spaces and ASCII.
EDGES = ("中⺉〇々\u3021\uf900\U00020000\U00031350\U0003347a\ufa6e\U0002a6e0"
         "ＡＺａ５\U00010780\U0001df00\u0663\U00010d40ée"
         ",;.:?!%“《（「 \t\nAz09-_，。")
edge_text = st.text(alphabet=EDGES, max_size=40)


def test_han_script_is_the_han_property_exactly():
    ours = re.compile(f"[{HAN_SCRIPT}]")
    han = regex.compile(r"\p{Han}")
    for code in range(0x110000):
        c = chr(code)
        assert bool(ours.match(c)) == bool(han.match(c)), hex(code)


def test_the_wide_range_holds_every_han_character():
    wide = re.compile(f"[{spacing._HAN_SPAN}]")
    assert all(wide.match(c) for c in "".join(re.findall(f"[{HAN_SCRIPT}]+", "".join(map(chr, range(0x40000))))))


def test_space_runs_on_every_short_string_of_edge_classes():
    for n in range(7):
        for chars in itertools.product("  \u3000a中,", repeat=n) if n < 6 else itertools.product(" a中\u3000", repeat=n):
            text = "".join(chars)
            assert spacing.space_runs(text) == plain_space_runs(text), repr(text)


@given(st.one_of(edge_text, st.lists(st.one_of(piece, edge_text, st.sampled_from(["  ", "   ", " \u3000 ", "\u2002 "])),
                                     max_size=20).map("".join)))
def test_space_runs_as_the_plain_ones(text):
    assert spacing.space_runs(text) == plain_space_runs(text)


def test_insertion_points_and_space_runs_on_real_text():
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.rglob("*")) if p.is_file()]
    assert texts
    for text in texts:
        assert spacing.insertion_points(text) == plain_insertion_points(text)
        assert spacing.space_runs(text) == plain_space_runs(text)


def test_insertion_points_on_every_short_string_of_edge_classes():
    alphabet = "中\ufa6e\U00020000Ａa5\u0663%,.“ "
    for n in range(5):
        for chars in itertools.product(alphabet, repeat=n):
            text = "".join(chars)
            assert spacing.insertion_points(text) == plain_insertion_points(text), repr(text)


def test_han_stretches_over_chinese_marks_on_every_short_string():
    # The marks and spaces a stretch runs on over, between and around Han and word characters (``%`` only
    # before Han, a full-width digit is no word character, a full-width letter is Latin)
    alphabet = "中\U00020000，“ \u3000a5%Ａ０"
    for n in range(6):
        for chars in itertools.product(alphabet, repeat=n):
            text = "".join(chars)
            assert spacing.han_word_points(text) == plain_insertion_points(text)[len(spacing.glued_marks(text)):], \
                repr(text)


han_and_joiners = st.text(alphabet="中文\U00020000" + spacing._HAN_JOINERS + "aZ09%Ａ０é\n,.", max_size=60)


@given(han_and_joiners)
def test_han_stretches_over_chinese_marks_as_the_plain_runs(text):
    assert spacing.insertion_points(text) == plain_insertion_points(text)


@given(st.one_of(edge_text, st.lists(st.one_of(piece, edge_text), max_size=20).map("".join)))
def test_insertion_points_as_the_plain_ones(text):
    assert spacing.insertion_points(text) == plain_insertion_points(text)


@given(st.one_of(edge_text, st.lists(st.one_of(piece, edge_text), max_size=20).map("".join)))
def test_after_a_glued_mark_the_decision_is_that_of_insertion(text):
    from pipeline.typography import LangIndex, load_conventions

    spacer = spacing.Spacer(text, LangIndex([], len(text)), load_conventions(), digit_spacing=True)
    for p in spacing.glued_marks(text):
        assert spacer.after_mark(p) == spacer.insertion(p)


PLAIN_TOKEN_BEFORE = regex.compile(r"(?r)[0-9A-Za-z\p{Latin}._\-+%'’]*+")
PLAIN_TOKEN_AFTER = regex.compile(r"[0-9A-Za-z\p{Latin}._\-+%'’]*+")


def plain_han_neighbour(spacer: spacing.Spacer, pos: int) -> str:
    text = spacer.text
    start = PLAIN_TOKEN_BEFORE.match(text, max(0, pos - 64), pos).start()
    end = PLAIN_TOKEN_AFTER.match(text, pos + 1, pos + 65).end()
    if regex.search(r"\p{Latin}", text[start:end]):
        return "space-han-latin"
    return "space-han-latin" if spacer.langs(pos) == "en" else "digit-spacing"


TOKEN_EDGES = "ab5.-+%'’_\U00010780ＡéЯ٣ 中"


@given(st.one_of(st.text(alphabet=TOKEN_EDGES, max_size=150),
                 st.lists(st.one_of(piece, st.text(alphabet=TOKEN_EDGES, max_size=70)), max_size=20).map("".join)))
def test_the_word_next_to_han_as_the_plain_walk(text):
    from pipeline.typography import LangIndex, load_conventions

    spacer = spacing.Spacer(text, LangIndex([], len(text)), load_conventions(), digit_spacing=False)
    for pos in range(len(text)):  # every position, whatever is there: the walk does not care
        assert spacer._han_neighbour(pos, left_is_word=True) == plain_han_neighbour(spacer, pos), pos


def test_after_a_glued_mark_on_every_short_string():
    from pipeline.typography import LangIndex, load_conventions

    conv = load_conventions()
    for n in range(5):
        for chars in itertools.product("1a中.,?٣“", repeat=n):
            text = "".join(chars)
            spacer = spacing.Spacer(text, LangIndex([], len(text)), conv, digit_spacing=False)
            for p in spacing.glued_marks(text):
                assert spacer.after_mark(p) == spacer.insertion(p), repr(text)


def test_glued_marks_before_every_character():
    # Each mark before each code point (surrogates aside), as the ``regex`` properties decide
    after = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for mark in ",;.:?!":  # one of each kind before every code point, the others before the BMP
        text = "".join(mark + c for c in (after if mark in ",." else after[:0xD000]))
        assert spacing.glued_marks(text) == [m.end() for m in PLAIN_GLUED_MARK.finditer(text)], mark


def plain_space_run(spacer: spacing.Spacer, s: int, e: int):
    """``Spacer.space_run`` as written before its first test (one space after an ASCII mark, before Han)."""
    from pipeline.stages.spacing import CLAUSE_MARKS, FW_CLAUSE, FW_CLOSE, FW_OPEN, _neighbour, _word_char, is_han

    text = spacer.text
    left = text[s - 1] if s else "\n"
    right = text[e] if e < len(text) else "\n"
    if left == "\n":
        kept = text[s:e].replace("\u3000", "")
        return (kept, "ideographic-space") if right != "\n" else None
    if right == "\n":
        return None
    if left in CLAUSE_MARKS and right.isdigit() and _neighbour(text, s - 1, -1).isdigit() \
            or right in CLAUSE_MARKS and left.isdigit() and _neighbour(text, e, +1).isdigit():
        return spacer._single(s, e)
    if left in "“”‘’" and _word_char(right) or right in "“”‘’" and _word_char(left):
        return spacer._single(s, e)
    if left in FW_OPEN or left in FW_CLOSE or left in FW_CLAUSE or right in FW_CLOSE or right in FW_CLAUSE:
        return "", "space-fullwidth"
    if right in FW_OPEN and is_han(left):
        return "", "space-fullwidth"
    if is_han(left) and is_han(right):
        return spacer.chinese_space(s, e)
    if is_han(left) and _word_char(right) or is_han(right) and (_word_char(left) or left == "%"):
        rule = spacer._han_neighbour(s - 1 if not is_han(left) else e, left_is_word=not is_han(left))
        if rule == "digit-spacing":
            return ("", rule) if not spacer._digit_space_wanted(s - 1, e) else spacer._single(s, e)
        if rule == "space-han-latin":
            return spacer._single(s, e)
    return spacer._single(s, e)


def spacer_for(text: str, digit_spacing: bool = False) -> spacing.Spacer:
    from pipeline.typography import LangIndex, load_conventions

    return spacing.Spacer(text, LangIndex([], len(text)), load_conventions(), digit_spacing)


def test_a_space_after_an_ascii_mark_before_han():
    from pipeline.stages.spacing import CLAUSE_MARKS, FW_CLAUSE, FW_CLOSE, FW_OPEN

    hans = re.findall(f"[{HAN_SCRIPT}]", "".join(map(chr, range(0x2E80, 0x40000))))
    # What the decision reads of the Han character, for each of them; then the decisions on a sample
    assert not any(h.isdigit() or h in CLAUSE_MARKS + FW_CLAUSE + FW_CLOSE + FW_OPEN + "“”‘’" for h in hans)
    hans = hans[::37]
    for left in sorted(spacing._MARKS_KEEP_SPACE_BEFORE_HAN) + ["a", "5", "%", "“", "，", "中"]:
        text = "".join(f"1{left} {h}" for h in hans)
        spacer = spacer_for(text)
        for s in range(2, len(text), 4):
            assert spacer.space_run(s, s + 1) == plain_space_run(spacer, s, s + 1), (left, text[s + 1])


@given(st.one_of(edge_text, st.lists(st.one_of(piece, edge_text, st.sampled_from(["  ", ". ", ") ", " \u3000 "])),
                                     max_size=20).map("".join)), st.booleans())
def test_space_run_decisions_as_the_plain_ones(text, digit_spacing):
    spacer = spacer_for(text, digit_spacing)
    for s, e in spacing.space_runs(text):
        assert spacer.space_run(s, e) == plain_space_run(spacer, s, e), (s, e)
