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
        "警方破获", "-九游会真人官网"]

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
