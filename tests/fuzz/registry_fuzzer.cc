// Fuzz target for Registry::Restore (lib/registry.h).
//
// Input byte 0 picks the mode:
//   even: the rest is parsed as a serialized RegistrySnapshot;
//   odd:  a valid snapshot (two functions, versions, weighted aliases, one
//         deleted version) is serialized and the rest of the input mutates
//         it: each 3-byte group (position hi, position lo, value) XORs one
//         byte, so mutations stay close to a valid snapshot and reach the
//         deep checks (references, layouts, limits).
// Whatever the bytes, nothing may crash. A refused restore must leave the
// registry unchanged; an accepted one must give a snapshot that validates,
// round-trips byte for byte, and keeps working (publish never reuses a
// number, a new alias validates).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "lib/registry.h"

namespace {

using aliasroute::Registry;
namespace v1 = aliasroute::v1;

std::string Bytes(const v1::RegistrySnapshot& s) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    s.SerializeToCodedStream(&coded);
  }
  return out;
}

void Check(bool ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "registry_fuzzer: check failed: %s\n", what);
    abort();
  }
}

const std::string& ValidSnapshotBytes() {
  static const std::string* bytes = [] {
    aliasroute::RegistryOptions o;
    o.routing_mode = v1::ROUTING_MODE_EXTENDED;
    o.max_routing_versions = 3;
    o.revision_seed = 42;
    auto r = Registry::Create(o).value();
    for (const char* name : {"alpha", "beta"}) {
      aliasroute::CreateFunctionRequest c;
      c.function_name = name;
      c.configuration.set_role("arn:aws:iam::123456789012:role/app");
      c.configuration.set_code_sha256("s0");
      c.configuration.set_memory_size_mb(256);
      (*c.configuration.mutable_environment())["STAGE"] = "prod";
      c.now = absl::FromUnixSeconds(1'700'000'000);
      c.publish = true;
      (void)r->CreateFunction(c);
      for (int i = 1; i <= 4; ++i) {
        aliasroute::UpdateFunctionCodeRequest u;
        u.function_name = name;
        u.code_sha256 = absl::StrCat("s", i);
        u.publish = true;
        (void)r->UpdateFunctionCode(u);
      }
      (void)r->DeleteFunction(name, "2");
      aliasroute::CreateAliasRequest a;
      a.function_name = name;
      a.name = "live";
      a.function_version = "3";
      auto* w = a.routing_config.add_additional_version_weights();
      w->set_version("4");
      w->set_weight_ppb(100'000'000);
      w = a.routing_config.add_additional_version_weights();
      w->set_version("5");
      w->set_weight_ppb(250'000'000);
      (void)r->CreateAlias(a);
      a.name = "dev";
      a.function_version = "$LATEST";
      a.routing_config.Clear();
      (void)r->CreateAlias(a);
      (void)r->SetAliasRouting(name, "live", "3",
                               {{"4", 300'000'000}, {"5", 50'000'000}});
    }
    return new std::string(Bytes(*r->Snapshot()));
  }();
  return *bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string input;
  if (data[0] % 2 == 0) {
    input.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  } else {
    input = ValidSnapshotBytes();
    for (size_t i = 1; i + 2 < size; i += 3) {
      const size_t pos = ((size_t{data[i]} << 8) | data[i + 1]) % input.size();
      input[pos] = static_cast<char>(input[pos] ^ data[i + 2]);
    }
  }
  v1::RegistrySnapshot snapshot;
  if (!snapshot.ParseFromString(input)) return 0;

  auto registry = Registry::Create(aliasroute::RegistryOptions()).value();
  const std::string empty = Bytes(*registry->Snapshot());
  const absl::Status restored = registry->Restore(snapshot);
  Check(restored.ok() == aliasroute::ValidateRegistrySnapshot(snapshot).ok(),
        "Restore and ValidateRegistrySnapshot disagree");
  if (!restored.ok()) {
    Check(restored.code() == absl::StatusCode::kInvalidArgument,
          "refused restore is not kInvalidArgument");
    Check(Bytes(*registry->Snapshot()) == empty,
          "refused restore changed state");
    return 0;
  }
  std::shared_ptr<const v1::RegistrySnapshot> out = registry->Snapshot();
  Check(aliasroute::ValidateRegistrySnapshot(*out).ok(),
        "snapshot of a restored registry does not validate");
  const std::string bytes = Bytes(*out);
  auto copy = Registry::FromSnapshot(*out);
  Check(copy.ok(), "FromSnapshot refused a registry's own snapshot");
  Check(Bytes(*(*copy)->Snapshot()) == bytes,
        "round trip changed the snapshot");

  // Keep using it: publishing must take last_version_number + 1.
  for (const v1::Function& f : out->functions()) {
    aliasroute::UpdateFunctionCodeRequest u;
    u.function_name = f.name();
    u.code_sha256 = "fuzz-new-code";
    u.publish = true;
    absl::StatusOr<v1::FunctionVersion> v = registry->UpdateFunctionCode(u);
    if (v.ok()) {
      Check(v->version() == absl::StrCat(f.last_version_number() + 1) ||
                f.latest().configuration().code_sha256() == "fuzz-new-code",
            "publish after restore did not take last_version_number + 1");
    }
    aliasroute::CreateAliasRequest a;
    a.function_name = f.name();
    a.name = "fuzz-alias";
    a.function_version = "$LATEST";
    (void)registry->CreateAlias(a);
    break;
  }
  Check(aliasroute::ValidateRegistrySnapshot(*registry->Snapshot()).ok(),
        "snapshot after further calls does not validate");
  return 0;
}
