// registry.h: the versioning control plane. Functions with a mutable
// "$LATEST", immutable published versions numbered 1, 2, 3..., aliases with
// weighted routing, revision ids, and the snapshot that carries all of it to
// routers (lib/router.h) and other processes.
//
// The rules follow the Lambda API reference page of each call (PublishVersion,
// CreateAlias, UpdateAlias, GetAlias, ListAliases, DeleteAlias,
// ListVersionsByFunction, DeleteFunction); the .cc names the page per rule and
// ../shared/notes/aws-semantics.md (sections 2-3) quotes them.
//
// Two routing modes, chosen per registry and recorded in its snapshot:
//   - v1::ROUTING_MODE_AWS_COMPATIBLE: exactly AWS's alias rules: at most one
//     additional version, weights in [0, 100 %], every weighted version
//     published (no "$LATEST"), the same execution role and dead-letter target
//     on every version an alias routes to, versions must exist.
//   - v1::ROUTING_MODE_EXTENDED: the same rules with up to
//     RegistryOptions::max_routing_versions additional versions (sum <= 100 %).
//
// Weights are exact integers in parts per billion (lib/weights.h). Revision
// ids are UUID-shaped strings derived deterministically from
// (revision_seed, revision_counter) with XXH3-128: the library has no clock and
// no randomness, so replaying the same calls gives byte-identical snapshots.
// Times are passed in by the caller (`now` fields); an unset `now` leaves the
// Timestamp unset.
//
// Every call that takes a function name accepts the three forms the Lambda
// API does: "my-function", "123456789012:function:my-function" and
// "arn:aws:lambda:us-east-1:123456789012:function:my-function" (lib/arn.h).
// An ARN naming another partition, region or account is kNotFound. Calls that
// take a qualifier accept it in the name ("my-function:live") or as a separate
// argument; both at once must agree. Calls that take no qualifier refuse a
// qualified name with kInvalidArgument.
//
// Errors (see lib/errors.h for the Lambda exception names):
//   kInvalidArgument     InvalidParameterValueException: malformed name,
//                        qualifier, version, configuration field, routing
//                        config; CodeSha256 precondition mismatch.
//   kNotFound            ResourceNotFoundException: function, version or
//                        alias does not exist.
//   kAlreadyExists       ResourceConflictException: function or alias exists.
//   kFailedPrecondition  ResourceConflictException: deleting a version that
//                        an alias references.
//   kAborted             PreconditionFailedException: stale revision id.
//   kResourceExhausted   TooManyRequestsException: a configured limit is hit.
// A call that fails changes nothing (strong guarantee): Snapshot() before
// and after is byte-identical.
//
// Example:
//   aliasroute::RegistryOptions options;
//   options.region = "us-west-2";
//   std::unique_ptr<aliasroute::Registry> registry =
//       aliasroute::Registry::Create(options).value();
//
//   aliasroute::CreateFunctionRequest create;
//   create.function_name = "checkout";
//   create.configuration.set_role("arn:aws:iam::123456789012:role/app");
//   create.configuration.set_code_sha256("v1-sha");
//   create.publish = true;                        // version "1"
//   registry->CreateFunction(create).value();
//
//   aliasroute::UpdateFunctionCodeRequest code;
//   code.function_name = "checkout";
//   code.code_sha256 = "v2-sha";
//   registry->UpdateFunctionCode(code).value();
//   aliasroute::PublishVersionRequest publish;
//   publish.function_name = "checkout";
//   registry->PublishVersion(publish).value();   // version "2"
//
//   aliasroute::CreateAliasRequest alias;
//   alias.function_name = "checkout";
//   alias.name = "live";
//   alias.function_version = "1";
//   auto* w = alias.routing_config.add_additional_version_weights();
//   w->set_version("2");
//   w->set_weight_ppb(100'000'000);               // 10 % to version 2
//   registry->CreateAlias(alias).value();
//
//   std::shared_ptr<const aliasroute::v1::RegistrySnapshot> snap =
//       registry->Snapshot();                     // hand to the router
//
// Thread safety
// -------------
// A Registry is safe for concurrent use from multiple threads without external
// synchronization. The model:
//   1. The whole state is an immutable value behind a
//      std::shared_ptr<const State>; each function inside it is itself an
//      immutable v1::Function behind its own std::shared_ptr<const ...>.
//   2. Writers (every call that can change state, and Restore) serialize on a
//      writer mutex. A writer builds the new state off to the side, sharing
//      every unchanged function with the old state (copy-on-write per
//      function), then swaps the state pointer under a short lock.
//   3. Readers (Get*, List*, Snapshot, options) take that short lock only to
//      copy the pointer, then read without any lock. A reader never waits for
//      a writer's validation or copying, and always sees one consistent state
//      (the state before or after a whole call, never a mix).
//   4. Snapshot() builds the v1::RegistrySnapshot at most once per state and
//      shares it with every caller of that state; the returned message is
//      immutable and stays valid as long as the caller holds the pointer.
// Cost: a read copies out only what it returns. A write copies the function
// it changes (its versions and aliases) plus one of 64 buckets of the index
// of functions, so it is O(size of that function + F/64) for F functions.
// ListFunctions sorts names, O(F log F). Snapshot() after a change and
// Restore are O(size of the registry).

