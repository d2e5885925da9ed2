"""aliasroute: AWS Lambda versions, aliases, weighted routing and traffic shifts.

A Python binding of the aliasroute C++ library. Everything the C++ public API
offers is here, with Python names:

  ARNs         parse_function_ref, FunctionRef, function_arn, validate_*,
               classify_qualifier, QualifierKind
  weights      WEIGHT_SCALE (100 % in parts per billion), weight_from_double,
               weight_to_double, weight_from_percent, sum_weights,
               format_weight, routing_point, sticky_point, default_routing_seed
  layouts      VersionShare, alias_shares, canonical_layout, next_layout,
               validate_layout[_shape], version_at_point, version_less
  registry     Registry, RegistryOptions, validate_registry_snapshot,
               validate_routing_config, make_revision_id
  router       Router, RouteHandle, RouterOptions, RouterStats
  schedules    Schedule, ScheduleChange, predefined_traffic_routing_config[_names],
               validate_traffic_routing_config
  deployments  Deployment, DeploymentSet, Decision, DeploymentDriver (carries
               decisions into a Registry and Router), start_event, tick_event,
               hook_result_event, alarm_event, stop_event, resume_event,
               validate_deployment_spec, check_deployment_against_function
  AWS JSON     AwsAlias, AwsAliasList, AwsFunctionConfiguration, AwsVersionList
               (each with from_aws_json / to_aws_json), routing_config_*,
               traffic_routing_config_*, deployment_config_to_aws_json,
               to_function_version, to_latest_state

Messages. The data model is protobuf (package aliasroute.v1); its generated
classes are in ``aliasroute.proto.<name>_pb2`` (arn, registry, traffic,
deployment). Every call that takes a message accepts an instance of exactly
that class or its serialized bytes; every call that returns one returns a new
instance (a copy: changing it changes nothing inside aliasroute). Returning
messages needs the ``protobuf`` package; ``Registry.snapshot_bytes()`` and the
bytes arguments work without it.

Weights are integers in parts per billion (``WEIGHT_SCALE`` = 1_000_000_000 =
100 %); times of deployments are int milliseconds since the epoch; routing
results are version strings as Lambda reports ExecutedVersion ("$LATEST",
"7").

Errors. Every failed call raises a subclass of ``aliasroute.Error`` chosen by
the C++ absl::StatusCode; ``str(e)`` is the C++ message (it names the field,
the rule and the offending value), ``e.code`` the code's name and
``e.lambda_error`` the Lambda exception name:

  absl::StatusCode     e.code               exception                    also a
  -------------------  -------------------  ---------------------------  --------
  kInvalidArgument     INVALID_ARGUMENT     InvalidParameterValueError   ValueError
  kNotFound            NOT_FOUND            ResourceNotFoundError        KeyError
  kAlreadyExists       ALREADY_EXISTS       ResourceExistsError          -
  kFailedPrecondition  FAILED_PRECONDITION  ResourceInUseError           -
  kAborted             ABORTED              PreconditionFailedError      -
  kResourceExhausted   RESOURCE_EXHAUSTED   TooManyRequestsError         -
  any other code       its name             Error                        -

ResourceExistsError and ResourceInUseError are both ResourceConflictError
(Lambda's ResourceConflictException). A wrong Python type raises TypeError, a
schedule segment out of range IndexError. A failed call changes nothing.

Threads. Registry and Router are safe to share between threads; the GIL is
released while snapshots are restored, published or built into a router, and
while large batches are routed (Router.route_many, Router.route_buffer).
Deployment, DeploymentSet and the plain value classes are thread-compatible.

Example:

    import aliasroute
    from aliasroute.proto import registry_pb2

    reg = aliasroute.Registry()
    reg.create_function("checkout", registry_pb2.FunctionConfiguration(
        role="arn:aws:iam::123456789012:role/app", code_sha256="v1"),
        publish=True)
    reg.update_function_code("checkout", "v2", publish=True)
    reg.create_alias("checkout", "live", "1")
    reg.set_alias_routing("checkout", "live", "1", {"2": 50_000_000})  # 5 %

    router = aliasroute.Router(reg.snapshot())
    live = router.resolve("checkout:live")
    router.route(live, "user-42")              # "1" or "2", always the same
    router.route_many(live, ["a", "b", "c"])   # one call, list of versions

Three ways to get it: a Bazel dependency on //bindings/python:aliasroute; after
``bazel build //bindings/python:pkg``, PYTHONPATH=bazel-bin/bindings/python/pkg;
or ``pip install ./bindings/python`` (builds with Bazel, offline).
"""

from aliasroute import _aliasroute
from aliasroute._aliasroute import *  # noqa: F401,F403  (the public API)

__version__ = "0.1.0"

__all__ = sorted(name for name in dir(_aliasroute) if not name.startswith("_"))
