"""Tests of the aliasroute Python API: every exported function and class at
least once, the error mapping once per absl::StatusCode, and protobuf round
trips. The C++ tests cover the library's rules in depth; these check that the
binding passes arguments, results and errors through faithfully."""

import copy
import datetime
import os
import threading
from pathlib import Path

import pytest

import aliasroute
from aliasroute.proto import arn_pb2, deployment_pb2, registry_pb2, traffic_pb2

ROLE = "arn:aws:iam::123456789012:role/app"
AWS_DIR = Path(__file__).resolve().parent.parent / "testdata" / "aws"
if not AWS_DIR.exists():  # Runfiles: the test file is a symlink.
    AWS_DIR = Path(__file__).parent.parent / "testdata" / "aws"
W5 = 50_000_000  # 5 % in ppb.


def config(sha="v1"):
    return registry_pb2.FunctionConfiguration(role=ROLE, code_sha256=sha)


def two_version_registry(options=None):
    """Function "checkout" with versions 1 and 2 and alias "live" -> 1."""
    reg = aliasroute.Registry(options)
    reg.create_function("checkout", config("v1"), publish=True)
    reg.update_function_code("checkout", "v2", publish=True)
    reg.create_alias("checkout", "live", "1")
    return reg


def aws_json(name):
    return (AWS_DIR / name).read_text()


# ---- errors: one test per code -------------------------------------------------

def test_invalid_argument_is_invalid_parameter_value_error():
    with pytest.raises(aliasroute.InvalidParameterValueError) as info:
        aliasroute.validate_alias_name("123")
    e = info.value
    assert isinstance(e, aliasroute.Error) and isinstance(e, ValueError)
    assert e.code == "INVALID_ARGUMENT"
    assert e.lambda_error == "InvalidParameterValueException"
    assert "must not be all digits" in str(e)


def test_not_found_is_resource_not_found_error():
    reg = aliasroute.Registry()
    with pytest.raises(aliasroute.ResourceNotFoundError) as info:
        reg.get_function("nope")
    e = info.value
    assert isinstance(e, KeyError) and isinstance(e, aliasroute.Error)
    assert e.code == "NOT_FOUND"
    assert e.lambda_error == "ResourceNotFoundException"
    # Not repr-quoted like a plain KeyError.
    assert str(e).startswith("Function not found")
    assert "nope" in str(e)


def test_already_exists_is_resource_exists_error():
    reg = two_version_registry()
    with pytest.raises(aliasroute.ResourceExistsError) as info:
        reg.create_function("checkout", config())
    e = info.value
    assert isinstance(e, aliasroute.ResourceConflictError)
    assert e.code == "ALREADY_EXISTS"
    assert e.lambda_error == "ResourceConflictException"
    assert "already exist" in str(e)


def test_failed_precondition_is_resource_in_use_error():
    reg = two_version_registry()
    with pytest.raises(aliasroute.ResourceInUseError) as info:
        reg.delete_function("checkout", "1")
    e = info.value
    assert isinstance(e, aliasroute.ResourceConflictError)
    assert e.code == "FAILED_PRECONDITION"
    assert e.lambda_error == "ResourceConflictException"
    assert "live" in str(e)


def test_aborted_is_precondition_failed_error():
    reg = two_version_registry()
    with pytest.raises(aliasroute.PreconditionFailedError) as info:
        reg.update_alias("checkout", "live", description="x",
                         revision_id="stale-revision")
    e = info.value
    assert e.code == "ABORTED"
    assert e.lambda_error == "PreconditionFailedException"
    assert "Revision Id" in str(e)


def test_resource_exhausted_is_too_many_requests_error():
    reg = aliasroute.Registry(aliasroute.RegistryOptions(max_functions=1))
    reg.create_function("a", config())
    with pytest.raises(aliasroute.TooManyRequestsError) as info:
        reg.create_function("b", config())
    e = info.value
    assert e.code == "RESOURCE_EXHAUSTED"
    assert e.lambda_error == "TooManyRequestsException"
    assert str(e)


@pytest.mark.parametrize("code,cls", [
    ("INVALID_ARGUMENT", aliasroute.InvalidParameterValueError),
    ("NOT_FOUND", aliasroute.ResourceNotFoundError),
    ("ALREADY_EXISTS", aliasroute.ResourceExistsError),
    ("FAILED_PRECONDITION", aliasroute.ResourceInUseError),
    ("ABORTED", aliasroute.PreconditionFailedError),
    ("RESOURCE_EXHAUSTED", aliasroute.TooManyRequestsError),
    ("INTERNAL", aliasroute.Error),
    ("UNKNOWN", aliasroute.Error),
    ("DATA_LOSS", aliasroute.Error),
])
def test_raise_for_status_maps_every_code(code, cls):
    with pytest.raises(cls) as info:
        aliasroute.raise_for_status(code, "the message")
    assert type(info.value) is cls
    assert str(info.value) == "the message"
    assert info.value.code == code


def test_raise_for_status_ok_and_unknown_name():
    assert aliasroute.raise_for_status("OK", "ignored") is None
    with pytest.raises(aliasroute.InvalidParameterValueError, match="NOT_A_CODE"):
        aliasroute.raise_for_status("NOT_A_CODE", "x")


def test_lambda_error_name():
    assert aliasroute.lambda_error_name("NOT_FOUND") == "ResourceNotFoundException"
    assert aliasroute.lambda_error_name("OK") == "OK"
    assert aliasroute.lambda_error_name("INTERNAL") == "ServiceException"
    with pytest.raises(aliasroute.InvalidParameterValueError, match="bogus"):
        aliasroute.lambda_error_name("bogus")