#ifndef ALIASROUTE_LIB_REGISTRY_H_
#define ALIASROUTE_LIB_REGISTRY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "lib/layout.h"
#include "proto/registry.pb.h"

namespace aliasroute {

// The unpublished state's name, as the Lambda API spells it.
inline constexpr absl::string_view kLatestVersion = "$LATEST";

// RegistrySnapshot.format_version this library writes and reads.
inline constexpr uint32_t kRegistrySnapshotFormatVersion = 1;

// Default limits (used when an option is 0). AWS documents no per-function
// version quota; these keep memory bounded.
inline constexpr uint32_t kDefaultMaxFunctions = 10'000;
inline constexpr uint32_t kDefaultMaxVersionsPerFunction = 10'000;
inline constexpr uint32_t kDefaultMaxAliasesPerFunction = 100;
inline constexpr uint32_t kDefaultMaxRoutingVersions = 16;

// Hard caps on the limits themselves (a larger option is kInvalidArgument).
inline constexpr uint32_t kMaxRoutingVersionsCap = 1'000;

// Field size limits (bytes), from the Lambda API reference where it has one.
inline constexpr size_t kMaxDescriptionBytes = 256;    // Description.
inline constexpr size_t kMaxRuntimeBytes = 64;         // Runtime (ours).
inline constexpr size_t kMaxHandlerBytes = 128;        // Handler.
inline constexpr size_t kMaxArnFieldBytes = 2'048;     // Role, DLQ target.
inline constexpr size_t kMaxCodeSha256Bytes = 128;     // CodeSha256.
inline constexpr size_t kMaxEnvironmentBytes = 4'096;  // All variables.
inline constexpr size_t kMaxRevisionIdBytes = 128;     // Revision ids.

// How a registry is set up. Intentionally copyable.
struct RegistryOptions {
  // Alias routing rules (see the file comment). UNSPECIFIED means
  // AWS_COMPATIBLE.
  v1::RoutingMode routing_mode = v1::ROUTING_MODE_AWS_COMPATIBLE;
  // Limits, as counts; 0 means the kDefault* value above.
  uint32_t max_functions = kDefaultMaxFunctions;
  uint32_t max_versions_per_function = kDefaultMaxVersionsPerFunction;
  uint32_t max_aliases_per_function = kDefaultMaxAliasesPerFunction;
  // Most additional versions in one alias in EXTENDED mode (AWS_COMPATIBLE
  // mode always allows exactly 1). At most kMaxRoutingVersionsCap.
  uint32_t max_routing_versions = kDefaultMaxRoutingVersions;
  // Where the registry lives; ARNs it formats use these, and ARNs naming
  // anything else are not found. Validated like the parts of a Lambda ARN.
  std::string partition = "aws";
  std::string region = "us-east-1";
  std::string account_id = "123456789012";
  // Seed of the deterministic revision-id generator.
  uint64_t revision_seed = 0;
};

// CreateFunction: a new function whose $LATEST holds `configuration`.
struct CreateFunctionRequest {
  // Name, partial or full ARN; no qualifier.
  std::string function_name;
  // The $LATEST configuration (code_sha256 and code_size_bytes included).
  v1::FunctionConfiguration configuration;
  // Also publish version 1 (Lambda CreateFunction "Publish").
  bool publish = false;
  // Time of the call; unset leaves LastModified (and Created) unset.
  std::optional<absl::Time> now;
};

// UpdateFunctionCode: new code for $LATEST.
struct UpdateFunctionCodeRequest {
  // Name, partial or full ARN; no qualifier.
  std::string function_name;
  // Base64 SHA-256 of the new package; must be non-empty.
  std::string code_sha256;
  // Size of the new package, bytes.
  uint64_t code_size_bytes = 0;
  // Architectures of the new package; unset keeps the current ones.
  std::optional<std::vector<std::string>> architectures;
  // Expected $LATEST revision id; empty means no check.
  std::string revision_id;
  // Also publish a version after the update (Lambda "Publish").
  bool publish = false;
  // Time of the call; unset leaves LastModified unset.
  std::optional<absl::Time> now;
};

// UpdateFunctionConfiguration: each set field replaces $LATEST's value; unset
// fields keep theirs (as the Lambda API does for omitted parameters).
struct UpdateFunctionConfigurationRequest {
  // Name, partial or full ARN; no qualifier.
  std::string function_name;
  std::optional<std::string> runtime;
  std::optional<std::string> handler;
  std::optional<uint32_t> memory_size_mb;  // MB; 0 = not set, else 128..10240.
  std::optional<uint32_t>
      timeout_seconds;              // Seconds; 0 = not set, else 1..900.
  std::optional<std::string> role;  // Execution role ARN.
  std::optional<std::string> dead_letter_target_arn;  // "" removes it.
  std::optional<std::map<std::string, std::string>> environment;
  std::optional<std::string> description;
  // Expected $LATEST revision id; empty means no check.
  std::string revision_id;
  // Time of the call; unset leaves LastModified unset.
  std::optional<absl::Time> now;
};

// PublishVersion: freeze $LATEST into the next version number.
struct PublishVersionRequest {
  // Name, partial or full ARN; no qualifier.
  std::string function_name;
  // Only publish if $LATEST's CodeSha256 equals this; empty means no check.
  std::string code_sha256;
  // Only publish if $LATEST's revision id equals this; empty means no check.
  std::string revision_id;
  // Description of the new version, overriding $LATEST's; unset keeps it.
  // Ignored when nothing changed since the last publish (AWS does the same).
  std::optional<std::string> description;
  // Time of the call; unset leaves FunctionVersion.created unset.
  std::optional<absl::Time> now;
};

// CreateAlias.
struct CreateAliasRequest {
  // Name, partial or full ARN; no qualifier.
  std::string function_name;
  // Alias name: 1-128 of [a-zA-Z0-9-_], not all digits.
  std::string name;
  // Primary version: "$LATEST" or an existing published version number.
  std::string function_version;
  // At most kMaxDescriptionBytes.
  std::string description;
  // Additional versions and their weights (ppb), in any order; the registry
  // stores them sorted ascending by version number.
  v1::RoutingConfig routing_config;
};

// UpdateAlias: each set field replaces the alias's value; unset fields keep
// theirs. Note that an unset routing_config keeps the current weights, so
// moving function_version onto the current additional version needs
// routing_config set to an empty config (AWS behaves the same).
struct UpdateAliasRequest {
  // Name, partial or full ARN; no qualifier.
  std::string function_name;
  // The alias to update.
  std::string name;
  std::optional<std::string> function_version;
  std::optional<std::string> description;
  std::optional<v1::RoutingConfig> routing_config;
  // Expected alias revision id; empty means no check.
  std::string revision_id;
};

// A registry of functions, versions and aliases. Thread-safe (see the file
// comment).
class Registry {
 public:
  // A new, empty registry. kInvalidArgument when an option is malformed
  // (unknown routing mode, partition/region/account not valid ARN parts,
  // max_routing_versions over kMaxRoutingVersionsCap).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Registry>> Create(
      const RegistryOptions& options);

