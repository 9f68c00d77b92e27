"""Hypothesis strategies for mixed Chinese/English text with the dirt duet cleans."""

from hypothesis import strategies as st

HAN = "关工委五老下一代工作中国省市发展教育青少年的是和在了党建带关快递小哥十明星"
LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
WORDS = ["Customs", "Work", "Committee", "the", "five", "old", "men", "app", "GDP", "PM2.5", "5G",
         "development", "Party", "building", "Wang", "Zhijun", "Jiamusi"]
MARKS = list("，。、；：？！,.;:?!“”‘’\"'《》（）()【】〔〕…—-·%+/") + ["。。", ".。", "，,"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u3000", "\u2002", "\x07"]
SPACES = [" ", "  ", "\t", "\n", "\n\n", "\n\n\n", "\r\n", "\r", " \n"]
EMOJI = ["👨\u200d👩\u200d👧", "😀", "e\u0301", "👍🏽"]
DIGITS = ["2023", "5。780,000", "3.40,000", "135万", "15.5万", "２０２４", "７", "1+4"]
HEADINGS = ["\n1、", "\n2. ", "\n(二)", "\n（三）", "\nOne，", "\n第一章 "]  # line starts the structure stage reads
SPAM = ["《2024欧洲杯下注平台》", "2024欧洲杯下注app", "欧\u200b洲杯下注平台", "开云体育官网", "开云(中国)", "和",
        "【乐鱼体育】官方网站：www.leyu88.com，注册即送58元彩金！", "九游娱乐,九游app,亚博体育官网", " and ",
        "警方破获", "-九游会真人官网", "加微信", "yabo88体育官网下注平台"]

piece = st.one_of(
    st.text(alphabet=HAN, min_size=1, max_size=8),
    st.sampled_from(WORDS),
    st.text(alphabet=LATIN, min_size=1, max_size=6),
    st.sampled_from(MARKS),
    st.sampled_from(INVISIBLE),
    st.sampled_from(SPACES),
    st.sampled_from(EMOJI),
    st.sampled_from(DIGITS),
    st.sampled_from(SPAM),
    st.sampled_from(HEADINGS),
)

mixed_text = st.lists(piece, max_size=40).map("".join)
any_text = st.one_of(mixed_text, st.text(max_size=60))


# -- hostile text: everything the rules know, and what no rule expects (tests/test_fuzz.py) ----------

def _rule_marks() -> list[str]:
    """Every punctuation mark the normalization rules know (rules/normalize.toml), read from the rules
    so that a mark added there is fuzzed too."""
    from pipeline.typography import load_conventions

    conv = load_conventions()
    marks = {*conv.zh_to_en, *conv.en_to_zh, *conv.fullwidth_symbols}
    for quote in conv.quotes:
        marks.update(quote[:3])
        marks.update(quote[3])
    for bracket in conv.brackets:
        marks.update(bracket)
    return sorted(marks)


def _invisible_chars() -> list[str]:
    from pipeline.stages.invisible import load_chars

    chars, spaces = load_chars()
    return sorted({*chars, *spaces})


RULE_MARKS = _rule_marks()
ALL_INVISIBLE = _invisible_chars() + ["\u200b\u200b", "\ufeff\ufeff", "\u202e", "\u2066", "\u061c"]
COMBINING = ["\u0301", "\u0308", "\u20dd", "\u0323\u0301", "a\u0301\u0302\u0303", "中\u0301", "\u3099"]
CONTROL = ["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\u2028", "\u2029", "\r", "\r\n",
           "\n\r", "\r\r\n", "\t"]
LONE = ["《", "》", "“", "”", "‘", "’", '"', "'", "（", "(", ")", "）", "【", "〔", "「", "』", "《《", "》》》", "“‘",
        "</", "<script>", "]]>", "&amp;", "\\", "`"]
EMOJI_MORE = EMOJI + ["🇨🇳", "🏳️‍🌈", "1️⃣", "\U0001f9d1\u200d\U0001f4bb", "\U000e0067", "\U0010fffd", "\ufffd"]
URLS = ["http://example.com/a_b?x=1", "www.leyu88.com", "a@b.cn", "https://t.co/%E4%B8%AD", "C:\\Windows\\x.txt"]

hostile_piece = st.one_of(
    piece,
    st.sampled_from(RULE_MARKS),
    st.sampled_from(ALL_INVISIBLE),
    st.sampled_from(COMBINING),
    st.sampled_from(CONTROL),
    st.sampled_from(LONE),
    st.sampled_from(EMOJI_MORE),
    st.sampled_from(URLS),
    st.text(min_size=1, max_size=3),  # any code point (no lone surrogates: hypothesis leaves them out)
)
hostile_text = st.lists(hostile_piece, max_size=60).map("".join)


@st.composite
def mutated(draw, sample: str, max_len: int = 3000):
    """A window of a sample with a few mutations: pieces deleted, duplicated, swapped, or hostile pieces
    inserted, at places the fuzzer chooses."""
    start = draw(st.integers(0, max(0, len(sample) - 1)))
    text = sample[start:start + draw(st.integers(0, max_len))]
    for _ in range(draw(st.integers(0, 6))):
        n = len(text)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 40)))
        op = draw(st.sampled_from(["insert", "delete", "duplicate", "swap", "upper"]))
        if op == "insert":
            text = text[:i] + draw(hostile_piece) + text[i:]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "swap" and j < n:
            text = text[:i] + text[j] + text[i + 1:j] + text[i] + text[j + 1:]
        else:
            text = text[:i] + text[i:j].upper() + text[j:]
    return text


@st.composite
def mutated_bytes(draw, data: bytes, max_len: int = 3000):
    """A window of a sample's bytes with byte-level damage: cut inside a character, bytes flipped,
    deleted, inserted (NUL, 0xFF, a lone continuation byte, a BOM), or the window re-encoded."""
    start = draw(st.integers(0, max(0, len(data) - 1)))
    out = bytearray(data[start:start + draw(st.integers(0, max_len))])
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(out)))
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        if op == "flip" and i < len(out):
            out[i] ^= draw(st.integers(1, 255))
        elif op == "delete":
            del out[i:i + draw(st.integers(1, 4))]
        elif op == "insert":
            out[i:i] = draw(st.sampled_from([b"\x00", b"\xff", b"\x80", b"\xef\xbb\xbf", b"\xfe\xff", b"\xe4\xb8",
                                             b"\r", "中".encode("gb18030"), b"\x1b[31m"]))
        else:
            del out[i:]
    return bytes(out)