def test_wrong_message_type_is_type_error():
    with pytest.raises(TypeError, match="aliasroute.v1.RoutingConfig"):
        aliasroute.canonical_layout("1", registry_pb2.Alias())
    with pytest.raises(TypeError, match="got int"):
        aliasroute.canonical_layout("1", 42)


def test_corrupt_bytes_are_invalid_parameter_value():
    with pytest.raises(aliasroute.InvalidParameterValueError,
                       match="aliasroute.v1.RegistrySnapshot"):
        aliasroute.Router(b"\xff\xff\xff")


# ---- weights -----------------------------------------------------------------

def test_weights():
    assert aliasroute.WEIGHT_SCALE == 1_000_000_000
    assert aliasroute.weight_from_double(0.05) == W5
    assert aliasroute.weight_to_double(W5) == 0.05
    with pytest.raises(aliasroute.InvalidParameterValueError, match="my_field"):
        aliasroute.weight_from_double(1.5, "my_field")
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.weight_from_double(float("nan"))
    assert aliasroute.weight_from_percent(10) == 100_000_000
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.weight_from_percent(101)
    assert aliasroute.sum_weights([W5, W5]) == 100_000_000
    with pytest.raises(aliasroute.InvalidParameterValueError, match="100%"):
        aliasroute.sum_weights([600_000_000, 600_000_000], "w")
    assert aliasroute.format_weight(125_000_000) == "12.5%"
    assert aliasroute.format_weight(0) == "0%"
    assert aliasroute.routing_point(0) == 0
    assert aliasroute.routing_point(2**64 - 1) == aliasroute.WEIGHT_SCALE - 1
    assert aliasroute.routing_point(2**63) == 500_000_000


def test_sticky_point_and_seed():
    seed = aliasroute.default_routing_seed("checkout", "live")
    assert seed != aliasroute.default_routing_seed("checkout", "beta")
    p = aliasroute.sticky_point(seed, "user-1")
    assert 0 <= p < aliasroute.WEIGHT_SCALE
    # str is hashed as its UTF-8 bytes.
    assert aliasroute.sticky_point(seed, "ü") == aliasroute.sticky_point(
        seed, "ü".encode("utf-8"))
    assert aliasroute.sticky_point(seed, "") == aliasroute.sticky_point(seed, b"")


# ---- arn ---------------------------------------------------------------------

def test_parse_full_arn():
    text = "arn:aws:lambda:us-east-1:123456789012:function:checkout:live"
    ref = aliasroute.parse_function_ref(text)
    assert ref.form == arn_pb2.ARN_FORM_FULL
    assert (ref.partition, ref.region, ref.account_id) == (
        "aws", "us-east-1", "123456789012")
    assert ref.function_name == "checkout"
    assert ref.qualifier == "live"
    assert ref.qualifier_kind == aliasroute.QualifierKind.ALIAS
    assert ref.format() == text
    assert str(ref) == text
    assert aliasroute.format_function_ref(ref) == text
    assert "FunctionRef" in repr(ref)
    assert ref == aliasroute.FunctionRef.parse(text)
    assert hash(ref) == hash(aliasroute.FunctionRef.parse(text))


def test_function_ref_proto_round_trip():
    ref = aliasroute.FunctionRef.parse("123456789012:function:f:7")
    arn = ref.to_proto()
    assert isinstance(arn, arn_pb2.Arn)
    assert arn.form == arn_pb2.ARN_FORM_PARTIAL
    assert arn.qualifier == "7"
    assert aliasroute.FunctionRef.from_proto(arn) == ref
    assert aliasroute.FunctionRef.from_proto(arn.SerializeToString()) == ref
    assert ref.qualifier_kind == aliasroute.QualifierKind.VERSION
    bad = arn_pb2.Arn(form=arn_pb2.ARN_FORM_NAME, function_name="f", account_id="1")
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.FunctionRef.from_proto(bad)


def test_parse_errors_name_the_part():
    with pytest.raises(aliasroute.InvalidParameterValueError, match="account id"):
        aliasroute.parse_function_ref("12345678901:function:f")
    with pytest.raises(aliasroute.InvalidParameterValueError, match="lambda"):
        aliasroute.parse_function_ref("arn:aws:s3:us-east-1:123456789012:function:f")


def test_arn_helpers():
    assert aliasroute.function_arn("aws", "us-west-2", "123456789012", "f") == (
        "arn:aws:lambda:us-west-2:123456789012:function:f")
    assert aliasroute.function_arn("aws", "us-west-2", "123456789012", "f", "3").endswith(
        ":f:3")
    aliasroute.validate_function_name("my-function_1")
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.validate_function_name("x" * 65)
    aliasroute.validate_alias_name("live")
    aliasroute.validate_version_number("12")
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.validate_version_number("012")
    aliasroute.validate_qualifier("$LATEST")
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.validate_qualifier("")
    assert aliasroute.classify_qualifier("") == aliasroute.QualifierKind.NONE
    assert aliasroute.classify_qualifier("$LATEST") == aliasroute.QualifierKind.LATEST
    assert aliasroute.classify_qualifier("3") == aliasroute.QualifierKind.VERSION
    assert aliasroute.classify_qualifier("live") == aliasroute.QualifierKind.ALIAS
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.classify_qualifier("bad qualifier")
    assert aliasroute.MAX_FUNCTION_NAME_LENGTH == 64
    assert aliasroute.MAX_FUNCTION_REF_LENGTH == 140
    assert aliasroute.MAX_ALIAS_NAME_LENGTH == 128
    assert aliasroute.MAX_QUALIFIER_LENGTH == 128


# ---- layout ------------------------------------------------------------------

