"""Runs pytest on the test files given as arguments; the py_test entry point.

Writes JUnit XML to $XML_OUTPUT_FILE when Bazel sets it, and exits with
pytest's code; "no tests collected" (pytest's code 5) is a failure too, so a
test target that silently loses its tests fails.

--asan-preload: the extension was built with --config=asan, but the Python
interpreter is not instrumented, so the sanitizer runtimes must be loaded
first: re-execute this script with LD_PRELOAD set to the libasan/libubsan the
extension links (found with ldd). Leak detection is turned off for the
interpreter process: CPython deliberately does not free everything at exit.
"""

import os
import subprocess
import sys


def _find_extension():
    for entry in sys.path:
        candidate = os.path.join(entry or ".", "aliasroute", "_aliasroute.so")
        if os.path.exists(candidate):
            return candidate
    raise SystemExit("pytest_main: aliasroute/_aliasroute.so is not on sys.path")


def _reexec_with_sanitizer_runtimes():
    if os.environ.get("ALIASROUTE_SANITIZER_PRELOADED") == "1":
        return
    ldd = subprocess.run(["ldd", _find_extension()], check=True, text=True,
                         stdout=subprocess.PIPE).stdout
    libs = []
    for line in ldd.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "=>" and (
                parts[0].startswith("libasan") or parts[0].startswith("libubsan")):
            libs.append(parts[2])
    if not libs:
        raise SystemExit("pytest_main: --asan-preload but the extension links "
                         "no sanitizer runtime")
    env = dict(os.environ)
    env["LD_PRELOAD"] = ":".join(libs)
    env["ALIASROUTE_SANITIZER_PRELOADED"] = "1"
    options = [o for o in env.get("ASAN_OPTIONS", "").split(":")
               if o and not o.startswith("detect_leaks=")]
    env["ASAN_OPTIONS"] = ":".join(options + ["detect_leaks=0"])
    print("pytest_main: LD_PRELOAD=%s ASAN_OPTIONS=%s" % (
        env["LD_PRELOAD"], env["ASAN_OPTIONS"]), file=sys.stderr)
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


def main(argv):
    if "--asan-preload" in argv:
        argv = [a for a in argv if a != "--asan-preload"]
        _reexec_with_sanitizer_runtimes()
    import pytest  # After the re-exec: nothing of ours is loaded before it.

    args = ["-p", "no:cacheprovider", "-v"] + argv
    xml = os.environ.get("XML_OUTPUT_FILE")
    if xml:
        args.append("--junitxml=" + xml)
    code = int(pytest.main(args))
    if code == int(pytest.ExitCode.NO_TESTS_COLLECTED):
        print("pytest_main: no tests collected; failing", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