  // A registry holding `snapshot` (options, location and functions come from
  // it). Same validation and errors as Restore.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Registry>> FromSnapshot(
      const v1::RegistrySnapshot& snapshot);

  // Holds a mutex: neither copyable nor movable.
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry();

  // ---- Functions ------------------------------------------------------

  // Creates a function. Returns the new function. kInvalidArgument for a
  // malformed name or configuration field; kAlreadyExists ("Function
  // already exist: <name>", AWS's wording) when the name is taken;
  // kResourceExhausted when max_functions functions exist.
  [[nodiscard]] absl::StatusOr<v1::Function> CreateFunction(
      const CreateFunctionRequest& request);

  // Replaces $LATEST's code (and, if set, architectures). Returns $LATEST in
  // the shape of GetFunctionConfiguration (or the new version when
  // request.publish). An update that changes nothing returns $LATEST
  // unchanged, with the same revision id. kNotFound, kInvalidArgument,
  // kAborted (stale revision_id), and with publish the errors of
  // PublishVersion.
  [[nodiscard]] absl::StatusOr<v1::FunctionVersion> UpdateFunctionCode(
      const UpdateFunctionCodeRequest& request);

  // Replaces the set configuration fields of $LATEST. Returns $LATEST as
  // GetFunctionConfiguration does. An update that changes nothing is not an
  // error and leaves the revision id alone. kNotFound, kInvalidArgument,
  // kAborted.
  [[nodiscard]] absl::StatusOr<v1::FunctionVersion> UpdateFunctionConfiguration(
      const UpdateFunctionConfigurationRequest& request);

  // The whole function: $LATEST, versions ascending, aliases ascending.
  // `function_name` takes no qualifier. kNotFound, kInvalidArgument.
  [[nodiscard]] absl::StatusOr<v1::Function> GetFunction(
      absl::string_view function_name) const;

  // Names of all functions, ascending. Never fails.
  std::vector<std::string> ListFunctions() const;

  // Without a qualifier, deletes the function with all its versions and
  // aliases. With a version number, deletes that version. Lambda
  // DeleteFunction rules:
  //   - kFailedPrecondition "Unable to delete version because the following
  //     aliases reference it: [live]" when an alias points at the version as
  //     primary or additional version;
  //   - kInvalidArgument "$LATEST version cannot be deleted without deleting
  //     the function." for "$LATEST";
  //   - kInvalidArgument "Deletion of aliases is not currently supported." for
  //     an alias name (use DeleteAlias);
  //   - a missing version of an existing function is not an error (no-op);
  //   - kNotFound "Function not found: <arn>" for a missing function.
  // Deleted version numbers are never issued again. A function deleted and
  // created anew starts again at version 1 (the snapshot keeps no record of
  // deleted functions).
  [[nodiscard]] absl::Status DeleteFunction(absl::string_view function_name,
                                            absl::string_view qualifier = {});

  // ---- Versions -------------------------------------------------------

  // Publishes $LATEST as version last_version_number + 1, which becomes the
  // function's newest version; $LATEST gets a new revision id. When nothing
  // changed since the newest version was published (and it still exists),
  // returns that version and changes nothing, ignoring `description`.
  // kNotFound; kInvalidArgument "CodeSHA256 (x) is different from current
  // CodeSHA256 in $LATEST (y). Please try again with the CodeSHA256 in
  // $LATEST." on a code_sha256 mismatch; kAborted "The Revision Id provided
  // does not match the latest Revision Id. ..." on a revision_id mismatch;
  // kResourceExhausted when max_versions_per_function versions exist.
  [[nodiscard]] absl::StatusOr<v1::FunctionVersion> PublishVersion(
      const PublishVersionRequest& request);

  // The configuration a qualifier resolves to, as one FunctionVersion:
  //   - "" or "$LATEST": version "$LATEST", $LATEST's configuration and
  //     revision id, `created` = $LATEST's last_modified;
  //   - a version number: that published version;
  //   - an alias name: the alias's primary version (as Lambda
  //     GetFunctionConfiguration does).
  // The qualifier may also come inside `function_name`; both must agree
  // (kInvalidArgument "The derived qualifier from the function name does not
  // match the specified qualifier."). kNotFound "Function not found: <arn>"
  // for a missing function or version (the ARN carries the qualifier).
  [[nodiscard]] absl::StatusOr<v1::FunctionVersion> GetFunctionConfiguration(
      absl::string_view function_name, absl::string_view qualifier = {}) const;

  // $LATEST first (as GetFunctionConfiguration("$LATEST")), then published
  // versions ascending by number. kNotFound, kInvalidArgument. Cost: copies
  // every version.
  [[nodiscard]] absl::StatusOr<std::vector<v1::FunctionVersion>>
  ListVersionsByFunction(absl::string_view function_name) const;

  // ---- Aliases --------------------------------------------------------

  // Creates an alias. Returns it with its revision id and layout.
  // kInvalidArgument for a malformed name, version or routing config (see the
  // file comment and ValidateRoutingConfig), kNotFound "Function not found:
  // <arn>:<version>" for a missing function or version, kAlreadyExists "Alias
  // already exists: <alias arn>", kResourceExhausted when
  // max_aliases_per_function aliases exist.
  [[nodiscard]] absl::StatusOr<v1::Alias> CreateAlias(
      const CreateAliasRequest& request);

  // Updates an alias; the alias's layout moves the fewest keys
  // (lib/layout.h NextLayout). Returns the alias. An update that changes
  // nothing returns the alias unchanged (same revision id). kNotFound "Alias
  // not found: <alias arn>" for a missing alias, kAborted "The Revision Id
  // provided does not match the latest Revision Id. ..." for a stale
  // revision_id, and CreateAlias's errors for the new values.
  [[nodiscard]] absl::StatusOr<v1::Alias> UpdateAlias(
      const UpdateAliasRequest& request);

  // Convenience for deployments: sets the alias's primary version and the
  // weights (ppb) of its additional versions, in any order, replacing the
  // whole routing config; `expected_revision_id` empty means no check. Same
  // results and errors as UpdateAlias.
  [[nodiscard]] absl::StatusOr<v1::Alias> SetAliasRouting(
      absl::string_view function_name, absl::string_view alias_name,
      absl::string_view primary_version,
      absl::Span<const VersionShare> additional,
      absl::string_view expected_revision_id = {});

  // The alias. kNotFound "Cannot find alias arn: <alias arn>" when missing
  // (the function missing too is "Function not found: <arn>").
  [[nodiscard]] absl::StatusOr<v1::Alias> GetAlias(
      absl::string_view function_name, absl::string_view alias_name) const;

  // Aliases ascending by name. A non-empty `function_version` keeps only the
  // aliases that route to it, as primary or as additional version ("list
  // aliases that invoke that version", Lambda ListAliases). kNotFound,
  // kInvalidArgument for a malformed function_version.
  [[nodiscard]] absl::StatusOr<std::vector<v1::Alias>> ListAliases(
      absl::string_view function_name,
      absl::string_view function_version = {}) const;

  // Deletes the alias. Deleting a missing alias is OK and changes nothing
  // (Lambda DeleteAlias returns 204). kNotFound for a missing function,
  // kInvalidArgument for a malformed alias name.
  [[nodiscard]] absl::Status DeleteAlias(absl::string_view function_name,
                                         absl::string_view alias_name);

  // ---- Snapshot -------------------------------------------------------

  // The whole registry as an immutable message (format_version 1, effective
  // options, location, functions ascending by name, generator state,
  // generation). Built at most once per state and shared; cost O(size of the
  // registry) for the first caller after a change, O(1) after that.
  std::shared_ptr<const v1::RegistrySnapshot> Snapshot() const;

  // Replaces the whole state (options, location, functions, generator state,
  // generation) with `snapshot` after validating all of it (see
  // ValidateRegistrySnapshot). On any problem returns kInvalidArgument naming
  // the function/version/alias and the rule, and changes nothing.
  // Restore(*Snapshot()) leaves Snapshot() byte-identical.
  [[nodiscard]] absl::Status Restore(const v1::RegistrySnapshot& snapshot);

  // ---- Small helpers --------------------------------------------------

  // The effective options (0s replaced by defaults).
  RegistryOptions options() const;

  // The full ARN of `function_name` in this registry's partition/region/
  // account, with ":qualifier" when non-empty. No validation.
  std::string Arn(absl::string_view function_name,
                  absl::string_view qualifier = {}) const;

  // Increases by one on every successful change (no-op calls leave it).
  uint64_t generation() const;

 private:
  struct State;
  explicit Registry(std::shared_ptr<const State> state);

  std::shared_ptr<const State> Load() const;
  void Store(std::shared_ptr<const State> state);

  // std::mutex rather than absl::Mutex: Debian's prebuilt Abseil is not
  // built with ThreadSanitizer, so TSan cannot see absl::Mutex and would
  // report false races; libstdc++'s mutex is intercepted by TSan.
  //
  // Serializes writers (every mutating call and Restore).
  std::mutex writer_mu_;
  // Guards only the pointer swap of state_ (held for a pointer copy).
  mutable std::mutex state_mu_;
  // Guarded by state_mu_. Replaced only by a writer holding writer_mu_.
  std::shared_ptr<const State> state_;
};

