"""End-to-end tests of the `aliasroute` command-line tool (//tools:aliasroute).

Each test runs the built binary as a user would, from the runfiles root (so
the relative paths examples/... and tests/cli/... resolve), and checks the
exit status, stdout and stderr. Deterministic outputs are compared with the
hand-checked files in tests/cli/expected/. Bad input must give a message on
stderr, a non-zero exit status, an empty stdout, and no output file.

Run: bazel test //tests/cli:cli_test
"""

import csv
import io
import json
import math
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import pytest

WORKSPACE = "aliasroute"
ROOT = os.path.join(os.environ.get("TEST_SRCDIR", ""), WORKSPACE)
BIN = os.path.join(ROOT, "tools", "aliasroute")
EXPECTED = os.path.join(ROOT, "tests", "cli", "expected")
TESTDATA = os.path.join(ROOT, "tests", "cli", "testdata")

PREDEFINED = [
    ("LambdaCanary10Percent5Minutes", "canary", 10, 5),
    ("LambdaCanary10Percent10Minutes", "canary", 10, 10),
    ("LambdaCanary10Percent15Minutes", "canary", 10, 15),
    ("LambdaCanary10Percent30Minutes", "canary", 10, 30),
    ("LambdaLinear10PercentEvery1Minute", "linear", 10, 1),
    ("LambdaLinear10PercentEvery2Minutes", "linear", 10, 2),
    ("LambdaLinear10PercentEvery3Minutes", "linear", 10, 3),
    ("LambdaLinear10PercentEvery10Minutes", "linear", 10, 10),
    ("LambdaAllAtOnce", "all", 100, 0),
]


def run(*args, stdin=None):
    """Runs the CLI; returns (exit status, stdout, stderr) as text."""
    p = subprocess.run([BIN, *args], cwd=ROOT, input=stdin,
                       capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def expected(name):
    with open(os.path.join(EXPECTED, name)) as f:
        return f.read()


def assert_fails(args, code, fragment, stdin=None):
    rc, out, err = run(*args, stdin=stdin)
    assert rc == code, (rc, out, err)
    assert out == "", out
    assert fragment in err, err
    return err


def hand_timeline(kind, percent, minutes):
    """The CodeDeploy timeline worked out by hand from the User Guide's
    definitions: (minute, percent) pairs."""
    if kind == "all":
        return [(0, 100)]
    if kind == "canary":
        return [(0, percent), (minutes, 100)]
    steps = []
    k = 0
    while True:
        w = min(100, (k + 1) * percent)
        steps.append((k * minutes, w))
        if w == 100:
            return steps
        k += 1


# ---- top level -------------------------------------------------------------

def test_help_lists_every_subcommand():
    rc, out, err = run("--help")
    assert rc == 0 and err == ""
    for cmd in ("plan", "simulate", "route", "validate"):
        assert f"\n  {cmd} " in out


@pytest.mark.parametrize("cmd", ["plan", "simulate", "route", "validate"])
def test_subcommand_help(cmd):
    rc, out, err = run(cmd, "--help")
    assert rc == 0 and err == ""
    assert out.startswith(f"Usage: aliasroute {cmd}")
    rc2, out2, _ = run("help", cmd)
    assert rc2 == 0 and out2 == out


def test_no_arguments_is_a_usage_error():
    rc, out, err = run()
    assert (rc, out) == (2, "")
    assert "Usage: aliasroute COMMAND" in err


def test_unknown_command():
    assert_fails(["frobnicate"], 2, 'unknown command "frobnicate"')


# ---- plan ------------------------------------------------------------------

@pytest.mark.parametrize("name,kind,percent,minutes", PREDEFINED)
def test_plan_predefined_matches_hand_computed_timeline(name, kind, percent,
                                                        minutes):
    rc, out, err = run("plan", "--format", "json", name)
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["name"] == "CodeDeployDefault." + name
    got = [(s["time_ms"] / 60000, s["weight_ppb"] / 1e7) for s in doc["steps"]]
    assert got == hand_timeline(kind, percent, minutes)
    assert doc["total_duration_ms"] == got[-1][0] * 60000


@pytest.mark.parametrize("args,name", [
    (["LambdaCanary10Percent5Minutes"], "plan_canary5.txt"),
    (["CodeDeployDefault.LambdaLinear10PercentEvery1Minute"], "plan_linear1.txt"),
    (["--format", "csv", "LambdaAllAtOnce"], "plan_all_at_once.csv"),
    (["1%:10m,5%:10m,25%:pause,50%:30m"], "plan_steps.txt"),
    (["--format=json", '{"type":"TimeBasedLinear","timeBasedLinear":'
      '{"linearPercentage":33,"linearInterval":2}}'], "plan_linear33.json"),
])
def test_plan_exact_output(args, name):
    rc, out, err = run("plan", *args)
    assert rc == 0 and err == ""
    assert out == expected(name)


def test_plan_canary_table_is_0_to_10_then_5_to_100():
    # The example, checked by hand: 0 min -> 10 %, 5 min -> 100 %.
    rc, out, _ = run("plan", "LambdaCanary10Percent5Minutes")
    assert rc == 0
    rows = [l.split() for l in out.splitlines() if l.strip().endswith("%")
            and ":" in l.split()[0]]
    assert rows == [["0:00", "10%"], ["5:00", "100%"]]


def test_plan_csv_parses():
    rc, out, _ = run("plan", "--format", "csv", "LambdaLinear10PercentEvery3Minutes")
    assert rc == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [int(r["time_ms"]) for r in rows] == [i * 180000 for i in range(10)]
    assert rows[-1]["weight"] == "100%"


def test_plan_codedeploy_file_and_shorthand_agree():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "config.json")
        with open(path, "w") as f:
            json.dump({"deploymentConfigInfo": {
                "deploymentConfigName": "Custom",
                "computePlatform": "Lambda",
                "trafficRoutingConfig": {
                    "type": "TimeBasedCanary",
                    "timeBasedCanary": {"canaryPercentage": 5,
                                        "canaryInterval": 15}}}}, f)
        rc1, out1, err1 = run("plan", "--format", "csv", path)
        rc2, out2, _ = run("plan", "--format", "csv",
                           "type=TimeBasedCanary,timeBasedCanary="
                           "{canaryPercentage=5,canaryInterval=15}")
    assert rc1 == 0 and rc2 == 0, err1
    assert out1 == out2 == ("time_ms,time,segment,weight_ppb,weight,pause\n"
                            "0,0:00,0,50000000,5%,false\n"
                            "900000,15:00,0,1000000000,100%,false\n")


