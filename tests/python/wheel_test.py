"""The in-tree PEP 517 backend writes a valid wheel from the built package tree
(without running Bazel), and the unpacked wheel imports and routes."""

import base64
import csv
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import aliasroute
import aliasroute_build_backend as backend

PKG = Path("bindings/python/pkg")


def build(tmp_path):
    name = backend.write_wheel(PKG, tmp_path)
    return tmp_path / name


def test_wheel_name_and_tag(tmp_path):
    wheel = build(tmp_path)
    assert wheel.name == "aliasroute-%s-%s.whl" % (aliasroute.__version__,
                                                    backend.wheel_tag())
    assert backend.wheel_tag().startswith("cp311-cp311-")


def test_wheel_contents_and_record(tmp_path):
    with zipfile.ZipFile(build(tmp_path)) as zf:
        names = set(zf.namelist())
        dist = "aliasroute-%s.dist-info" % aliasroute.__version__
        for required in ["aliasroute/__init__.py", "aliasroute/_aliasroute.so",
                         "aliasroute/_aliasroute.pyi", "aliasroute/py.typed",
                         "aliasroute/proto/__init__.py",
                         "aliasroute/proto/registry_pb2.py",
                         "aliasroute/proto/deployment_pb2.py",
                         dist + "/METADATA", dist + "/WHEEL", dist + "/RECORD"]:
            assert required in names
        metadata = zf.read(dist + "/METADATA").decode()
        assert "Name: aliasroute" in metadata
        assert "Version: %s" % aliasroute.__version__ in metadata
        assert 'Requires-Dist: protobuf>=3.19; extra == "proto"' in metadata
        wheel = zf.read(dist + "/WHEEL").decode()
        assert "Root-Is-Purelib: false" in wheel
        assert "Tag: %s" % backend.wheel_tag() in wheel
        # RECORD lists every file with its sha256 and size, itself without.
        rows = list(csv.reader(io.StringIO(zf.read(dist + "/RECORD").decode())))
        recorded = {r[0] for r in rows}
        assert recorded == names
        for path, digest, size in rows:
            if path == dist + "/RECORD":
                assert (digest, size) == ("", "")
                continue
            data = zf.read(path)
            expected = base64.urlsafe_b64encode(
                hashlib.sha256(data).digest()).rstrip(b"=").decode()
            assert digest == "sha256=" + expected
            assert int(size) == len(data)
        assert not any("__pycache__" in n for n in names)


def test_wheel_is_reproducible(tmp_path):
    a = build(tmp_path / "a").read_bytes()
    b = build(tmp_path / "b").read_bytes()
    assert a == b


def test_unpacked_wheel_imports_and_routes(tmp_path):
    wheel = build(tmp_path)
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(site)
    code = (
        "import aliasroute, aliasroute.proto.registry_pb2 as r\n"
        "assert aliasroute.__file__.startswith(%r)\n"
        "print(aliasroute.sticky_point(42, b'ab'))\n" % str(site))
    env = dict(os.environ, PYTHONPATH=str(site))
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         text=True, stdout=subprocess.PIPE, cwd=tmp_path).stdout
    assert int(out) == aliasroute.sticky_point(42, b"ab")


def test_versions_agree():
    import tomllib
    with open(Path(backend.__file__).parent / "pyproject.toml", "rb") as f:
        assert tomllib.load(f)["project"]["version"] == aliasroute.__version__


def test_pep517_hooks_need_nothing(tmp_path):
    assert backend.get_requires_for_build_wheel() == []
    assert backend.get_requires_for_build_sdist() == []
    dist = backend.prepare_metadata_for_build_wheel(str(tmp_path))
    assert (tmp_path / dist / "METADATA").exists()


def test_incomplete_tree_is_refused(tmp_path):
    (tmp_path / "aliasroute").mkdir()
    (tmp_path / "aliasroute" / "__init__.py").write_text("")
    try:
        backend.write_wheel(tmp_path, tmp_path / "out")
    except RuntimeError as e:
        assert "_aliasroute.so" in str(e)
    else:
        raise AssertionError("a tree without the extension was accepted")