// Checks that `snapshot` is a valid registry: format_version 1, known routing
// mode, limits within caps (0 = default), valid location, functions ascending
// by unique valid names and within max_functions; per function: valid $LATEST
// configuration and non-empty revision id, versions ascending with unique
// valid numbers <= last_version_number and within the limit, each with a valid
// configuration and non-empty revision id; aliases ascending with unique valid
// names and within the limit, each with a valid routing config under the
// snapshot's mode that references existing versions, and a layout that is
// empty or valid for its weights (lib/layout.h ValidateLayout). OK or
// kInvalidArgument naming the place and the rule. Pure and thread-safe.
[[nodiscard]] absl::Status ValidateRegistrySnapshot(
    const v1::RegistrySnapshot& snapshot);

// Checks `config` as the routing config of an alias whose primary is
// `primary`, for a registry in `mode` allowing `max_routing_versions`
// additional versions in EXTENDED mode: count, version syntax, no
// duplicates, sorted ascending (when `require_sorted`), additional !=
// primary, weights <= 100 % each and in sum, and primary not "$LATEST" when
// weighted. Does not check existence, roles or dead-letter targets (that
// needs the function; the registry does it). OK or kInvalidArgument with
// AWS's message where AWS has one. Pure and thread-safe.
[[nodiscard]] absl::Status ValidateRoutingConfig(
    const v1::RoutingConfig& config, absl::string_view primary,
    v1::RoutingMode mode, uint32_t max_routing_versions, bool require_sorted);

// The revision id the generator issues for (seed, counter): the XXH3-128 of
// the counter (8 bytes, little-endian) with the seed, formatted as
// 8-4-4-4-12 lowercase hex. Pure and thread-safe.
std::string MakeRevisionId(uint64_t seed, uint64_t counter);

}  // namespace aliasroute

#endif  // ALIASROUTE_LIB_REGISTRY_H_
