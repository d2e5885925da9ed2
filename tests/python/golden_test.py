"""Python routes every key of the router's golden vectors exactly as C++ does
(tests/golden/router_vectors.tsv, also read by tests/router_golden_test.cc),
and a 5 % canary gets 5 % of keys (chi-square)."""

from pathlib import Path

import pytest

import aliasroute
from aliasroute.proto import registry_pb2

GOLDEN = Path(__file__).parent.parent / "golden" / "router_vectors.tsv"
COLUMNS = ["routing_seed", "layout", "key_hex", "point", "version"]


def read_vectors():
    lines = GOLDEN.read_text().splitlines()
    assert lines[0].split("\t") == COLUMNS, "golden file header changed"
    rows = []
    for line in lines[1:]:
        if not line:
            continue
        seed, layout, key_hex, point, version = line.split("\t")
        segments = [(s.rsplit(":", 1)[0], int(s.rsplit(":", 1)[1]))
                    for s in layout.split(",")]
        rows.append((int(seed), segments, bytes.fromhex(key_hex), int(point), version))
    return rows


VECTORS = read_vectors()


def alias_for(name, seed, segments):
    """An alias whose layout is `segments`: the last segment's version is the
    primary, every other version gets the total it owns as its weight."""
    primary = segments[-1][0]
    owned, start = {}, 0
    for version, end in segments:
        owned[version] = owned.get(version, 0) + end - start
        start = end
    alias = registry_pb2.Alias(name=name, function_version=primary, routing_seed=seed)
    for version in sorted((v for v in owned if v != primary), key=int):
        alias.routing_config.additional_version_weights.add(
            version=version, weight_ppb=owned[version])
    for version, end in segments:
        alias.layout.segments.add(version=version, end_ppb=end)
    return alias


def golden_snapshot():
    """One function per row (f0, f1, ...), each with versions 1..20 published
    and alias "a" carrying the row's seed and layout."""
    snap = registry_pb2.RegistrySnapshot(format_version=1)
    snap.options.routing_mode = registry_pb2.ROUTING_MODE_EXTENDED
    snap.options.max_routing_versions = 32
    for i, (seed, segments, _, _, _) in enumerate(VECTORS):
        fn = snap.functions.add(name="f%04d" % i)
        fn.last_version_number = 20
        for n in range(1, 21):
            fn.versions.add(version=str(n))
        fn.aliases.append(alias_for("a", seed, segments))
    return snap


def test_golden_file_is_substantial():
    assert len(VECTORS) >= 100
    assert any(v == "$LATEST" for *_, v in VECTORS)
    assert any(k == b"" for _, _, k, _, _ in VECTORS)


def test_sticky_points_match():
    for seed, _, key, point, _ in VECTORS:
        assert aliasroute.sticky_point(seed, key) == point, (seed, key.hex())


def test_versions_at_points_match():
    for seed, segments, _, point, version in VECTORS:
        layout = registry_pb2.RoutingLayout()
        for v, end in segments:
            layout.segments.add(version=v, end_ppb=end)
        assert aliasroute.version_at_point(layout, point) == version


def test_router_routes_every_row_like_cpp():
    router = aliasroute.Router(golden_snapshot())
    for i, (seed, _, key, point, version) in enumerate(VECTORS):
        handle = router.resolve("f%04d:a" % i)
        assert router.route(handle, key) == version, (i, seed, key.hex())
        assert router.route_with_point(handle, point) == version
        assert router.route_many(handle, [key]) == [version]


# Chi-square critical value for 1 degree of freedom at alpha = 0.001:
# 10.828 (NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.4,
# "Critical Values of the Chi-Square Distribution", upper-tail table).
CHI2_1DF_ALPHA_0_001 = 10.828
N_KEYS = 200_000


def canary_router(weight_ppb):
    reg = aliasroute.Registry()
    cfg = registry_pb2.FunctionConfiguration(
        role="arn:aws:iam::123456789012:role/app", code_sha256="v1")
    reg.create_function("checkout", cfg, publish=True)
    reg.update_function_code("checkout", "v2", publish=True)
    reg.create_alias("checkout", "live", "1")
    reg.set_alias_routing("checkout", "live", "1", {"2": weight_ppb})
    return reg


def test_five_percent_canary_chi_square():
    reg = canary_router(50_000_000)
    router = aliasroute.Router(reg.snapshot())
    live = router.resolve("checkout:live")
    keys = ["user-%d" % i for i in range(N_KEYS)]  # Fixed keys: deterministic.
    routed = router.route_many(live, keys)
    observed_canary = routed.count("2")
    observed_primary = routed.count("1")
    assert observed_canary + observed_primary == N_KEYS
    expected_canary = N_KEYS * 0.05
    expected_primary = N_KEYS * 0.95
    chi2 = ((observed_canary - expected_canary) ** 2 / expected_canary
            + (observed_primary - expected_primary) ** 2 / expected_primary)
    assert chi2 < CHI2_1DF_ALPHA_0_001, (observed_canary, chi2)

    # Raising the canary to 10 % moves keys only from 1 to 2 (P2).
    reg.set_alias_routing("checkout", "live", "1", {"2": 100_000_000})
    router.publish(reg.snapshot())
    after = router.route_many(live, keys)
    assert all(b == "2" for a, b in zip(routed, after) if a == "2")
    moved = sum(1 for a, b in zip(routed, after) if a != b)
    assert 0.04 * N_KEYS < moved < 0.06 * N_KEYS
    # And rolling back restores the assignment exactly (P4).
    reg.set_alias_routing("checkout", "live", "1", {"2": 50_000_000})
    router.publish(reg.snapshot())
    assert router.route_many(live, keys) == routed


def test_chi_square_detects_a_wrong_split():
    # The test above can fail: the same statistic rejects a 6 % split
    # measured against the 5 % expectation.
    reg = canary_router(60_000_000)
    router = aliasroute.Router(reg.snapshot())
    routed = router.route_many(router.resolve("checkout:live"),
                               ["user-%d" % i for i in range(N_KEYS)])
    c = routed.count("2")
    e = N_KEYS * 0.05
    chi2 = (c - e) ** 2 / e + ((N_KEYS - c) - (N_KEYS - e)) ** 2 / (N_KEYS - e)
    assert chi2 > CHI2_1DF_ALPHA_0_001