def routing(weights):
    rc = registry_pb2.RoutingConfig()
    for version, ppb in weights.items():
        rc.additional_version_weights.add(version=version, weight_ppb=ppb)
    return rc


def test_layout_functions():
    rc = routing({"2": 100_000_000})
    shares = aliasroute.alias_shares("1", rc)
    assert shares == [aliasroute.VersionShare("2", 100_000_000),
                      aliasroute.VersionShare("1", 900_000_000)]
    assert "VersionShare(version='2'" in repr(shares[0])
    s = aliasroute.VersionShare("3", 7)
    s.weight_ppb = 8
    assert s.weight_ppb == 8 and s.version == "3"

    layout = aliasroute.canonical_layout("1", rc)
    assert isinstance(layout, registry_pb2.RoutingLayout)
    assert [(seg.version, seg.end_ppb) for seg in layout.segments] == [
        ("2", 100_000_000), ("1", 1_000_000_000)]
    aliasroute.validate_layout_shape(layout)
    aliasroute.validate_layout(layout, "1", rc)
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.validate_layout(layout, "1", routing({"2": W5}))
    assert aliasroute.version_at_point(layout, 0) == "2"
    assert aliasroute.version_at_point(layout, 100_000_000) == "1"
    with pytest.raises(aliasroute.InvalidParameterValueError, match="point"):
        aliasroute.version_at_point(layout, aliasroute.WEIGHT_SCALE)
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.validate_layout_shape(registry_pb2.RoutingLayout())

    # Raising 2's weight moves only [10 %, 20 %) from 1 to 2.
    nxt = aliasroute.next_layout(layout, "1", routing({"2": 200_000_000}))
    assert [(seg.version, seg.end_ppb) for seg in nxt.segments] == [
        ("2", 200_000_000), ("1", 1_000_000_000)]
    # Bytes in, message out.
    assert aliasroute.canonical_layout("1", rc.SerializeToString()) == layout
    assert aliasroute.version_less("$LATEST", "1")
    assert aliasroute.version_less("2", "10")
    assert not aliasroute.version_less("10", "2")
    assert aliasroute.MAX_LAYOUT_SEGMENTS == 64
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.alias_shares("1", routing({"1": 5}))


# ---- registry ----------------------------------------------------------------

def test_registry_options():
    o = aliasroute.RegistryOptions(routing_mode=aliasroute.ROUTING_MODE_EXTENDED,
                                   region="us-west-2", max_routing_versions=4)
    assert o.routing_mode == registry_pb2.ROUTING_MODE_EXTENDED
    assert o.region == "us-west-2"
    o.account_id = "210987654321"
    assert "210987654321" in repr(o)
    reg = aliasroute.Registry(o)
    assert reg.options.region == "us-west-2"
    assert reg.options.max_routing_versions == 4
    assert reg.arn("f", "live") == (
        "arn:aws:lambda:us-west-2:210987654321:function:f:live")
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.Registry(aliasroute.RegistryOptions(region="mars"))
    assert aliasroute.DEFAULT_MAX_FUNCTIONS == 10_000
    assert aliasroute.DEFAULT_MAX_VERSIONS_PER_FUNCTION == 10_000
    assert aliasroute.DEFAULT_MAX_ALIASES_PER_FUNCTION == 100
    assert aliasroute.DEFAULT_MAX_ROUTING_VERSIONS == 16
    assert aliasroute.MAX_ROUTING_VERSIONS_CAP == 1_000
    assert aliasroute.ROUTING_MODE_AWS_COMPATIBLE == registry_pb2.ROUTING_MODE_AWS_COMPATIBLE


def test_registry_functions_and_versions():
    reg = aliasroute.Registry()
    assert reg.generation == 0
    when = datetime.datetime(2024, 3, 1, 10, 15, 42, 123000,
                             tzinfo=datetime.timezone.utc)
    fn = reg.create_function("checkout", config("v1"), now=when)
    assert isinstance(fn, registry_pb2.Function)
    assert fn.latest.configuration.code_sha256 == "v1"
    assert fn.latest.last_modified.ToDatetime() == when.replace(tzinfo=None)
    assert reg.generation == 1
    assert reg.list_functions() == ["checkout"]

    latest = reg.update_function_configuration(
        "checkout", memory_size_mb=256, environment={"AB": "1"},
        description="d", now=1_700_000_000)
    assert latest.version == "$LATEST"
    assert latest.configuration.memory_size_mb == 256
    assert dict(latest.configuration.environment) == {"AB": "1"}
    assert latest.created.seconds == 1_700_000_000

    v1 = reg.publish_version("checkout", description="first")
    assert v1.version == "1" and v1.configuration.description == "first"
    # Nothing changed: the same version comes back.
    assert reg.publish_version("checkout").version == "1"
    with pytest.raises(aliasroute.InvalidParameterValueError, match="CodeSHA256"):
        reg.publish_version("checkout", code_sha256="other")

    v2 = reg.update_function_code("checkout", "v2", code_size_bytes=10,
                                  architectures=["arm64"], publish=True)
    assert v2.version == "2"
    assert list(v2.configuration.architectures) == ["arm64"]
    assert [v.version for v in reg.list_versions_by_function("checkout")] == [
        "$LATEST", "1", "2"]
    assert reg.get_function_configuration("checkout", "1").configuration.memory_size_mb == 256
    assert reg.get_function_configuration("checkout:2").version == "2"
    assert reg.get_function("checkout").last_version_number == 2

    reg.delete_function("checkout", "1")
    assert [v.version for v in reg.get_function("checkout").versions] == ["2"]
    reg.delete_function("checkout")
    assert reg.list_functions() == []
    with pytest.raises(aliasroute.ResourceNotFoundError):
        reg.get_function_configuration("checkout")