def test_plan_protobuf_json_step_list():
    rc, out, err = run("plan", "--format", "csv",
                       '{"steps": [{"weightPpb": 250000000, "holdMs": "60000"}],'
                       ' "maxWeightPpb": 500000000}')
    assert rc == 0, err
    assert out.splitlines()[1:] == ["0,0:00,0,250000000,25%,false",
                                    "60000,1:00,0,500000000,50%,false"]


@pytest.mark.parametrize("config", [c[0] for c in PREDEFINED] +
                         ["1%:10m,5%:10m,25%:pause,50%:30m"])
def test_plan_svg_is_well_formed(config):
    with tempfile.TemporaryDirectory() as d:
        svg = os.path.join(d, "chart.svg")
        rc, out, err = run("plan", "--svg", svg, config)
        assert rc == 0, err
        root = ET.parse(svg).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == ns + "svg"
    paths = root.findall(f"{ns}path")
    assert len(paths) == 1 and paths[0].get("d").startswith("M ")
    assert root.find(f"{ns}title").text.startswith("CodeDeployDefault.") or \
        "step list" in root.find(f"{ns}title").text


@pytest.mark.parametrize("args,code,fragment", [
    ([], 2, "missing CONFIG"),
    (["a", "b"], 2, "exactly one CONFIG"),
    (["--format", "xml", "LambdaAllAtOnce"], 2, "--format must be table, json or csv"),
    (["--frob", "LambdaAllAtOnce"], 2, "unknown flag --frob"),
    (["--svg"], 2, "--svg needs a value"),
    (["LambdaCanary10Percent6Minutes"], 1,
     '"LambdaCanary10Percent6Minutes" is not a predefined'),
    (["10%:5m,5%:5m"], 1, "lower than"),
    (["10%:0m"], 1, 'hold must be more than 0, got "0m"'),
    (["150%:1m"], 1, "at most 100%"),
    (["10%:5x"], 1, "unit ms, s, m or h"),
    (['{"type":"TimeBasedCanary","timeBasedCanary":{"canaryPercentage":0,'
      '"canaryInterval":5}}'], 1, "canaryPercentage"),
    (['{"type": "TimeBasedCanary"'], 1, "malformed JSON"),
    (["missing/config.json"], 1, "cannot open missing/config.json"),
])
def test_plan_bad_input_writes_nothing(args, code, fragment):
    with tempfile.TemporaryDirectory() as d:
        svg = os.path.join(d, "chart.svg")
        assert_fails(["plan", "--svg", svg, *args] if args and args != ["--svg"]
                     else ["plan", *args], code, fragment)
        assert os.listdir(d) == []


