"""The document model: edits, the change log and the spans that move with the text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.document import Document, Edit, Segment, replay


def test_apply_records_changes_left_to_right_with_shifted_offsets():
    doc = Document("ab,cd,ef")
    n = doc.apply("t", [Edit(5, 6, "，", "w"), Edit(2, 3, ", ", "w")])
    assert n == 2
    assert doc.text == "ab, cd，ef"
    assert [(c.start, c.end, c.before, c.after) for c in doc.changes] == [(2, 3, ",", ", "), (6, 7, ",", "，")]
    assert replay("ab,cd,ef", doc.changes) == doc.text


def test_no_op_edits_are_not_recorded():
    doc = Document("abc")
    assert doc.apply("t", [Edit(0, 1, "a", "same")]) == 0
    assert doc.changes == [] and doc.batches == []


def test_overlapping_edits_are_a_bug():
    doc = Document("abcdef")
    with pytest.raises(ValueError):
        doc.apply("t", [Edit(0, 3, "", "x"), Edit(2, 4, "", "y")])


def test_protected_ranges_are_never_edited():
    doc = Document("see http://a.com/x,y here,now")
    doc.protect([(4, 20)])
    doc.apply("t", [Edit(18, 19, ", ", "comma"), Edit(25, 26, ", ", "comma")])
    assert doc.text == "see http://a.com/x,y here, now"
    assert doc.protected == [(4, 20)]


def test_flags_and_segments_follow_the_edits():
    doc = Document("中文English")
    doc.segments = [Segment(0, 2, "zh"), Segment(2, 9, "en")]
    doc.flag("t", "f", 2, 9, "look")
    doc.apply("t", [Edit(2, 2, " ", "space")])
    assert doc.text == "中文 English"
    assert [(s.start, s.end, s.lang) for s in doc.segments] == [(0, 3, "zh"), (3, 10, "en")]
    assert (doc.flags[0].start, doc.flags[0].end) == (3, 10)


def test_segment_removed_entirely_disappears():
    doc = Document("ab中文cd")
    doc.segments = [Segment(0, 2, "en"), Segment(2, 4, "zh"), Segment(4, 6, "en")]
    doc.apply("t", [Edit(2, 4, "", "spam")])
    assert [(s.start, s.end, s.lang) for s in doc.segments] == [(0, 4, "en")]


def test_replay_rejects_a_log_that_does_not_match():
    with pytest.raises(ValueError):
        replay("abc", [{"stage": "t", "rule": "r", "start": 0, "end": 1, "before": "x", "after": ""}])


@st.composite
def text_and_batches(draw):
    text = draw(st.text(alphabet="ab中文 ,。\n", max_size=30))
    batches = []
    length = len(text)
    for _ in range(draw(st.integers(0, 4))):
        cuts = sorted(draw(st.lists(st.integers(0, length), max_size=8)))
        edits, pos = [], 0
        for a, b in zip(cuts[::2], cuts[1::2]):
            if a < pos:
                continue
            after = draw(st.text(alphabet="xy，", max_size=3))
            edits.append((a, b, after))
            pos = b if b > a else b + 1
        edits = [e for e in edits if e[1] <= length]
        batches.append(edits)
        length += sum(len(e[2]) - (e[1] - e[0]) for e in edits)
    return text, batches


def _apply_to_boundaries(bounds, c):
    """Input offset of every boundary of the text after change ``c`` (inside an insertion: its start)."""
    s, e, n = c.start, c.end, len(c.after)
    return bounds[: s + 1] + [bounds[s]] * (n - 1) + ([bounds[e]] if n else []) + bounds[e + 1 :]


@given(text_and_batches())
def test_any_batches_replay_and_map_back_to_the_input(case):
    text, batches = case
    doc = Document(text)
    for edits in batches:
        doc.apply("t", [Edit(a, b, after, "r") for a, b, after in edits])
    assert replay(text, doc.changes) == doc.text
    # Follow every boundary through the log by brute force and compare with the mapping.
    left = right = list(range(len(text) + 1))
    for i, c in enumerate(doc.changes):
        assert doc.change_input_offset(i) in (left[c.start], right[c.start])
        left = _apply_to_boundaries(left, c)
        # A deletion leaves one boundary where two were: the right-hand reading keeps the later one.
        right = right[: c.start] + _apply_to_boundaries(right, c)[c.start :] if c.after else \
            right[: c.start] + right[c.end :]
    for pos in range(len(doc.text) + 1):
        assert doc.to_input_offset(pos) in (left[pos], right[pos])


@given(text_and_batches())
def test_segments_stay_a_partition(case):
    text, batches = case
    doc = Document(text)
    if text:
        mid = len(text) // 2
        doc.segments = [Segment(0, mid, "zh"), Segment(mid, len(text), "en")] if mid else [Segment(0, len(text), "en")]
    for edits in batches:
        doc.apply("t", [Edit(a, b, after, "r") for a, b, after in edits])
    pos = 0
    for s in doc.segments:
        assert s.start == pos and s.end > s.start
        pos = s.end
    assert pos == (len(doc.text) if doc.segments else 0)


# -- stitching the runs of pieces ----------------------------------------------------------------------

from pipeline.document import append_runs, merge_runs  # noqa: E402

_run = st.tuples(st.integers(0, 4), st.integers(0, 4), st.sampled_from(["zh", "en", "other"]))


def _partition(lengths_langs):
    """Runs one after the other (some empty), as a piece's runs are."""
    runs, pos = [], 0
    for length, _, lang in lengths_langs:
        runs.append((pos, pos + length, lang))
        pos += length
    return runs