def test_registry_aliases():
    reg = two_version_registry()
    alias = reg.get_alias("checkout", "live")
    assert isinstance(alias, registry_pb2.Alias)
    assert alias.function_version == "1"
    assert alias.routing_seed == aliasroute.default_routing_seed("checkout", "live")

    updated = reg.update_alias("checkout", "live", routing_config=routing({"2": W5}),
                               revision_id=alias.revision_id)
    assert updated.routing_config.additional_version_weights[0].weight_ppb == W5
    assert updated.revision_id != alias.revision_id

    a = reg.set_alias_routing("checkout", "live", "1", {"2": 100_000_000})
    assert a.routing_config.additional_version_weights[0].weight_ppb == 100_000_000
    a = reg.set_alias_routing("checkout", "live", "1",
                              [aliasroute.VersionShare("2", 200_000_000)])
    assert a.routing_config.additional_version_weights[0].weight_ppb == 200_000_000
    a = reg.set_alias_routing("checkout", "live", "1", [("2", 300_000_000)],
                              expected_revision_id=a.revision_id)
    assert a.routing_config.additional_version_weights[0].weight_ppb == 300_000_000
    a = reg.set_alias_routing("checkout", "live", "2")
    assert a.function_version == "2" and not a.routing_config.additional_version_weights

    reg.create_alias("checkout", "beta", "1", description="b",
                     routing_config=routing({"2": W5}))
    assert [x.name for x in reg.list_aliases("checkout")] == ["beta", "live"]
    assert [x.name for x in reg.list_aliases("checkout", "1")] == ["beta"]
    with pytest.raises(aliasroute.InvalidParameterValueError):
        reg.create_alias("checkout", "gamma", "$LATEST", routing_config=routing({"2": W5}))
    reg.delete_alias("checkout", "beta")
    reg.delete_alias("checkout", "beta")  # Missing: not an error.
    with pytest.raises(aliasroute.ResourceNotFoundError, match="alias"):
        reg.get_alias("checkout", "beta")


def test_snapshot_round_trips():
    reg = two_version_registry()
    snap = reg.snapshot()
    assert isinstance(snap, registry_pb2.RegistrySnapshot)
    assert snap.format_version == aliasroute.REGISTRY_SNAPSHOT_FORMAT_VERSION
    raw = reg.snapshot_bytes()
    assert raw == snap.SerializeToString(deterministic=True) or \
        registry_pb2.RegistrySnapshot.FromString(raw) == snap
    aliasroute.validate_registry_snapshot(snap)
    aliasroute.validate_registry_snapshot(raw)

    copy1 = aliasroute.Registry.from_snapshot(snap)
    copy2 = aliasroute.Registry.from_snapshot(raw)
    assert copy1.snapshot() == snap and copy2.snapshot() == snap

    other = aliasroute.Registry()
    other.restore(bytearray(raw))
    assert other.snapshot() == snap
    other.restore(memoryview(raw))
    assert other.snapshot() == snap

    # A failed restore changes nothing.
    bad = registry_pb2.RegistrySnapshot()
    bad.CopyFrom(snap)
    bad.format_version = 99
    with pytest.raises(aliasroute.InvalidParameterValueError):
        other.restore(bad)
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.validate_registry_snapshot(bad)
    assert other.snapshot() == snap

    # Changing a returned message changes nothing inside.
    snap.functions[0].name = "changed"
    assert reg.snapshot().functions[0].name == "checkout"


def test_registry_module_functions():
    aliasroute.validate_routing_config(routing({"2": W5}), "1")
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.validate_routing_config(routing({"2": W5, "3": W5}), "1")
    aliasroute.validate_routing_config(
        routing({"2": W5, "3": W5}), "1", mode=aliasroute.ROUTING_MODE_EXTENDED,
        max_routing_versions=2, require_sorted=True)
    rid = aliasroute.make_revision_id(1, 2)
    assert len(rid) == 36 and rid.count("-") == 4
    assert rid == aliasroute.make_revision_id(1, 2) != aliasroute.make_revision_id(1, 3)
    assert aliasroute.LATEST_VERSION == "$LATEST"


def test_time_arguments():
    reg = aliasroute.Registry()
    ts = reg.create_function("a", config(), now=datetime.datetime(2020, 1, 2)).latest.last_modified
    assert ts.ToDatetime() == datetime.datetime(2020, 1, 2)  # Naive means UTC.
    from google.protobuf import timestamp_pb2
    t = timestamp_pb2.Timestamp(seconds=5, nanos=7)
    assert reg.create_function("b", config(), now=t).latest.last_modified == t
    assert reg.create_function("c", config(), now=1.5).latest.last_modified.nanos == 500_000_000
    with pytest.raises(TypeError):
        reg.create_function("d", config(), now="yesterday")


# ---- router ------------------------------------------------------------------

