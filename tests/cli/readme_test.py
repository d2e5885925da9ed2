"""Checks that README.md is true: every command and code sample in it runs and
prints what the README shows.

- Code blocks preceded by `<!-- include: PATH -->` must equal the file PATH.
- Text blocks preceded by `<!-- output of: CMD -->` must equal what CMD prints
  (`aliasroute ...` and `examples/embed_router` run here; the Python example
  runs in //tests/cli:python_example_test against the binding).
- Every ```console block holds one `$ COMMAND` line and its output; the
  command runs under bash with `aliasroute` on PATH, in a scratch directory
  that has the repository's examples/ and tests/ (as the runfiles hold them),
  and must print exactly the rest of the block.
- The quick start is exactly the two commands the project promises, and the
  README names every public header.

Run: bazel test //tests/cli:readme_test
"""

import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import pytest

ROOT = os.path.join(os.environ.get("TEST_SRCDIR", ""), "aliasroute")
BIN_DIR = os.path.join(ROOT, "tools")

QUICK_START = [
    "bash tools/setup.sh && bazel run //tools:aliasroute -- simulate",
    "bash tools/setup.sh && bazel test //...",
]
PUBLIC_HEADERS = [
    "lib/router.h", "lib/registry.h", "lib/deployment.h", "lib/schedule.h",
    "lib/aws_json.h", "lib/arn.h", "lib/weights.h", "lib/layout.h",
    "lib/errors.h", "lib/c/aliasroute.h",
]


def read(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def blocks():
    """(marker or None, language, body, section heading) for each fenced block."""
    out = []
    lines = read("README.md").split("\n")
    marker, section, i = None, "", 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section = line[3:].strip()
        m = re.match(r"<!-- (include|output of): (.+?) -->$", line)
        if m:
            marker = (m.group(1), m.group(2))
        elif line.startswith("```"):
            lang = line[3:].strip()
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            out.append((marker, lang, "\n".join(lines[i + 1:j]) + "\n", section))
            marker, i = None, j
        elif line.strip():
            marker = None
        i += 1
    return out


def test_quick_start_is_exactly_the_two_commands():
    sh = [b for _, lang, b, sec in blocks() if sec == "Quick start" and lang == "sh"]
    assert [b.strip() for b in sh] == QUICK_START


@pytest.mark.parametrize("path", ["examples/embed_router.cc",
                                  "examples/python_example.py"])
def test_included_files_equal_the_readme(path):
    got = [b for m, _, b, _ in blocks() if m == ("include", path)]
    assert got == [read(path)]


def output_block(command):
    got = [b for m, _, b, _ in blocks() if m == ("output of", command)]
    assert len(got) == 1, command
    return got[0]


def test_demo_output():
    # `bazel run //tools:aliasroute -- simulate` runs this binary with these
    # arguments.
    p = subprocess.run([os.path.join(BIN_DIR, "aliasroute"), "simulate"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert p.stdout == output_block("aliasroute simulate")


def test_embed_router_example_runs():
    p = subprocess.run([os.path.join(ROOT, "examples", "embed_router")],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout == output_block("examples/embed_router")


def console_blocks():
    out = []
    for _, lang, body, _ in blocks():
        if lang != "console":
            continue
        first, _, rest = body.partition("\n")
        assert first.startswith("$ "), first
        out.append((first[2:], rest))
    return out


def test_readme_shows_the_cli():
    commands = [c for c, _ in console_blocks()]
    for sub in ("plan", "simulate", "route", "validate"):
        assert any(c.startswith(f"aliasroute {sub} ") or f"| aliasroute {sub} " in c
                   for c in commands), sub


@pytest.mark.parametrize("command,output", console_blocks())
def test_console_block(command, output):
    with tempfile.TemporaryDirectory() as d:
        for sub in ("examples", "tests"):
            os.symlink(os.path.join(ROOT, sub), os.path.join(d, sub))
        env = dict(os.environ, PATH=BIN_DIR + os.pathsep + os.environ["PATH"])
        env.pop("BUILD_WORKING_DIRECTORY", None)
        p = subprocess.run(["bash", "-c", command], cwd=d, env=env,
                           capture_output=True, text=True, timeout=300)
        assert p.stdout == output, p.stderr
        assert p.stderr == ""
        # Files the command says it writes exist and are what they claim.
        for svg in re.findall(r"--svg (\S+)", command):
            ET.parse(os.path.join(d, svg))


def test_readme_names_every_public_header_once_per_line():
    text = read("README.md")
    for h in PUBLIC_HEADERS:
        assert re.search(rf"^- `{re.escape(h)}`: .+$", text, re.M), h


def test_readme_keeps_the_performance_section():
    assert re.search(r"^## Performance$", read("README.md"), re.M)


if __name__ == "__main__":
    xml = os.environ.get("XML_OUTPUT_FILE")
    argv = [__file__, "-q", "-p", "no:cacheprovider"]
    if xml:
        argv.append("--junitxml=" + xml)
    sys.exit(pytest.main(argv))
