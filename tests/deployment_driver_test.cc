// Tests for lib/deployment_driver.h: a Deployment's decisions applied to a
// real Registry (with revision-id preconditions) and published to a real
// Router, end to end.

#include "lib/deployment_driver.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/deployment.h"
#include "lib/registry.h"
#include "lib/router.h"
#include "lib/weights.h"
#include "proto/deployment.pb.h"
#include "proto/registry.pb.h"
#include "tests/testing.h"

namespace aliasroute {
namespace {

using ::aliasroute_testing::StatusIs;
using ::testing::HasSubstr;

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kMin = 60'000;
constexpr char kRole[] = "arn:aws:iam::123456789012:role/app";

ExecutedVersion V(uint64_t n) { return ExecutedVersion::Published(n); }

class DriverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = Registry::Create(RegistryOptions()).value();
    CreateFunctionRequest create;
    create.function_name = "orders";
    create.configuration.set_role(kRole);
    create.configuration.set_code_sha256("sha-1");
    create.publish = true;  // Version 1.
    ASSERT_OK(registry_->CreateFunction(create).status());
    UpdateFunctionCodeRequest code;
    code.function_name = "orders";
    code.code_sha256 = "sha-2";
    ASSERT_OK(registry_->UpdateFunctionCode(code).status());
    PublishVersionRequest publish;
    publish.function_name = "orders";
    ASSERT_OK(registry_->PublishVersion(publish).status());  // Version 2.
    CreateAliasRequest alias;
    alias.function_name = "orders";
    alias.name = "live";
    alias.function_version = "1";
    ASSERT_OK(registry_->CreateAlias(alias).status());
    router_ = Router::Create(*registry_->Snapshot()).value();
    handle_ = router_->Resolve("orders:live").value();
  }

  v1::DeploymentSpec Spec() const {
    v1::DeploymentSpec spec;
    spec.set_deployment_id("d-1");
    spec.set_function_name("orders");
    spec.set_alias_name("live");
    spec.set_current_version("1");
    spec.set_target_version("2");
    spec.mutable_traffic_routing()->set_name("LambdaCanary10Percent5Minutes");
    spec.mutable_alarms()->set_enabled(true);
    return spec;
  }

  ExecutedVersion At(uint32_t point) const {
    return router_->RouteWithPoint(handle_, point).value();
  }

  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Router> router_;
  RouteHandle handle_;
};

TEST_F(DriverTest, CanaryEndToEnd) {
  Deployment d = Deployment::Create(Spec()).value();
  ASSERT_OK_AND_ASSIGN(DeploymentDriver driver,
                       DeploymentDriver::Attach(registry_.get(), router_.get(),
                                                d.spec()));
  const std::string rev0 = driver.revision_id();
  EXPECT_FALSE(rev0.empty());

  Decision x = d.Apply(StartEvent(kT0)).value();
  ASSERT_OK_AND_ASSIGN(v1::Alias alias, driver.Sync(x));
  EXPECT_EQ(alias.function_version(), "1");
  ASSERT_EQ(alias.routing_config().additional_version_weights_size(), 1);
  EXPECT_EQ(alias.routing_config().additional_version_weights(0).version(),
            "2");
  EXPECT_EQ(alias.routing_config().additional_version_weights(0).weight_ppb(),
            100'000'000u);
  EXPECT_NE(driver.revision_id(), rev0);
  // The router follows: exactly the first 10 % of the key space moved.
  EXPECT_EQ(At(0), V(2));
  EXPECT_EQ(At(99'999'999), V(2));
  EXPECT_EQ(At(100'000'000), V(1));
  EXPECT_EQ(At(999'999'999), V(1));

  // Syncing the same decision again writes nothing.
  const uint64_t generation = registry_->generation();
  const std::string rev1 = driver.revision_id();
  ASSERT_OK(driver.Sync(d.decision()).status());
  EXPECT_EQ(registry_->generation(), generation);
  EXPECT_EQ(driver.revision_id(), rev1);

  ASSERT_TRUE(d.Tick(kT0 + 5 * kMin).value());
  ASSERT_OK_AND_ASSIGN(alias, driver.Sync(d.decision()));
  EXPECT_EQ(alias.function_version(), "2");
  EXPECT_EQ(alias.routing_config().additional_version_weights_size(), 0);
  EXPECT_EQ(At(0), V(2));
  EXPECT_EQ(At(999'999'999), V(2));
  EXPECT_EQ(registry_->GetAlias("orders", "live")->function_version(), "2");
}

