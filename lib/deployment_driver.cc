#include "lib/deployment_driver.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/errors.h"
#include "lib/layout.h"

namespace aliasroute {
namespace {

// (version, weight) of every entry routing a non-zero weight, in order.
std::vector<std::pair<std::string, uint32_t>> NonZero(
    const v1::RoutingConfig& c) {
  std::vector<std::pair<std::string, uint32_t>> out;
  for (const v1::VersionWeight& w : c.additional_version_weights()) {
    if (w.weight_ppb() > 0) out.emplace_back(w.version(), w.weight_ppb());
  }
  return out;
}

}  // namespace

DeploymentDriver::DeploymentDriver(Registry* registry, Router* router,
                                   v1::DeploymentSpec spec,
                                   std::string revision_id)
    : registry_(registry),
      router_(router),
      spec_(std::move(spec)),
      revision_id_(std::move(revision_id)) {}

absl::StatusOr<DeploymentDriver> DeploymentDriver::Attach(
    Registry* registry, Router* router, const v1::DeploymentSpec& spec) {
  if (registry == nullptr) {
    return InvalidParameterValue("registry must not be null");
  }
  absl::StatusOr<v1::Function> function =
      registry->GetFunction(spec.function_name());
  if (!function.ok()) return function.status();
  // The registry may have been given a partial or full ARN; compare by the
  // name it stores.
  v1::DeploymentSpec named = spec;
  named.set_function_name(function->name());
  absl::Status st = CheckDeploymentAgainstFunction(named, *function);
  if (!st.ok()) return st;
  std::string revision;
  for (const v1::Alias& a : function->aliases()) {
    if (a.name() == spec.alias_name()) revision = a.revision_id();
  }
  return DeploymentDriver(registry, router, std::move(named),
                          std::move(revision));
}

absl::StatusOr<v1::Alias> DeploymentDriver::Sync(const Decision& decision) {
  absl::StatusOr<v1::Alias> alias =
      registry_->GetAlias(spec_.function_name(), spec_.alias_name());
  if (!alias.ok()) return alias.status();
  if (alias->revision_id() != revision_id_) {
    return PreconditionFailed(absl::StrCat(
        "alias \"", spec_.alias_name(), "\" of function \"",
        spec_.function_name(), "\" changed since the deployment last wrote it "
        "(revision id \"", alias->revision_id(), "\", expected \"",
        revision_id_, "\")"));
  }
  const bool same = alias->function_version() == decision.primary_version &&
                    NonZero(alias->routing_config()) ==
                        NonZero(decision.routing_config);
  if (!same) {
    std::vector<VersionShare> shares;
    for (const v1::VersionWeight& w :
         decision.routing_config.additional_version_weights()) {
      shares.push_back(VersionShare{w.version(), w.weight_ppb()});
    }
    absl::StatusOr<v1::Alias> updated = registry_->SetAliasRouting(
        spec_.function_name(), spec_.alias_name(), decision.primary_version,
        shares, revision_id_);
    if (!updated.ok()) return updated.status();
    alias = *std::move(updated);
    revision_id_ = alias->revision_id();
  }
  if (router_ != nullptr && router_revision_id_ != alias->revision_id()) {
    absl::Status st = router_->UpdateAlias(spec_.function_name(), *alias);
    if (!st.ok()) return st;
    router_revision_id_ = alias->revision_id();
  }
  return alias;
}

}  // namespace aliasroute
