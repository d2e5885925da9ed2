// deployment_driver.h: carries a Deployment's decisions (lib/deployment.h)
// into a Registry (lib/registry.h) and a Router (lib/router.h).
//
// A Deployment only computes what the alias must look like; the driver makes
// the registry's alias look like that, guarded by the alias's revision id so
// that a change made by anyone else in between is detected (kAborted,
// PreconditionFailedException) instead of overwritten, and then publishes the
// new alias to the router so requests follow it.
//
// Example:
//   Deployment d = Deployment::Create(spec).value();
//   DeploymentDriver driver =
//       DeploymentDriver::Attach(registry.get(), router.get(), spec).value();
//   Decision x = d.Apply(StartEvent(now)).value();
//   absl::StatusOr<v1::Alias> alias = driver.Sync(x);   // 10 % to target
//   ...
//   if (d.Tick(later).value()) driver.Sync(d.decision());
//
// A DeploymentDriver is thread-compatible; the Registry and Router it points
// at are themselves thread-safe.

#ifndef ALIASROUTE_LIB_DEPLOYMENT_DRIVER_H_
#define ALIASROUTE_LIB_DEPLOYMENT_DRIVER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/deployment.h"
#include "lib/registry.h"
#include "lib/router.h"
#include "proto/deployment.pb.h"
#include "proto/registry.pb.h"

namespace aliasroute {

class DeploymentDriver {
 public:
  // Checks `spec` against the registry's current view of the function
  // (CheckDeploymentAgainstFunction: the alias exists, points at
  // current_version, routes no weight elsewhere; the target is published)
  // and remembers the alias's revision id. `registry` must be non-null;
  // `router` may be null (registry only). Both must outlive the driver.
  // Errors: the registry's GetFunction errors, and those of
  // CheckDeploymentAgainstFunction.
  [[nodiscard]] static absl::StatusOr<DeploymentDriver> Attach(
      Registry* registry, Router* router, const v1::DeploymentSpec& spec);

  // Movable; not copyable (two drivers would race on one revision id).
  DeploymentDriver(DeploymentDriver&&) = default;
  DeploymentDriver& operator=(DeploymentDriver&&) = default;
  DeploymentDriver(const DeploymentDriver&) = delete;
  DeploymentDriver& operator=(const DeploymentDriver&) = delete;

  // Makes the alias carry `decision`'s primary version and routing config:
  //   - when the registry's alias already carries them, writes nothing;
  //   - otherwise Registry::SetAliasRouting with the remembered revision id
  //     as precondition, and remembers the new one;
  //   - then, when there is a router and it has not yet seen this routing,
  //     Router::UpdateAlias with the stored alias.
  // Returns the alias as the registry stores it. Errors:
  //   - kAborted when the alias changed since the last Attach/Sync (someone
  //     else updated it): nothing is written; the deployment should be
  //     stopped or the driver re-attached;
  //   - the registry's UpdateAlias errors (nothing is written);
  //   - the router's UpdateAlias errors. The registry (the source of truth)
  //     then keeps the change; the next Sync retries the router, or publish
  //     a fresh Registry::Snapshot() to it.
  [[nodiscard]] absl::StatusOr<v1::Alias> Sync(const Decision& decision);

  // The alias revision id the next write will require.
  const std::string& revision_id() const { return revision_id_; }

 private:
  DeploymentDriver(Registry* registry, Router* router,
                   v1::DeploymentSpec spec, std::string revision_id);

  Registry* registry_;  // Not owned.
  Router* router_;      // Not owned; may be null.
  v1::DeploymentSpec spec_;
  std::string revision_id_;
  // The revision id the router last received (empty: none yet).
  std::string router_revision_id_;
};

}  // namespace aliasroute

#endif  // ALIASROUTE_LIB_DEPLOYMENT_DRIVER_H_
