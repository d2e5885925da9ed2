"""An in-tree PEP 517 build backend for the aliasroute Python package.

`pip install ./bindings/python` runs build_wheel() here (pyproject.toml names
this module with backend-path = ["."] and requires nothing, so it works
offline and with interpreters that have neither setuptools' bdist_wheel nor
the `wheel` package). build_wheel:

  1. runs `bazel build --config=opt //bindings/python:pkg` from the
     repository root, which assembles the complete package tree
     bazel-bin/bindings/python/pkg/aliasroute/ (sources, stubs, generated
     _pb2 modules, the _aliasroute.so extension);
  2. zips that tree into a wheel (PEP 427): the files, then
     aliasroute-<version>.dist-info/{METADATA, WHEEL, top_level.txt, RECORD}.

write_wheel() does step 2 alone, for a tree that is already built (tests use
it without running Bazel). The extension is compiled against Python 3.11's
headers, so the wheel is tagged cp311-cp311-<platform> and building it from
another interpreter version is refused.

Environment: BAZEL (the bazel binary), ALIASROUTE_BAZEL_STARTUP_OPTIONS (e.g.
"--output_base=..."), ALIASROUTE_BAZEL_BUILD_OPTIONS (extra build flags).
"""

import base64
import hashlib
import os
import shlex
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parent.parent
_PACKAGE = "aliasroute"
_PYTHON = (3, 11)  # The headers the extension is built against.
# Wheels are reproducible: every entry gets this timestamp.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _project(pyproject=None):
    path = Path(pyproject) if pyproject else _HERE / "pyproject.toml"
    with open(path, "rb") as f:
        return tomllib.load(f)["project"]


def wheel_tag():
    """The wheel tag for this interpreter and platform, e.g. cp311-cp311-linux_x86_64."""
    py = "cp%d%d" % sys.version_info[:2]
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return "%s-%s-%s" % (py, py, platform)


def _metadata(project):
    lines = [
        "Metadata-Version: 2.1",
        "Name: %s" % project["name"],
        "Version: %s" % project["version"],
        "Summary: %s" % project.get("description", ""),
    ]
    if "requires-python" in project:
        lines.append("Requires-Python: %s" % project["requires-python"])
    for extra, reqs in sorted(project.get("optional-dependencies", {}).items()):
        lines.append("Provides-Extra: %s" % extra)
        for req in reqs:
            lines.append('Requires-Dist: %s; extra == "%s"' % (req, extra))
    body = ""
    readme = _HERE / "README.md"
    if readme.exists():
        lines.append("Description-Content-Type: text/markdown")
        body = "\n" + readme.read_text(encoding="utf-8")
    return "\n".join(lines) + "\n" + body


def _wheel_file(tag):
    return "\n".join([
        "Wheel-Version: 1.0",
        "Generator: aliasroute_build_backend",
        "Root-Is-Purelib: false",
        "Tag: %s" % tag,
    ]) + "\n"


def _dist_info_files(project, tag):
    return {
        "METADATA": _metadata(project).encode("utf-8"),
        "WHEEL": _wheel_file(tag).encode("utf-8"),
        "top_level.txt": (_PACKAGE + "\n").encode("utf-8"),
    }


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "%s,sha256=%s,%d" % (name, digest.decode("ascii"), len(data))


def _package_files(pkg_dir):
    """(archive name, path) of every file of pkg_dir/aliasroute, sorted."""
    root = Path(pkg_dir) / _PACKAGE
    if not (root / "__init__.py").exists():
        raise RuntimeError("%s is not a built aliasroute package tree" % root)
    if not (root / "_aliasroute.so").exists():
        raise RuntimeError("%s has no _aliasroute.so" % root)
    out = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".pyc"):
                continue
            path = Path(dirpath) / name
            out.append((path.relative_to(pkg_dir).as_posix(), path))
    return sorted(out)


def write_wheel(pkg_dir, wheel_directory, pyproject=None, tag=None):
    """Zips the built tree pkg_dir/aliasroute into a wheel in wheel_directory.

    Returns the wheel's file name. Needs no Bazel: pkg_dir is what
    `bazel build //bindings/python:pkg` produced (bazel-bin/bindings/python/pkg).
    """
    project = _project(pyproject)
    tag = tag or wheel_tag()
    name = "%s-%s" % (project["name"], project["version"])
    dist_info = name + ".dist-info"
    wheel_name = "%s-%s.whl" % (name, tag)
    records = []
    os.makedirs(wheel_directory, exist_ok=True)
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w",
                         compression=zipfile.ZIP_DEFLATED) as zf:
        def add(arcname, data, executable=False):
            info = zipfile.ZipInfo(arcname, date_time=_ZIP_TIME)
            info.external_attr = ((0o755 if executable else 0o644) | 0o100000) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
            records.append(_record_line(arcname, data))

        for arcname, path in _package_files(pkg_dir):
            add(arcname, path.read_bytes(), executable=arcname.endswith(".so"))
        for fname, data in _dist_info_files(project, tag).items():
            add("%s/%s" % (dist_info, fname), data)
        record_name = dist_info + "/RECORD"
        records.append(record_name + ",,")
        info = zipfile.ZipInfo(record_name, date_time=_ZIP_TIME)
        info.external_attr = (0o644 | 0o100000) << 16
        zf.writestr(info, "\n".join(records) + "\n")
    return wheel_name


def _check_python():
    if sys.version_info[:2] != _PYTHON:
        raise RuntimeError(
            "aliasroute's extension is built against Python %d.%d headers; "
            "this is Python %d.%d" % (_PYTHON + sys.version_info[:2]))


def _bazel(*args, capture=False):
    bazel = os.environ.get("BAZEL", "bazel")
    startup = shlex.split(os.environ.get("ALIASROUTE_BAZEL_STARTUP_OPTIONS", ""))
    flags = ["--config=opt", "--symlink_prefix=/"] + shlex.split(
        os.environ.get("ALIASROUTE_BAZEL_BUILD_OPTIONS", ""))
    cmd = [bazel] + startup + [args[0]] + flags + list(args[1:])
    print("aliasroute_build_backend: " + " ".join(shlex.quote(c) for c in cmd),
          file=sys.stderr)
    result = subprocess.run(cmd, cwd=_ROOT, check=True, text=True,
                            stdout=subprocess.PIPE if capture else sys.stderr)
    return result.stdout.strip() if capture else None


def build_package_tree():
    """Runs Bazel; returns the path of the built package tree."""
    _check_python()
    if not (_ROOT / "WORKSPACE").exists():
        raise RuntimeError("%s is not the aliasroute repository root" % _ROOT)
    _bazel("build", "//bindings/python:pkg")
    return Path(_bazel("info", "bazel-bin", capture=True)) / "bindings" / "python" / "pkg"


# ---- PEP 517 hooks -------------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    project = _project()
    dist_info = "%s-%s.dist-info" % (project["name"], project["version"])
    path = Path(metadata_directory) / dist_info
    path.mkdir(parents=True, exist_ok=True)
    for fname, data in _dist_info_files(project, wheel_tag()).items():
        (path / fname).write_bytes(data)
    return dist_info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return write_wheel(build_package_tree(), wheel_directory)


def build_sdist(sdist_directory, config_settings=None):
    raise RuntimeError(
        "aliasroute has no sdist: the extension builds with Bazel from the "
        "whole repository; run `pip install ./bindings/python` in a checkout")