def _plain_merge(runs):
    """Adjacent runs of one language joined, empty ones dropped, written plainly (what ``merge_runs`` and
    ``append_runs`` must give)."""
    out = []
    for s, e, lang in runs:
        if e <= s:
            continue
        if out and out[-1].lang == lang and out[-1].end == s:
            out[-1] = Segment(out[-1].start, e, lang)
        else:
            out.append(Segment(s, e, lang))
    return out


@given(st.lists(st.tuples(st.integers(0, 6), st.lists(_run, max_size=6), st.booleans()), max_size=5))
def test_append_runs_is_merge_runs(pieces):
    """Pieces of runs (each a partition of its piece, or any runs at all), each moved by a shift."""
    shifted, out = [], []
    for shift, runs, partition in pieces:
        runs = _partition(runs) if partition else [(s, s + e, lang) for s, e, lang in runs]
        shifted += [(s + shift, e + shift, lang) for s, e, lang in runs]
        append_runs(out, [Segment(*r) for r in runs], shift)
    assert out == merge_runs(shifted) == _plain_merge(shifted)


# -- moving the runs through a batch: one loop against the two first written ---------------------------

from pipeline.document import PositionMap, remap_partition  # noqa: E402


def plain_remap_partition(segments, mapper, length):
    starts, ends, new_starts, new_ends = mapper.starts, mapper.ends, mapper.new_starts, mapper.new_ends
    n = len(ends)
    i = shift = 0
    bounds = [0]
    for seg in segments[1:]:
        p = seg.start
        while i < n and ends[i] <= p:
            shift = new_ends[i] - ends[i]
            i += 1
        bounds.append(new_starts[i] if i < n and starts[i] < p else p + shift)
    bounds.append(length)
    out = []
    for k, seg in enumerate(segments):
        s, e = bounds[k], bounds[k + 1]
        if e <= s:
            continue
        if out and out[-1].lang == seg.lang:
            out[-1].end = e
        else:
            seg.start, seg.end = s, e
            out.append(seg)
    return out


@given(text_and_batches(), st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["zh", "en", "other"])), max_size=8),
       st.booleans())
def test_remap_partition_is_the_two_loops(case, runs, partition):
    """Runs that cover the text (some empty, neighbours of one language) or any runs at all, through each
    batch of edits."""
    text, batches = case
    if partition:
        bounds = sorted({0, len(text), *(min(n * 4, len(text)) for n, _ in runs)})
        cover = [(a, b) for a, b in zip(bounds, bounds[1:])] or [(0, 0)]
        segs = [(a, b, lang) for (a, b), (_, lang) in zip(cover, runs + [(0, "en")] * len(cover))]
    else:
        segs = [(n * 3, n * 3 + 2, lang) for n, lang in runs]
    length = len(text)
    for edits in batches:
        mapper = PositionMap([Edit(a, b, after, "r") for a, b, after in edits])
        length += sum(len(after) - (b - a) for a, b, after in edits)
        want = plain_remap_partition([Segment(*s) for s in segs], mapper, length)
        got = remap_partition([Segment(*s) for s in segs], mapper, length)
        assert got == want
        segs = [(s.start, s.end, s.lang) for s in want]