def test_router_routes():
    reg = two_version_registry()
    reg.set_alias_routing("checkout", "live", "1", {"2": W5})
    router = aliasroute.Router(reg.snapshot())
    aliasroute.Router.validate(reg.snapshot())
    live = router.resolve("checkout:live")
    assert isinstance(live, aliasroute.RouteHandle) and live.valid
    assert live == router.resolve("arn:aws:lambda:us-east-1:123456789012:function:checkout:live")
    assert live != router.resolve("checkout")
    assert "RouteHandle" in repr(live)

    v = router.route(live, "user-1")
    assert v in ("1", "2")
    assert router.route(live, b"user-1") == v
    assert router.route_by_name("checkout:live", "user-1") == v
    assert router.route_random(live) in ("1", "2")
    assert router.route_with_point(live, 0) == "2"
    assert router.route_with_point(live, W5) == "1"
    with pytest.raises(aliasroute.InvalidParameterValueError):
        router.route_with_point(live, aliasroute.WEIGHT_SCALE)
    assert router.route(router.resolve("checkout"), "k") == "$LATEST"
    assert router.route(router.resolve("checkout:2"), "k") == "2"

    keys = ["user-%d" % i for i in range(1000)]
    many = router.route_many(live, keys)
    assert many == [router.route(live, k) for k in keys]
    assert router.route_many(live, [k.encode() for k in keys]) == many
    assert router.route_many(live, []) == []
    # Non-ASCII str and str subclasses take the general path: same as route().
    class Key(str):
        pass
    odd = ["ü-%d" % i for i in range(300)] + [Key("user-%d" % i) for i in range(300)]
    assert router.route_many(live, odd) == [router.route(live, k) for k in odd]
    assert router.route_many(live, tuple(keys[:10])) == many[:10]
    assert router.route_many(live, (k for k in keys[:10])) == many[:10]
    with pytest.raises(TypeError, match=r"keys\[1\]"):
        router.route_many(live, ["a", 3])

    buf = b"".join(b"%08d" % i for i in range(1000))
    numbers = router.route_buffer(live, buf, 8)
    assert numbers.typecode == "Q" and len(numbers) == 1000
    assert [str(n) for n in numbers] == [
        router.route(live, b"%08d" % i) for i in range(1000)]
    with pytest.raises(aliasroute.InvalidParameterValueError, match="multiple"):
        router.route_buffer(live, b"abc", 2)
    with pytest.raises(aliasroute.InvalidParameterValueError):
        router.route_buffer(live, b"abc", 0)

    with pytest.raises(aliasroute.InvalidParameterValueError):
        router.route(aliasroute.RouteHandle(), "k")
    assert not aliasroute.RouteHandle().valid
    with pytest.raises(aliasroute.ResourceNotFoundError):
        router.resolve("checkout:nope")
    with pytest.raises(aliasroute.InvalidParameterValueError):
        router.resolve("bad name!")


def test_router_updates():
    reg = two_version_registry()
    router = aliasroute.Router(options=aliasroute.RouterOptions(reclaim_batch=2, max_retired=4))
    with pytest.raises(aliasroute.ResourceNotFoundError):
        router.resolve("checkout")
    published_generation = reg.generation
    router.publish(reg.snapshot_bytes())
    live = router.resolve("checkout:live")
    assert router.route(live, "k") == "1"

    alias = reg.set_alias_routing("checkout", "live", "2")
    router.update_alias("checkout", alias)
    assert router.route(live, "k") == "2"
    router.remove_alias("checkout", "live")
    with pytest.raises(aliasroute.ResourceNotFoundError):
        router.route(live, "k")
    with pytest.raises(aliasroute.ResourceNotFoundError):
        router.remove_alias("checkout", "live")

    stats = router.stats()
    assert isinstance(stats, aliasroute.RouterStats)
    assert stats.publications == 3
    assert stats.functions == 1 and stats.aliases == 0
    assert stats.retired_pending <= 4
    assert stats.max_retired_pending >= stats.retired_pending
    assert stats.reclaimed >= 0 and stats.writer_waits >= 0
    assert stats.table_bytes > 0
    assert stats.generation == published_generation
    assert stats.membarrier in (True, False)
    o = aliasroute.RouterOptions()
    o.reclaim_batch = 8
    o.max_retired = 16
    assert (o.reclaim_batch, o.max_retired) == (8, 16)


def test_route_many_concurrently_with_publish():
    # The GIL is released during large batches: routes and publishes from
    # several threads must all finish and give only valid versions.
    reg = two_version_registry()
    router = aliasroute.Router(reg.snapshot())
    live = router.resolve("checkout:live")
    keys = ["k%d" % i for i in range(20_000)]
    results, errors = [], []

    def route():
        try:
            for _ in range(5):
                results.append(set(router.route_many(live, keys)))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=route) for _ in range(3)]
    for t in threads:
        t.start()
    for w in (W5, 2 * W5, 0, W5):
        router.publish(reg.snapshot())
        reg.set_alias_routing("checkout", "live", "1", {"2": w} if w else {})
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 15
    assert all(r <= {"1", "2"} for r in results)


# ---- schedule ----------------------------------------------------------------

def test_schedule_predefined():
    names = aliasroute.predefined_traffic_routing_config_names()
    assert len(names) == 9
    assert all(n.startswith(aliasroute.CODE_DEPLOY_DEFAULT_PREFIX) for n in names)
    for name in names:
        c = aliasroute.predefined_traffic_routing_config(name)
        assert isinstance(c, traffic_pb2.TrafficRoutingConfig)
        assert c.name == name
        aliasroute.validate_traffic_routing_config(c)
        assert aliasroute.Schedule(c).final_weight == aliasroute.WEIGHT_SCALE
    with pytest.raises(aliasroute.ResourceNotFoundError, match="Nope"):
        aliasroute.predefined_traffic_routing_config("Nope")

    s = aliasroute.Schedule("LambdaLinear10PercentEvery1Minute")
    assert s.weight_at(0) == 100_000_000
    assert s.weight_at(90_000) == 200_000_000
    assert s.next_change_after(90_000) == 120_000
    assert s.total_duration == 540_000
    assert s.time_to_reach(500_000_000) == 240_000
    assert s.segment_count == 1
    assert not s.ends_in_pause(0)
    assert s.segment_duration(0) == 540_000
    timeline = s.timeline()
    assert timeline[0] == aliasroute.ScheduleChange(0, 100_000_000)
    assert len(timeline) == 10
    assert s.next_change_after(10**9) is None
    assert s.config.time_based_linear.linear_percentage == 10
    with pytest.raises(IndexError):
        s.weight_at(0, segment=1)
    assert aliasroute.MILLIS_PER_MINUTE == 60_000
    assert aliasroute.MAX_SHIFT_SPAN_MINUTES == 2880
    assert aliasroute.MAX_INCREMENT_PERCENT == 99
    assert aliasroute.MAX_STEPS == 10_000
    assert aliasroute.MAX_STEP_LIST_DURATION_MS == 10_000_000_000_000


