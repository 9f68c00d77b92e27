"""Glossaries through the command line and the config file, in a subprocess as users run them."""

import json
import subprocess

import pytest

from conftest import SEED, duet_command


def duet(*args, stdin: bytes | None = None, cwd=None):
    return subprocess.run([*duet_command(), *map(str, args)], input=stdin, capture_output=True, cwd=cwd,
                          timeout=120)


TEXT = "The Customs Work Committee met the five old men.\n".encode()
REPAIRED = "The Working Committee for Caring for the Next Generation met the five elders.\n"


def test_terms_by_name_with_a_report(tmp_path):
    r = duet("clean", "--terms", "next-generation", "--report", tmp_path / "r.jsonl", stdin=TEXT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == REPAIRED
    rep = json.loads((tmp_path / "r.jsonl").read_text(encoding="utf-8"))
    assert [(c["stage"], c["before"]) for c in rep["changes"]] == [
        ("terms", "Customs Work Committee"), ("terms", "five old men")]


def test_terms_by_path(tmp_path):
    g = tmp_path / "client.toml"
    g.write_text('[[term]]\nzh = "五老"\nen = "Five Veterans"\nvariants = ["five old men"]\n', encoding="utf-8")
    r = duet("clean", "--terms", g, stdin=TEXT)
    assert r.stdout.decode() == "The Customs Work Committee met the Five Veterans.\n"


def test_terms_from_the_config_file_relative_to_it(tmp_path):
    (tmp_path / "glossaries").mkdir()
    (tmp_path / "glossaries" / "client.toml").write_text(
        '[[term]]\nzh = "五老"\nen = "Five Veterans"\nvariants = ["five old men"]\n', encoding="utf-8")
    (tmp_path / "duet.toml").write_text('terms = ["glossaries/client.toml", "next-generation"]\n', encoding="utf-8")
    r = duet("clean", stdin=TEXT, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode() == "The Working Committee for Caring for the Next Generation met the Five Veterans.\n"
    # --config from elsewhere: the glossary path still resolves beside the config file
    r = duet("clean", "--config", tmp_path / "duet.toml", stdin=TEXT, cwd=tmp_path.parent)
    assert "Five Veterans" in r.stdout.decode(), r.stderr


@pytest.mark.parametrize("content,message", [
    ('[[term]\nzh = "x"\n', "not valid TOML"),
    ('[[term]]\nzh = "关工委"\n', "[[term]] #1 ('关工委'): missing 'en'"),
    ('[[term]]\nzh = "甲"\nen = "Alpha"\n\n[[term]]\nzh = "乙"\nen = "Beta"\nvariants = ["alpha"]\n',
     "[[term]] #2 ('乙'): variant 'alpha' is the canonical English of"),
])
def test_bad_glossary_exits_2_naming_file_and_entry(tmp_path, content, message):
    g = tmp_path / "bad.toml"
    g.write_text(content, encoding="utf-8")
    r = duet("clean", "--terms", g, stdin=TEXT)
    assert r.returncode == 2 and r.stdout == b""
    err = r.stderr.decode()
    assert str(g) in err and message in err and len(err.strip().splitlines()) == 1


def test_unknown_glossary_name_exits_2():
    r = duet("clean", "--terms", "no-such-glossary", stdin=TEXT)
    assert r.returncode == 2 and "no-such-glossary" in r.stderr.decode()


def test_seed_through_the_cli(tmp_path):
    r = duet("clean", "--terms", "next-generation", "--report", tmp_path / "r.jsonl", stdin=SEED.read_bytes())
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode()
    assert "Customs Work" not in out and "five old men" not in out
    rep = json.loads((tmp_path / "r.jsonl").read_text(encoding="utf-8"))
    assert any(c["stage"] == "terms" for c in rep["changes"])
    assert any(f["stage"] == "terms" for f in rep["flags"])