def test_plan_unwritable_svg_fails_without_stdout():
    assert_fails(["plan", "--svg", "/nonexistent-dir/chart.svg",
                  "LambdaAllAtOnce"], 1, "cannot write /nonexistent-dir/chart.svg")


# ---- simulate --------------------------------------------------------------

@pytest.mark.parametrize("args,name", [
    ([], "simulate_default.txt"),
    (["--alarm-at", "2.5"], "simulate_alarm.txt"),
    (["--fail-hook", "before"], "simulate_fail_before.txt"),
    (["--hooks", "--config", "10%:2m,50%:pause,80%:1m", "--keys", "1000",
      "--rate", "10"], "simulate_steps_hooks.txt"),
])
def test_simulate_exact_output(args, name):
    rc, out, err = run("simulate", *args)
    assert rc == 0, err
    assert err == ""  # stderr is not a terminal: no progress.
    assert out == expected(name)


def simulate_json(*args):
    rc, out, err = run("simulate", "--format", "json", *args)
    assert rc == 0, err
    return json.loads(out)


@pytest.mark.parametrize("name,kind,percent,minutes", PREDEFINED)
def test_simulate_no_key_moves_back_on_any_predefined_config(name, kind,
                                                             percent, minutes):
    doc = simulate_json("--config", name, "--keys", "5000", "--rate", "20")
    steps = doc["steps"]
    assert doc["final"]["state"] == "SUCCEEDED"
    assert doc["final"]["primary_version"] == "2"
    assert doc["final"]["additional_version_weights_ppb"] == {}
    assert doc["moved_back_while_shifting_forward"] == 0
    assert all(s["moved_back"] == 0 for s in steps)
    # Keys only ever join the new version, and the scheduled weights are the
    # hand-computed timeline.
    on_new = [s["keys_on_new"] for s in steps]
    assert on_new == sorted(on_new) and on_new[-1] == 5000
    assert sum(s["moved_to_new"] for s in steps) == 5000
    timeline = [(s["time_ms"] / 60000, s["weight_ppb"] / 1e7) for s in steps]
    assert timeline == hand_timeline(kind, percent, minutes)


def test_simulate_key_share_matches_weight_chi_square():
    # 20000 sticky keys at 10 %: the count on the new version must pass a
    # chi-square goodness-of-fit test (1 degree of freedom) at significance
    # 0.001 (critical value 10.828). The key set is fixed, so the outcome is
    # deterministic; the test fails if routing drifts from the weights.
    doc = simulate_json("--keys", "20000", "--rate", "1")
    n, k = 20000, doc["steps"][0]["keys_on_new"]
    e1, e0 = n * 0.1, n * 0.9
    chi2 = (k - e1) ** 2 / e1 + ((n - k) - e0) ** 2 / e0
    assert chi2 < 10.828, (k, chi2)


def test_simulate_alarm_rolls_back_every_key():
    doc = simulate_json("--alarm-at", "7", "--config",
                        "LambdaLinear10PercentEvery2Minutes")
    assert doc["final"]["state"] == "ROLLED_BACK"
    assert doc["final"]["error"] == "ALARM_ACTIVE"
    assert doc["final"]["primary_version"] == "1"
    last = doc["steps"][-1]
    assert last["state"] == "ROLLED_BACK" and last["keys_on_new"] == 0
    assert last["moved_back"] == doc["steps"][-2]["keys_on_new"] > 0
    assert doc["moved_back_while_shifting_forward"] == 0


def test_simulate_failed_after_hook_rolls_back_from_100_percent():
    doc = simulate_json("--fail-hook", "after")
    states = [s["state"] for s in doc["steps"]]
    assert states == ["SHIFTING", "AFTER_ALLOW_TRAFFIC", "ROLLED_BACK"]
    assert doc["steps"][1]["keys_on_new"] == 10000
    assert doc["steps"][2]["moved_back"] == 10000
    assert doc["final"]["error"] == "HOOK_EXECUTION_FAILURE"


