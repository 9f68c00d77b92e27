"""The command line, through a subprocess, as users and CI run it."""

import json
import subprocess

import pytest

from conftest import SEED, duet_command
from pipeline.document import replay


def duet(*args, stdin: bytes | None = None, cwd=None):
    return subprocess.run([*duet_command(), *map(str, args)], input=stdin, capture_output=True, cwd=cwd,
                          timeout=120)


@pytest.fixture
def corpus(tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("中文,测试\u200b。\r\n", encoding="utf-8")
    (src / "sub" / "b.md").write_text("English text  \n", encoding="utf-8")
    (src / "sub" / "gb.txt").write_bytes("关心下一代工作。\n".encode("gb18030"))
    (src / "ignored.json").write_text("{}", encoding="utf-8")
    return src


def test_stdin_to_stdout_with_report(tmp_path):
    report = tmp_path / "r.jsonl"
    data = SEED.read_bytes()
    r = duet("clean", "--report", report, stdin=data)
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode("utf-8")
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert rep["input"] == "-"
    assert replay(data.decode("utf-8"), rep["changes"]) == out
    assert rep["segments"][0]["start"] == 0 and rep["segments"][-1]["end"] == len(out)
    again = duet("clean", "--report", tmp_path / "r2.jsonl", stdin=r.stdout)
    assert again.stdout == r.stdout
    assert json.loads((tmp_path / "r2.jsonl").read_text(encoding="utf-8"))["changes"] == []
    assert r.stderr == b""


def test_folder_to_output_folder(corpus, tmp_path):
    out = tmp_path / "out"
    r = duet("clean", corpus, "-o", out, "--report", tmp_path / "r.jsonl")
    assert r.returncode == 0, r.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
                     and ".duet" not in p.parts)  # the manifest of incremental runs (test_batch.py)
    assert written == ["a.txt", "sub/b.md", "sub/gb.txt"]
    assert (out / "a.txt").read_text(encoding="utf-8") == "中文，测试。\n"  # the comma ends a Chinese clause
    assert (out / "sub" / "gb.txt").read_text(encoding="utf-8") == "关心下一代工作。\n"
    assert len((tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    assert (corpus / "a.txt").read_bytes() == "中文,测试\u200b。\r\n".encode()  # input untouched


def test_one_binary_file_fails_the_others_are_written(corpus, tmp_path):
    (corpus / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    out = tmp_path / "out"
    r = duet("clean", corpus, "-o", out)
    assert r.returncode == 3
    err = r.stderr.decode()
    assert "broken.txt" in err and "binary" in err
    assert len([line for line in err.splitlines() if "broken.txt" in line]) == 1
    assert "3 cleaned, 1 failed" in err  # the summary
    assert (out / "a.txt").exists() and (out / "sub" / "gb.txt").exists()
    assert not (out / "broken.txt").exists()


def test_big5_and_gb18030_inputs(tmp_path):
    text = "香港特別行政區政府新聞公報：關心下一代工作。\n"
    for enc in ("big5", "gb18030"):
        f = tmp_path / f"{enc}.txt"
        f.write_bytes(text.encode(enc))
        r = duet("clean", f)
        assert r.returncode == 0 and r.stdout.decode("utf-8") == text


def test_empty_file(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"")
    r = duet("clean", f, "--report", tmp_path / "r.jsonl")
    assert r.returncode == 0 and r.stdout == b""
    rep = json.loads((tmp_path / "r.jsonl").read_text())
    assert rep["changes"] == [] and rep["segments"] == []


def test_missing_file_is_named(tmp_path):
    r = duet("clean", tmp_path / "nope.txt")
    assert r.returncode == 3
    assert "nope.txt" in r.stderr.decode()


def test_several_inputs_without_output_folder_is_a_usage_error(corpus):
    r = duet("clean", corpus / "a.txt", corpus / "sub" / "b.md")
    assert r.returncode == 2
    assert "-o" in r.stderr.decode()


def test_unknown_stage_is_a_usage_error():
    r = duet("clean", "--disable", "nonsense", stdin=b"x")
    assert r.returncode == 2 and "nonsense" in r.stderr.decode()


def test_disable_a_stage_by_name():
    r = duet("clean", "--disable", "invisible", stdin="a\u200bb\n".encode())
    assert r.stdout.decode() == "a\u200bb\n"


def test_config_file_switches_a_stage_off(tmp_path):
    (tmp_path / "duet.toml").write_text('disable = ["invisible"]\n', encoding="utf-8")
    r = duet("clean", stdin="a\u200bb\n".encode(), cwd=tmp_path)
    assert r.stdout.decode() == "a\u200bb\n"
    r = duet("clean", "--no-config", stdin="a\u200bb\n".encode(), cwd=tmp_path)
    assert r.stdout.decode() == "ab\n"


def test_bad_config_file_names_the_file(tmp_path):
    (tmp_path / "duet.toml").write_text('spam = "explode"\n', encoding="utf-8")
    r = duet("clean", stdin=b"x", cwd=tmp_path)
    assert r.returncode == 2
    assert "duet.toml" in r.stderr.decode() and "spam" in r.stderr.decode()


def test_check_lists_findings_with_their_place(corpus):
    r = duet("check", corpus / "a.txt")
    assert r.returncode == 1
    lines = r.stdout.decode().splitlines()
    assert any(line.startswith(f"{corpus / 'a.txt'}:1:6: zero-width: ") for line in lines)
    assert any(":1:3: punct-width:" in line for line in lines)
    assert any(":1:8: line-end:" in line for line in lines)


def test_check_clean_file_exits_0(tmp_path):
    f = tmp_path / "clean.txt"
    f.write_text("已经干净的文本。\n", encoding="utf-8")
    r = duet("check", f)
    assert r.returncode == 0 and r.stdout == b""


def test_in_place_rewrites_only_when_asked(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("a\u200bb\n", encoding="utf-8")
    duet("clean", f, "-o", tmp_path / "out")
    assert f.read_text(encoding="utf-8") == "a\u200bb\n"
    r = duet("clean", "--in-place", f)
    assert r.returncode == 0
    assert f.read_text(encoding="utf-8") == "ab\n"


def test_the_command_line_ends_without_tearing_python_down_but_like_sys_exit(tmp_path):
    """``cli.main`` leaves with ``os._exit`` (freeing every object costs about 30 ms a run): the exit code,
    standard output through a pipe and the exit handlers are as ``sys.exit`` leaves them."""
    import sys

    big = tmp_path / "big.txt"
    big.write_bytes(SEED.read_bytes() * 30)  # more than a pipe holds
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('exit handlers ran', file=sys.stderr))\n"
        "class Freed:\n"
        "    def __del__(self):\n"
        "        print('torn down', file=sys.stderr)\n"
        "kept = Freed()  # freed when Python tears itself down\n"
        "from pipeline.cli import main\n"
        "sys.argv = ['duet'] + sys.argv[1:]\n"
        "main()\n"
        "print('not reached')\n")
    whole = subprocess.run([sys.executable, "-c", script, "clean", str(big)], capture_output=True, timeout=120)
    assert whole.returncode == 0 and b"not reached" not in whole.stdout
    assert whole.stdout == duet("clean", big).stdout and len(whole.stdout) > len(SEED.read_bytes()) * 25
    assert whole.stderr.decode().endswith("exit handlers ran\n")  # and not "torn down"
    bad = subprocess.run([sys.executable, "-c", script, "clean", str(tmp_path / "missing.txt")], capture_output=True,
                         timeout=120)
    assert bad.returncode == 3 and b"missing.txt" in bad.stderr and b"exit handlers ran" in bad.stderr
    usage = subprocess.run([sys.executable, "-c", script, "clean", "--no-such-option"], capture_output=True,
                           timeout=120)
    assert usage.returncode == 2

    message = subprocess.run([sys.executable, "-c", "from pipeline.cli import exit_without_teardown\n"
                              "exit_without_teardown('a message')"], capture_output=True, timeout=60)
    assert message.returncode == 1 and message.stderr == b"a message\n"


def test_a_plain_text_run_does_not_import_the_builders_of_the_other_formats(tmp_path):
    """pipeline/bilingual.py and lxml (about 10 ms of a start) are imported by the runs that write their
    formats."""
    import sys

    script = ("import atexit, sys\n"
              "atexit.register(lambda: print(sorted(m for m in sys.modules if m.split('.')[0] == 'lxml'\n"
              "                                     or m == 'pipeline.bilingual')))\n"
              "from pipeline.cli import main\n"
              "sys.argv = ['duet'] + sys.argv[1:]\n"
              "main()\n")

    def imported(*args):
        r = subprocess.run([sys.executable, "-c", script, "clean", *map(str, args)], capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        return r.stdout.splitlines()[-1]

    assert imported(SEED, "-o", tmp_path / "text") == "[]"
    assert "'pipeline.bilingual'" in imported(SEED, "-o", tmp_path / "tmx", "--format", "tmx")
    assert '<tmx version="1.4">' in (tmp_path / "tmx" / "gov-report-2023.tmx").read_text(encoding="utf-8")
