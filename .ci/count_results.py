#!/usr/bin/env python3
"""Counts test cases in the JUnit XML files Bazel leaves under the given dirs.

Usage: count_results.py DIR [DIR ...]
Prints one line per phase and a final `N passed, N failed` line. A test target
whose XML has no test cases (e.g. a crash before the runner wrote anything)
counts as one failed or passed case according to its own status.
"""
import os
import sys
import xml.etree.ElementTree as ET


def count_file(path):
    passed = failed = skipped = 0
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return 0, 1, 0
    cases = list(root.iter("testcase"))
    if not cases:
        # Bazel's own summary file for a test that produced no XML.
        suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
        bad = any(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
        return (0, 1, 0) if bad else (1, 0, 0)
    for case in cases:
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None or case.get("status") == "notrun":
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def main(dirs):
    total_p = total_f = total_s = 0
    for d in dirs:
        p = f = s = 0
        for base, _, files in os.walk(d):
            for name in files:
                if name == "test.xml":
                    a, b, c = count_file(os.path.join(base, name))
                    p, f, s = p + a, f + b, s + c
        print(f"  {os.path.basename(d.rstrip('/'))}: {p} passed, {f} failed, {s} skipped")
        total_p, total_f, total_s = total_p + p, total_f + f, total_s + s
    print(f"{total_p} passed, {total_f} failed, {total_s} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