def test_simulate_alarm_after_the_end_is_a_note():
    doc = simulate_json("--alarm-at", "60")
    assert doc["final"]["state"] == "SUCCEEDED"
    assert doc["notes"] == ["the alarm at 60:00 never fired: the deployment "
                            "ended at 5:00"]


def test_simulate_from_aws_documents():
    doc = simulate_json("--registry", "examples/aws/list-versions-by-function.json",
                        "--registry", "tests/cli/testdata/aliases-unweighted.json",
                        "--config", "LambdaLinear10PercentEvery1Minute")
    assert (doc["function"], doc["alias"], doc["current_version"],
            doc["target_version"]) == ("my-function", "live", "1", "2")
    assert doc["final"]["state"] == "SUCCEEDED"


def test_simulate_from_binary_snapshot():
    from google.protobuf import json_format
    from proto import registry_pb2
    with open(os.path.join(ROOT, "examples", "registry.json")) as f:
        snap = json_format.Parse(f.read(), registry_pb2.RegistrySnapshot())
    alias = snap.functions[0].aliases[0]
    alias.ClearField("routing_config")  # live -> 1 only, ready to deploy.
    alias.ClearField("layout")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "registry.pb")
        with open(path, "wb") as f:
            f.write(snap.SerializeToString())
        rc, out, err = run("simulate", "--registry", path)
    assert rc == 0, err
    # Same names, same seed, same keys: the demo's numbers exactly.
    assert out == expected("simulate_default.txt")


@pytest.mark.parametrize("args,code,fragment", [
    (["extra"], 2, 'unexpected argument "extra"'),
    (["--keys", "0"], 2, "--keys must be a whole number from 1 to 1000000"),
    (["--rate", "fast"], 2, "--rate must be a whole number"),
    (["--fail-hook", "sideways"], 2, "--fail-hook must be before or after"),
    (["--alarm-at", "-1"], 2, "--alarm-at must be a number of minutes"),
    (["--format", "xml"], 2, "--format must be table or json"),
    (["--rate", "100000", "--config", "LambdaLinear10PercentEvery10Minutes"], 2,
     "lower --rate"),
    (["--registry", "tests/cli/testdata/nope.json"], 1,
     "cannot open tests/cli/testdata/nope.json"),
    (["--registry", "examples/registry.json"], 1, "already routes 10%"),
    (["--registry", "tests/cli/testdata/bad-registry.json"], 1,
     'alias name "123" must not be all digits'),
    (["--config", "Nope"], 1, '"Nope" is not a predefined'),
    (["--alias", "beta"], 1, "beta"),
    (["--target", "1"], 1, "target"),
    (["--target", "9"], 1, "9"),
])
def test_simulate_bad_input(args, code, fragment):
    assert_fails(["simulate", *args], code, fragment)


# ---- route -----------------------------------------------------------------

def test_route_exact_output():
    rc, out, err = run("route", "examples/registry.json", "my-function:live",
                       "alice", "bob", "user-1", "user-4", "user-5", "")
    assert rc == 0 and err == ""
    assert out == expected("route_registry.tsv")


def test_route_reads_keys_from_stdin_and_agrees_with_arguments():
    keys = [f"user-{i}" for i in range(50000)]
    rc, out, err = run("route", "examples/registry.json", "my-function:live",
                       stdin="\r\n".join(keys) + "\r\n")
    assert rc == 0, err
    lines = out.splitlines()
    assert [l.split("\t")[0] for l in lines] == keys
    rc2, out2, _ = run("route", "examples/registry.json", "my-function:live",
                       *keys[:200])
    assert out2.splitlines() == lines[:200]
    # 10 % of keys on version 2: chi-square, 1 dof, significance 0.001.
    k = sum(1 for l in lines if l.endswith("\t2"))
    n = len(lines)
    chi2 = (k - n * 0.1) ** 2 / (n * 0.1) + ((n - k) - n * 0.9) ** 2 / (n * 0.9)
    assert chi2 < 10.828, (k, chi2)


