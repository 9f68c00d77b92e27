"""duet models install/list against a tiny Argos package served on 127.0.0.1 (no test touches the internet)."""

import hashlib
import json
import shutil
import subprocess
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import duet_command
from pipeline import Pipeline
from pipeline.translation.models import InstallError, install, list_installed, resolve_model
from tiny_ct2 import build_argos, build_opus_mt


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(tmp_path):
    """A folder served over HTTP on 127.0.0.1: (folder, base URL)."""
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def argos_package(folder, path, source="zh", target="en"):
    """A .argosmodel: a zip of one folder holding the package."""
    build_argos(folder / f"translate-{source}_{target}-1_9", source, target)
    with zipfile.ZipFile(path, "w") as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(folder).as_posix())
    return path


def publish(root, base, *, checksum=None, source="zh", target="en"):
    pkg = argos_package(root.parent / f"build-{source}{target}", root / f"translate-{source}_{target}-1_9.argosmodel",
                        source, target)
    entry = {"type": "translate", "code": f"translate-{source}_{target}", "from_code": source, "to_code": target,
             "package_version": "1.9", "links": [f"{base}/{pkg.name}"]}
    if checksum is not None:
        entry["checksum"] = checksum(pkg)
    older = dict(entry, package_version="1.0", links=[f"{base}/missing.argosmodel"])
    (root / "index.json").write_text(json.dumps([older, entry]), "utf-8")
    return pkg


def test_install_from_the_index_then_list_and_use(served, monkeypatch, private_cache):
    root, base = served
    publish(root, base, checksum=lambda p: hashlib.sha256(p.read_bytes()).hexdigest())
    monkeypatch.setenv("DUET_ARGOS_INDEX", f"{base}/index.json")
    run = subprocess.run([*duet_command(), "models", "install", "zh-en"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    installed = private_cache / "models" / "zh-en"
    assert (installed / "metadata.json").is_file() and (installed / "model" / "model.bin").is_file()
    info = json.loads((installed / "duet-model.json").read_text("utf-8"))
    assert info["origin"].endswith("translate-zh_en-1_9.argosmodel") and info["layout"] == "argos"
    listing = subprocess.run([*duet_command(), "models", "list"], capture_output=True, text=True, timeout=60)
    assert listing.stdout.startswith("zh-en\targos\ttranslate-zh_en-1_9\t")
    # the installed model is found without --model
    assert resolve_model(None, "zh", "en").root == installed
    doc = Pipeline(translator="ct2", to="en").clean("今天天气很好。")
    assert doc.stats["translation"]["translated_by_origin"] == {"mt": 1}


def test_checksum_mismatch_installs_nothing(served, monkeypatch, private_cache):
    root, base = served
    publish(root, base, checksum=lambda p: "0" * 64)
    monkeypatch.setenv("DUET_ARGOS_INDEX", f"{base}/index.json")
    with pytest.raises(InstallError, match="checksum mismatch"):
        install("zh-en")
    assert list_installed() == []


def test_install_from_a_url_a_path_and_an_opus_mt_archive(served, tmp_path, private_cache):
    root, base = served
    pkg = publish(root, base, source="en", target="zh")
    install("en-zh", f"{base}/{pkg.name}")
    assert (private_cache / "models" / "en-zh" / "sentencepiece.model").is_file()
    # a converted OPUS-MT folder packed as a tar archive, from a path; it replaces nothing else
    opus = build_opus_mt(tmp_path / "opus", "zh", "en")
    archive = shutil.make_archive(str(tmp_path / "opus-mt-zh-en"), "gztar", opus)
    installed = install("zh-en", archive)
    assert installed.layout == "opus-mt"
    assert sorted(m.direction for m in list_installed()) == ["en-zh", "zh-en"]
    assert resolve_model(None, "zh", "en").source == "zh"  # the installer recorded the direction


def test_wrong_direction_and_hostile_archives_are_refused(served, tmp_path, private_cache):
    root, base = served
    pkg = publish(root, base, source="zh", target="en")
    with pytest.raises(InstallError, match="translates zh-en, not en-zh"):
        install("en-zh", str(pkg))
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../outside.txt", "x")
    with pytest.raises(InstallError, match="outside the model folder"):
        install("zh-en", str(evil))
    assert not (private_cache / "outside.txt").exists()
    with pytest.raises(InstallError, match="HTTP 404"):
        install("zh-en", f"{base}/nothing.argosmodel")
    run = subprocess.run([*duet_command(), "models", "install", "fr-en"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "direction must be one of zh-en, en-zh" in run.stderr
