"""Speed of routing from Python: one route call, the bulk call per key, and a
pure-Python baseline (random.choices with weights), in ns per key.

    bazel run --config=opt //benchmarks:python_bench
    PYTHONPATH=$(bazel info --config=opt bazel-bin)/bindings/python/pkg \
        python3 benchmarks/python_bench.py

Aims (issue 6): a single call under 500 ns, the bulk call under 30 ns per key.
Each figure is the best of several repeats of a timed loop (timeit), so it
shows the cost without scheduler noise; the machine is shared, so compare
figures from one run only. No pytest: this is a plain script.
"""

import random
import sys
import timeit

import aliasroute

N_KEYS = 100_000
REPEATS = 5


def make_router():
    """Function checkout, versions 1 and 2, alias live = 1 + 5 % on 2. Built
    from a serialized snapshot so it needs no protobuf package."""
    reg = aliasroute.Registry()
    # FunctionConfiguration{role: ..., code_sha256: "v1"} serialized by hand
    # (field 5 role, field 9 code_sha256) to avoid importing protobuf here.
    role = b"arn:aws:iam::123456789012:role/app"
    cfg = bytes([0x2A, len(role)]) + role + bytes([0x4A, 2]) + b"v1"
    reg.create_function("checkout", cfg, publish=True)
    reg.update_function_code("checkout", "v2", publish=True)
    reg.create_alias("checkout", "live", "1")
    reg.set_alias_routing("checkout", "live", "1", {"2": 50_000_000})
    router = aliasroute.Router(reg.snapshot_bytes())
    return router, router.resolve("checkout:live")


def best_ns_per_key(stmt, number, keys_per_call, env):
    times = timeit.repeat(stmt, globals=env, number=number, repeat=REPEATS)
    return min(times) / (number * keys_per_call) * 1e9


def main():
    router, live = make_router()
    keys = ["user-%d" % i for i in range(N_KEYS)]
    bkeys = [k.encode() for k in keys]
    fixed = b"".join(b"%016d" % i for i in range(N_KEYS))
    versions, weights = ["1", "2"], [0.95, 0.05]
    env = dict(router=router, live=live, keys=keys, bkeys=bkeys, fixed=fixed,
               random=random, versions=versions, weights=weights)

    rows = [
        ("route(handle, str key), single call",
         best_ns_per_key("router.route(live, 'user-12345')", 200_000, 1, env)),
        ("route(handle, bytes key), single call",
         best_ns_per_key("router.route(live, b'user-12345')", 200_000, 1, env)),
        ("route_by_name(name, key), single call",
         best_ns_per_key("router.route_by_name('checkout:live', 'user-12345')",
                         200_000, 1, env)),
        ("route_random(handle), single call",
         best_ns_per_key("router.route_random(live)", 200_000, 1, env)),
        ("route_many(handle, %d str keys), per key" % N_KEYS,
         best_ns_per_key("router.route_many(live, keys)", 5, N_KEYS, env)),
        ("route_many(handle, %d bytes keys), per key" % N_KEYS,
         best_ns_per_key("router.route_many(live, bkeys)", 5, N_KEYS, env)),
        ("route_buffer(handle, %d x 16-byte keys), per key" % N_KEYS,
         best_ns_per_key("router.route_buffer(live, fixed, 16)", 5, N_KEYS, env)),
        ("baseline: random.choices(k=1), single call",
         best_ns_per_key("random.choices(versions, weights)", 200_000, 1, env)),
        ("baseline: random.choices(k=%d), per key" % N_KEYS,
         best_ns_per_key("random.choices(versions, weights, k=%d)" % N_KEYS, 5,
                         N_KEYS, env)),
        ("baseline: Python loop over keys, per key (no work)",
         best_ns_per_key("for k in keys: pass", 5, N_KEYS, env)),
    ]
    print("aliasroute Python binding, %s" % sys.version.split()[0])
    width = max(len(name) for name, _ in rows)
    for name, ns in rows:
        print("%-*s %9.1f ns/key" % (width, name, ns))
    single, bulk = rows[0][1], rows[4][1]
    print("aims: single < 500 ns: %s; bulk < 30 ns/key: %s" % (
        "met" if single < 500 else "MISSED", "met" if bulk < 30 else "MISSED"))


if __name__ == "__main__":
    main()