def test_route_streams_answers_before_stdin_ends():
    p = subprocess.Popen([BIN, "route", "examples/registry.json",
                          "my-function:live"], cwd=ROOT, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        p.stdin.write("user-4\n")
        p.stdin.flush()
        assert p.stdout.readline() == "user-4\t2\n"  # stdin still open.
        p.stdin.write("alice\n")
        p.stdin.flush()
        assert p.stdout.readline() == "alice\t1\n"
    finally:
        p.stdin.close()
        assert p.wait(timeout=60) == 0


@pytest.mark.parametrize("name", [
    "my-function:live",
    "123456789012:function:my-function:live",
    "arn:aws:lambda:us-east-1:123456789012:function:my-function:live",
])
def test_route_name_forms_agree(name):
    rc, out, err = run("route", "examples/registry.json", name, "user-4", "bob")
    assert rc == 0, err
    assert out == "user-4\t2\nbob\t1\n"


def test_route_keys_after_double_dash():
    rc, out, err = run("route", "examples/registry.json", "my-function:live",
                       "--", "-k", "--x")
    assert rc == 0, err
    assert [l.split("\t")[0] for l in out.splitlines()] == ["-k", "--x"]


def test_route_version_and_latest():
    rc, out, _ = run("route", "examples/registry.json", "my-function:2", "k")
    assert (rc, out) == (0, "k\t2\n")
    rc, out, _ = run("route", "examples/registry.json", "my-function", "k")
    assert (rc, out) == (0, "k\t$LATEST\n")


def test_route_binary_snapshot_and_aws_documents_agree_with_json():
    from google.protobuf import json_format
    from proto import registry_pb2
    with open(os.path.join(ROOT, "examples", "registry.json")) as f:
        snap = json_format.Parse(f.read(), registry_pb2.RegistrySnapshot())
    keys = [f"user-{i}" for i in range(300)]
    _, want, _ = run("route", "examples/registry.json", "my-function:live", *keys)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "registry.pb")
        with open(path, "wb") as f:
            f.write(snap.SerializeToString())
        rc, got, err = run("route", path, "my-function:live", *keys)
    assert rc == 0, err
    assert got == want
    # The AWS-shaped registry has the same alias weights, so the same keys
    # go to the same versions (the routing seed depends only on the names).
    rc, got_aws, err = run("route", "examples/aws/list-versions-by-function.json",
                           "--registry", "examples/aws/list-aliases.json",
                           "my-function:live", *keys)
    assert rc == 0, err
    assert got_aws == want


@pytest.mark.parametrize("args,code,fragment", [
    ([], 2, "missing REGISTRY and NAME"),
    (["examples/registry.json"], 2, "missing NAME"),
    (["--bogus", "examples/registry.json", "f"], 2, "unknown flag --bogus"),
    (["examples/registry.json", "my-function:beta", "k"], 1,
     "Function not found"),
    (["examples/registry.json", "other-function", "k"], 1, "Function not found"),
    (["examples/registry.json", "bad name", "k"], 1, "function name"),
    (["examples/registry.json",
      "arn:aws:lambda:eu-west-1:123456789012:function:my-function:live", "k"], 1,
     "eu-west-1"),
    (["tests/cli/testdata/nope.json", "f", "k"], 1, "cannot open"),
    (["tests/cli/testdata/bad-registry.json", "my-function:live", "k"], 1,
     "must not be all digits"),
    (["tests/cli/expected/plan_canary5.txt", "f", "k"], 1, "not a registry"),
    (["examples/aws/list-aliases.json", "--registry", "examples/registry.json",
      "f", "k"], 1, "must be the only registry file"),
])
def test_route_bad_input(args, code, fragment):
    assert_fails(["route", *args], code, fragment)


