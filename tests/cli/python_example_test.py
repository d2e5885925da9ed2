"""Runs examples/python_example.py (the README's Python example) against the
Python binding (//bindings/python:aliasroute) and checks that it prints what
the README shows under its
`<!-- output of: /usr/bin/python3 examples/python_example.py -->` marker.

Run: bazel test //tests/cli:python_example_test
"""

import contextlib
import io
import os
import re
import runpy
import subprocess
import sys

import pytest

ROOT = os.path.join(os.environ.get("TEST_SRCDIR", ""), "aliasroute")


def readme_output():
    with open(os.path.join(ROOT, "README.md")) as f:
        text = f.read()
    m = re.search(r"<!-- output of: /usr/bin/python3 examples/python_example\.py -->\n"
                  r"```text\n(.*?)```", text, re.S)
    assert m, "README has no output block for the Python example"
    return m.group(1)


def test_python_example_prints_the_readme_output():
    out = io.StringIO()
    old_argv, old_cwd = sys.argv, os.getcwd()
    sys.argv = ["python_example.py"]
    os.chdir(ROOT)
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(os.path.join(ROOT, "examples", "python_example.py"),
                           run_name="__main__")
    finally:
        sys.argv = old_argv
        os.chdir(old_cwd)
    assert out.getvalue() == readme_output()


def _preload_sanitizers():
    """Under --config=asan the extension links libasan/libubsan but the
    interpreter does not: run this file again with them preloaded (leak
    checks off: CPython does not free everything at exit)."""
    if os.environ.get("ALIASROUTE_EXAMPLE_PRELOADED") == "1":
        return
    ext = next((os.path.join(p, "aliasroute", "_aliasroute.so") for p in sys.path
                if os.path.exists(os.path.join(p or ".", "aliasroute",
                                               "_aliasroute.so"))), None)
    if ext is None:
        sys.exit("python_example_test: aliasroute/_aliasroute.so not on sys.path")
    ldd = subprocess.run(["ldd", ext], check=True, capture_output=True,
                         text=True).stdout
    libs = [l.split()[2] for l in ldd.splitlines()
            if len(l.split()) >= 3 and l.split()[0].startswith(("libasan", "libubsan"))]
    if not libs:
        return  # Not an instrumented build after all.
    env = dict(os.environ, LD_PRELOAD=":".join(libs),
               ALIASROUTE_EXAMPLE_PRELOADED="1")
    opts = [o for o in env.get("ASAN_OPTIONS", "").split(":")
            if o and not o.startswith("detect_leaks=")]
    env["ASAN_OPTIONS"] = ":".join(opts + ["detect_leaks=0"])
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


if __name__ == "__main__":
    if "--asan-preload" in sys.argv:
        sys.argv.remove("--asan-preload")
        _preload_sanitizers()
    xml = os.environ.get("XML_OUTPUT_FILE")
    argv = [__file__, "-q", "-p", "no:cacheprovider"]
    if xml:
        argv.append("--junitxml=" + xml)
    sys.exit(pytest.main(argv))