TEST_F(DriverTest, AlarmRollsTheRouterBack) {
  Deployment d = Deployment::Create(Spec()).value();
  DeploymentDriver driver =
      DeploymentDriver::Attach(registry_.get(), router_.get(), d.spec())
          .value();
  ASSERT_OK(driver.Sync(d.Apply(StartEvent(kT0)).value()).status());
  EXPECT_EQ(At(0), V(2));
  Decision x = d.Apply(AlarmEvent(kT0 + kMin, "errors")).value();
  ASSERT_EQ(x.state, v1::DEPLOYMENT_STATE_ROLLED_BACK);
  ASSERT_OK_AND_ASSIGN(v1::Alias alias, driver.Sync(x));
  EXPECT_EQ(alias.function_version(), "1");
  EXPECT_EQ(alias.routing_config().additional_version_weights_size(), 0);
  EXPECT_EQ(At(0), V(1));
  EXPECT_EQ(At(999'999'999), V(1));
}

TEST_F(DriverTest, AForeignChangeIsDetectedNotOverwritten) {
  Deployment d = Deployment::Create(Spec()).value();
  DeploymentDriver driver =
      DeploymentDriver::Attach(registry_.get(), router_.get(), d.spec())
          .value();
  ASSERT_OK(driver.Sync(d.Apply(StartEvent(kT0)).value()).status());
  UpdateAliasRequest other;
  other.function_name = "orders";
  other.name = "live";
  other.description = "edited by someone else";
  ASSERT_OK(registry_->UpdateAlias(other).status());
  const std::string snapshot = registry_->Snapshot()->SerializeAsString();

  ASSERT_TRUE(d.Tick(kT0 + 5 * kMin).value());
  EXPECT_THAT(driver.Sync(d.decision()),
              StatusIs(absl::StatusCode::kAborted,
                       HasSubstr("changed since the deployment last wrote "
                                 "it")));
  EXPECT_EQ(registry_->Snapshot()->SerializeAsString(), snapshot);
  EXPECT_EQ(At(0), V(2));  // The router still has the 10 % split.
  EXPECT_EQ(At(999'999'999), V(1));
}

TEST_F(DriverTest, AttachRefusesWhatCodeDeployRefuses) {
  UpdateAliasRequest weighted;
  weighted.function_name = "orders";
  weighted.name = "live";
  v1::RoutingConfig rc;
  auto* w = rc.add_additional_version_weights();
  w->set_version("2");
  w->set_weight_ppb(50'000'000);
  weighted.routing_config = rc;
  ASSERT_OK(registry_->UpdateAlias(weighted).status());
  EXPECT_THAT(
      DeploymentDriver::Attach(registry_.get(), router_.get(), Spec()),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr("already routes 5% to version \"2\"")));

  v1::DeploymentSpec missing = Spec();
  missing.set_function_name("payments");
  EXPECT_THAT(DeploymentDriver::Attach(registry_.get(), nullptr, missing),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("payments")));

  v1::DeploymentSpec unpublished = Spec();
  unpublished.set_target_version("3");
  weighted.routing_config = v1::RoutingConfig();
  ASSERT_OK(registry_->UpdateAlias(weighted).status());
  EXPECT_THAT(DeploymentDriver::Attach(registry_.get(), nullptr, unpublished),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("target_version \"3\"")));
}

TEST_F(DriverTest, RegistryOnlyWithoutARouter) {
  Deployment d = Deployment::Create(Spec()).value();
  DeploymentDriver driver =
      DeploymentDriver::Attach(registry_.get(), nullptr, d.spec()).value();
  ASSERT_OK(driver.Sync(d.Apply(StartEvent(kT0)).value()).status());
  EXPECT_EQ(registry_->GetAlias("orders", "live")
                ->routing_config()
                .additional_version_weights(0)
                .weight_ppb(),
            100'000'000u);
  EXPECT_EQ(At(0), V(1));  // This router was not told.
}

}  // namespace
}  // namespace aliasroute