def test_route_corrupt_inputs():
    with tempfile.TemporaryDirectory() as d:
        trunc = os.path.join(d, "trunc.json")
        with open(os.path.join(ROOT, "examples", "registry.json")) as f:
            text = f.read()
        with open(trunc, "w") as f:
            f.write(text[: len(text) // 2])
        assert_fails(["route", trunc, "my-function:live", "k"], 1, "malformed JSON")
        garbage = os.path.join(d, "garbage.pb")
        with open(garbage, "wb") as f:
            f.write(bytes(range(1, 200)))
        assert_fails(["route", garbage, "my-function:live", "k"], 1,
                     "RegistrySnapshot")


# ---- validate --------------------------------------------------------------

@pytest.mark.parametrize("path,summary", [
    ("examples/registry.json",
     "registry snapshot (protobuf JSON), 1 function, 2 published versions, 1 alias"),
    ("examples/aws/list-aliases.json",
     "AWS list-aliases output, 1 function, 2 published versions, 1 alias"),
    ("examples/aws/list-versions-by-function.json",
     "AWS list-versions-by-function output, 1 function, 2 published versions, "
     "0 aliases"),
])
def test_validate_good_files(path, summary):
    rc, out, err = run("validate", path)
    assert (rc, err) == (0, "")
    assert out == f"OK {path}: {summary}\n"


@pytest.mark.parametrize("text,summary", [
    ("LambdaCanary10Percent10Minutes\n",
     "predefined deployment config name, "
     "CodeDeployDefault.LambdaCanary10Percent10Minutes: canary: 10%, then 100% "
     "after 10 minutes"),
    ("1%:10m,5%:10m,25%:pause,50%:30m\n", "step list, step list: 4 steps, 1 pause"),
    ('{"type": "AllAtOnce"}', "CodeDeploy traffic routing config, all at once: "
     "100% at the start"),
    ('{"AdditionalVersionWeights": {"2": 0.05}}',
     "AWS alias routing config, 1 additional version"),
    ('{"deploymentId": "d-1", "functionName": "f", "aliasName": "live", '
     '"currentVersion": "1", "targetVersion": "2", "trafficRouting": '
     '{"name": "LambdaAllAtOnce"}}',
     'deployment spec (protobuf JSON), function "f" alias "live", version 1 -> 2'),
])
def test_validate_detects_document_kinds(text, summary):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "doc")
        with open(path, "w") as f:
            f.write(text)
        rc, out, err = run("validate", path)
    assert (rc, err) == (0, "")
    assert out == f"OK {path}: {summary}\n"


def test_validate_binary_snapshot_from_stdin():
    from google.protobuf import json_format
    from proto import registry_pb2
    with open(os.path.join(ROOT, "examples", "registry.json")) as f:
        snap = json_format.Parse(f.read(), registry_pb2.RegistrySnapshot())
    p = subprocess.run([BIN, "validate", "-"], cwd=ROOT,
                       input=snap.SerializeToString(), capture_output=True)
    assert p.returncode == 0, p.stderr
    assert p.stdout == (b"OK -: registry snapshot (binary protobuf), 1 function, "
                        b"2 published versions, 1 alias\n")


@pytest.mark.parametrize("file,name", [
    ("bad-registry.json", "validate_bad_registry.stderr"),
    ("bad-list-aliases.json", "validate_bad_list_aliases.stderr"),
])
def test_validate_reports_every_problem_with_location(file, name):
    rc, out, err = run("validate", f"tests/cli/testdata/{file}")
    assert (rc, out) == (1, "")
    assert err == expected(name)


@pytest.mark.parametrize("text,fragment", [
    ('{"Aliases": [', "malformed JSON"),
    ('{"hello": 1}', "unknown JSON document"),
    ('{"Aliases": [{"Name": "a", "FunctionVersion": "1", "RoutingConfig": '
     '{"AdditionalVersionWeights": {"2": 0.1, "3": 0.2}}}]}',
     "cannot be greater than 1"),
    ("10%:5m,5%:5m", "lower than"),
    ("1%:10m,abc,120%:1m", "step 2: "),
    ('{"deploymentId": "", "functionName": "f"}', "deployment_id"),
])
def test_validate_problems(text, fragment):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "doc")
        with open(path, "w") as f:
            f.write(text)
        err = assert_fails(["validate", path], 1, fragment)
    assert err.startswith(path + ": ")


def test_validate_step_list_reports_each_bad_step():
    err = assert_fails(["validate", "-"], 1, "step 2: ",
                       stdin="1%:10m,abc,120%:1m,5%:5x\n")
    assert "step 3: " in err and "step 4: " in err and "3 problems" in err


@pytest.mark.parametrize("args,code,fragment", [
    ([], 2, "missing FILE"),
    (["a", "b"], 2, "exactly one FILE"),
    (["--strict", "x"], 2, "unknown flag --strict"),
    (["tests/cli/testdata/nope.json"], 1, "cannot open"),
])
def test_validate_usage(args, code, fragment):
    assert_fails(["validate", *args], code, fragment)


if __name__ == "__main__":
    xml = os.environ.get("XML_OUTPUT_FILE")
    argv = [__file__, "-q", "-p", "no:cacheprovider"]
    if xml:
        argv.append("--junitxml=" + xml)
    # pytest exits 5 when no test ran, which Bazel reports as a failure.
    sys.exit(pytest.main(argv))