def test_schedule_custom_and_errors():
    c = traffic_pb2.TrafficRoutingConfig(step_list=traffic_pb2.StepList(steps=[
        traffic_pb2.Step(weight_ppb=W5, hold_ms=1000),
        traffic_pb2.Step(weight_ppb=500_000_000, pause=True),
        traffic_pb2.Step(weight_ppb=800_000_000, hold_ms=500),
    ]))
    s = aliasroute.Schedule(c.SerializeToString())
    assert s.segment_count == 2
    assert s.ends_in_pause(0) and not s.ends_in_pause(1)
    assert s.weight_at(5000, 0) == 500_000_000
    assert s.weight_at(0, 1) == 800_000_000
    assert s.weight_at(-1, 1) == 500_000_000
    with pytest.raises(aliasroute.ResourceNotFoundError):
        s.time_to_reach(600_000_000, 0)
    change = aliasroute.ScheduleChange(at_ms=1, weight_ppb=2)
    change.at_ms = 3
    assert change != aliasroute.ScheduleChange(1, 2)
    assert "ScheduleChange(at_ms=3" in repr(change)

    bad = traffic_pb2.TrafficRoutingConfig(
        time_based_canary=traffic_pb2.TimeBasedCanary(canary_percentage=0,
                                                      canary_interval_minutes=5))
    with pytest.raises(aliasroute.InvalidParameterValueError, match="percent"):
        aliasroute.Schedule(bad)
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.validate_traffic_routing_config(bad)


# ---- deployment --------------------------------------------------------------

def spec(deployment_id="d-1", traffic="LambdaCanary10Percent5Minutes", **hooks):
    s = deployment_pb2.DeploymentSpec(
        deployment_id=deployment_id, function_name="checkout", alias_name="live",
        current_version="1", target_version="2")
    s.traffic_routing.name = traffic
    for k, v in hooks.items():
        setattr(s.hooks, k, v)
    return s


def test_event_builders():
    assert aliasroute.start_event(5).HasField("start")
    assert aliasroute.start_event(5).time_ms == 5
    assert aliasroute.tick_event(6).HasField("tick")
    e = aliasroute.hook_result_event(7, deployment_pb2.LIFECYCLE_HOOK_BEFORE_ALLOW_TRAFFIC, True)
    assert e.hook_result.succeeded and e.hook_result.hook == 1
    assert aliasroute.alarm_event(8, "cpu").alarm.alarm_name == "cpu"
    assert aliasroute.stop_event(9).HasField("stop")
    assert aliasroute.resume_event(10).HasField("resume")
    assert isinstance(aliasroute.stop_event(9), deployment_pb2.DeploymentEvent)


def test_deployment_canary():
    aliasroute.validate_deployment_spec(spec())
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.validate_deployment_spec(spec(deployment_id=""))
    d = aliasroute.Deployment(spec())
    assert d.state == deployment_pb2.DEPLOYMENT_STATE_CREATED
    assert d.is_active and not d.is_terminal
    t0 = 1_000_000
    x = d.apply(aliasroute.start_event(t0))
    assert isinstance(x, aliasroute.Decision)
    assert x.state == deployment_pb2.DEPLOYMENT_STATE_SHIFTING
    assert x.state_name == "DEPLOYMENT_STATE_SHIFTING"
    assert x.error == deployment_pb2.DEPLOYMENT_ERROR_NONE
    assert x.error_name == "DEPLOYMENT_ERROR_NONE"
    assert x.primary_version == "1"
    assert x.routing_config == routing({"2": 100_000_000})
    assert x.target_weight_ppb == 100_000_000
    assert x.routing_changed and x.state_changed
    assert x.next_change_ms == t0 + 300_000
    assert "SHIFTING" in repr(x)

    assert d.tick(t0 + 1) is False
    assert d.tick(t0 + 300_000) is True
    assert d.decision.state == deployment_pb2.DEPLOYMENT_STATE_SUCCEEDED
    assert d.decision.primary_version == "2"
    assert d.decision.next_change_ms is None
    assert d.is_terminal
    assert d.spec.deployment_id == "d-1"
    assert d.spec.traffic_routing.time_based_canary.canary_percentage == 10
    assert d.schedule.total_duration == 300_000
    assert [e.time_ms for e in d.events] == [t0, t0 + 300_000]

    with pytest.raises(aliasroute.ResourceInUseError):
        d.apply(aliasroute.resume_event(t0 + 400_000))
    with pytest.raises(aliasroute.InvalidParameterValueError, match="backwards"):
        d.tick(0)

    record = d.to_proto()
    assert isinstance(record, deployment_pb2.Deployment)
    assert record.state == deployment_pb2.DEPLOYMENT_STATE_SUCCEEDED
    again = aliasroute.Deployment.from_proto(record.SerializeToString())
    assert again.to_proto() == record
    replayed = aliasroute.Deployment.replay(spec(), list(record.events))
    assert replayed.to_proto() == record
    tampered = deployment_pb2.Deployment()
    tampered.CopyFrom(record)
    tampered.target_weight_ppb = 7
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.Deployment.from_proto(tampered)


