"""Routing from Python: the same snapshot and key give the same version as in
C++ and as `aliasroute route`, on every machine."""
import sys

from google.protobuf import json_format

import aliasroute
from aliasroute.proto import registry_pb2

path = sys.argv[1] if len(sys.argv) > 1 else "examples/registry.json"
with open(path) as f:
    snapshot = json_format.Parse(f.read(), registry_pb2.RegistrySnapshot())

router = aliasroute.Router(snapshot)
live = router.resolve("my-function:live")  # Once; then per request:
for user in ["alice", "bob", "user-4"]:
    print(user, "-> version", router.route(live, user))

schedule = aliasroute.Schedule("LambdaCanary10Percent5Minutes")
for change in schedule.timeline():
    print(f"{change.at_ms // 60000} min: {aliasroute.format_weight(change.weight_ppb)}")