def test_deployment_alarm_and_copy():
    s = spec()
    s.alarms.enabled = True
    s.alarms.alarms.append("errors")
    d = aliasroute.Deployment(s)
    d.apply(aliasroute.start_event(10))
    c = d.copy()
    c2 = copy.copy(d)
    c3 = copy.deepcopy(d)
    x = d.apply(aliasroute.alarm_event(20, "errors"))
    assert x.state == deployment_pb2.DEPLOYMENT_STATE_ROLLED_BACK
    assert x.error == deployment_pb2.DEPLOYMENT_ERROR_ALARM_ACTIVE
    for other in (c, c2, c3):
        assert other.state == deployment_pb2.DEPLOYMENT_STATE_SHIFTING
    with pytest.raises(aliasroute.InvalidParameterValueError):
        c.apply(aliasroute.alarm_event(20, "unknown-alarm"))


def test_check_deployment_against_function():
    reg = two_version_registry()
    fn = reg.get_function("checkout")
    aliasroute.check_deployment_against_function(spec(), fn)
    bad = spec()
    bad.current_version = "2"
    bad.target_version = "1"
    with pytest.raises(aliasroute.ResourceInUseError):
        aliasroute.check_deployment_against_function(bad, fn)
    missing = spec()
    missing.target_version = "9"
    with pytest.raises(aliasroute.ResourceNotFoundError):
        aliasroute.check_deployment_against_function(missing, fn.SerializeToString())


def test_deployment_set():
    ds = aliasroute.DeploymentSet()
    d = ds.create(spec("a"))
    assert len(ds) == 1
    with pytest.raises(aliasroute.ResourceExistsError):
        ds.create(spec("a"))
    with pytest.raises(aliasroute.ResourceInUseError, match="a"):
        ds.create(spec("b"))
    d.apply(aliasroute.start_event(100))
    # A live view: the set's member changed.
    assert ds.find("a").state == deployment_pb2.DEPLOYMENT_STATE_SHIFTING
    assert ds.find_active("checkout", "live").spec.deployment_id == "a"
    assert ds.find("zzz") is None
    with pytest.raises(aliasroute.ResourceInUseError):
        ds.remove("a")
    d.apply(aliasroute.stop_event(200))
    assert ds.find_active("checkout", "live") is None
    ds.remove("a")
    assert len(ds) == 0
    with pytest.raises(aliasroute.ResourceNotFoundError):
        ds.remove("a")
    # The view of a removed member raises instead of touching freed memory.
    with pytest.raises(aliasroute.ResourceNotFoundError, match="no longer"):
        d.state


def test_deployment_driver():
    reg = two_version_registry()
    router = aliasroute.Router(reg.snapshot())
    live = router.resolve("checkout:live")
    driver = aliasroute.DeploymentDriver.attach(reg, router, spec())
    assert driver.revision_id == reg.get_alias("checkout", "live").revision_id
    d = aliasroute.Deployment(spec())
    alias = driver.sync(d.apply(aliasroute.start_event(0)))
    assert isinstance(alias, registry_pb2.Alias)
    assert alias.routing_config == routing({"2": 100_000_000})
    assert reg.get_alias("checkout", "live") == alias
    assert router.route_with_point(live, 0) == "2"
    assert driver.revision_id == alias.revision_id
    # Someone else changes the alias: the driver refuses to overwrite it.
    reg.update_alias("checkout", "live", description="manual")
    d.tick(300_000)
    with pytest.raises(aliasroute.PreconditionFailedError):
        driver.sync(d.decision)
    # Registry-only driver; it keeps the registry alive on its own.
    other = aliasroute.DeploymentDriver.attach(two_version_registry(), None, spec())
    assert other.revision_id
    with pytest.raises(TypeError, match="Registry"):
        aliasroute.DeploymentDriver.attach(router, None, spec())


# ---- AWS JSON ----------------------------------------------------------------

def test_alias_json():
    a = aliasroute.AwsAlias.from_aws_json(aws_json("get-alias-weighted.json"))
    assert a.function_name == "my-function"
    assert a.alias_arn.endswith(":LIVE")
    assert a.alias.routing_config.additional_version_weights[0].weight_ppb == W5
    text = a.to_aws_json()
    assert aliasroute.alias_to_aws_json(a) == text
    b = aliasroute.alias_from_aws_json(text)
    assert b.alias == a.alias and b.alias_arn == a.alias_arn
    alias = b.alias
    alias.description = "changed"
    assert b.alias.description != "changed"  # A copy.
    b.alias = alias
    assert b.alias.description == "changed"
    c = aliasroute.AwsAlias(alias=registry_pb2.Alias(name="x", function_version="1"))
    assert '"Name": "x"' in c.to_aws_json()
    with pytest.raises(aliasroute.InvalidParameterValueError, match="FunctionVersion"):
        aliasroute.AwsAlias.from_aws_json('{"Name": "x"}')
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.AwsAlias.from_aws_json('{"Name": ')


def test_alias_list_json():
    lst = aliasroute.AwsAliasList.from_aws_json(aws_json("list-aliases.json"))
    assert [a.alias.name for a in lst.aliases] == ["BETA", "LIVE"]
    text = lst.to_aws_json()
    assert aliasroute.list_aliases_to_aws_json(lst) == text
    again = aliasroute.list_aliases_from_aws_json(text)
    assert [a.alias for a in again.aliases] == [a.alias for a in lst.aliases]
    built = aliasroute.AwsAliasList(aliases=lst.aliases[:1], next_marker="m")
    assert built.next_marker == "m"
    assert '"NextMarker": "m"' in built.to_aws_json()


def test_function_configuration_json():
    c = aliasroute.AwsFunctionConfiguration.from_aws_json(
        aws_json("get-function-configuration.json"))
    assert c.is_latest and c.version == "$LATEST"
    assert c.function_name == "my-function"
    assert c.configuration.memory_size_mb == 128
    assert c.last_modified.seconds > 0
    assert aliasroute.function_configuration_from_aws_json(c.to_aws_json()).configuration == (
        c.configuration)
    assert aliasroute.function_configuration_to_aws_json(c) == c.to_aws_json()
    latest = aliasroute.to_latest_state(c)
    assert isinstance(latest, registry_pb2.LatestState)
    assert latest.last_modified == c.last_modified
    with pytest.raises(aliasroute.InvalidParameterValueError):
        aliasroute.to_function_version(c)

    v = aliasroute.AwsFunctionConfiguration.from_aws_json(
        aws_json("get-function-configuration-version.json"))
    assert not v.is_latest
    fv = aliasroute.to_function_version(v)
    assert fv.version == "2" and fv.configuration.timeout_seconds == 30
    assert v.function_arn.endswith(":2") and v.revision_id
    built = aliasroute.AwsFunctionConfiguration(
        function_name="f", version="3", configuration=config(), revision_id="r",
        last_modified=None)
    assert built.last_modified is None
    built.last_modified = v.last_modified
    assert built.last_modified == v.last_modified
    built.configuration = v.configuration
    built.function_arn = ""
    assert '"FunctionName": "f"' in built.to_aws_json()


def test_version_list_json():
    lst = aliasroute.AwsVersionList.from_aws_json(aws_json("list-versions-by-function.json"))
    assert lst.versions[0].is_latest
    text = lst.to_aws_json()
    assert aliasroute.list_versions_to_aws_json(lst) == text
    assert len(aliasroute.list_versions_from_aws_json(text).versions) == len(lst.versions)
    built = aliasroute.AwsVersionList(versions=lst.versions, next_marker="n")
    assert len(built.versions) == len(lst.versions) and built.next_marker == "n"


def test_routing_and_traffic_json():
    rc = aliasroute.routing_config_from_aws_json(aws_json("routing-config.json"))
    assert rc == routing({"2": W5})
    assert aliasroute.routing_config_from_aws_json("AdditionalVersionWeights={2=0.05}") == rc
    assert aliasroute.routing_config_to_aws_shorthand(rc) == "AdditionalVersionWeights={2=0.05}"
    assert aliasroute.routing_config_from_aws_json(aliasroute.routing_config_to_aws_json(rc)) == rc
    with pytest.raises(aliasroute.InvalidParameterValueError, match=r'\["2"\]'):
        aliasroute.routing_config_from_aws_json('{"AdditionalVersionWeights": {"2": 1.5}}')

    t = aliasroute.traffic_routing_config_from_aws_json(aws_json("traffic-routing-canary.json"))
    assert t.time_based_canary.canary_percentage == 10
    assert t.time_based_canary.canary_interval_minutes == 5
    assert aliasroute.traffic_routing_config_from_aws_json(
        aliasroute.traffic_routing_config_to_aws_json(t)) == t
    info = aliasroute.traffic_routing_config_from_aws_json(aws_json("get-deployment-config.json"))
    assert info.name == "CodeDeployDefault.LambdaCanary10Percent5Minutes"
    assert "deploymentConfigInfo" in aliasroute.deployment_config_to_aws_json(info)
    assert aliasroute.MAX_AWS_JSON_BYTES == 8 << 20
    assert aliasroute.MAX_AWS_JSON_DEPTH == 64
    assert aliasroute.MAX_AWS_JSON_VALUES == 500_000


# ---- package -----------------------------------------------------------------

def test_package_surface():
    assert aliasroute.__version__
    assert "InvalidParameterValueError" in aliasroute.__all__
    assert "Router" in aliasroute.__all__
    # The error table is documented in the package docstring.
    for name in ("InvalidParameterValueError", "ResourceNotFoundError",
                 "ResourceExistsError", "ResourceInUseError",
                 "PreconditionFailedError", "TooManyRequestsError"):
        assert name in aliasroute.__doc__
    assert aliasroute.Router.__doc__ and "thread" in aliasroute.Router.__doc__
    assert aliasroute.MAX_EVENT_TIME_MS == 2**53
    assert aliasroute.DEFAULT_HOOK_TIMEOUT_MS == 3_600_000
    assert aliasroute.MAX_ALARMS == 10


def test_without_protobuf_mutations_fail_before_changing_anything():
    # In a fresh interpreter where protobuf cannot be imported: bytes-based
    # calls work, and a mutating call that would return a message raises
    # ImportError without having changed the registry.
    import subprocess
    import sys
    code = """
import sys
sys.modules["google"] = None
import aliasroute
reg = aliasroute.Registry()
try:
    reg.create_function("f")
except ImportError as e:
    assert "protobuf" in str(e), e
else:
    raise SystemExit("no ImportError")
assert reg.list_functions() == [], reg.list_functions()
assert aliasroute.sticky_point(1, "k") >= 0
assert len(reg.snapshot_bytes()) > 0
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, text=True,
                         stdout=subprocess.PIPE,
                         env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert out.stdout.strip() == "ok"


def test_all_protos_importable():
    import aliasroute.proto.registry_pb2 as r
    import aliasroute.proto.deployment_pb2 as d
    assert r.RegistrySnapshot.__module__ == "aliasroute.proto.registry_pb2"
    # deployment_pb2 imports registry_pb2 through the package, not `proto`.
    assert d.DeploymentSpec.DESCRIPTOR.file.dependencies[0].name == "proto/registry.proto"
    ev = d.DeploymentEvent(time_ms=1)
    assert d.DeploymentEvent.FromString(ev.SerializeToString()) == ev
