// cli_util.h: small helpers shared by the subcommands of the `aliasroute`
// command-line tool (tools/aliasroute.cc): argument parsing, exit codes,
// number/time/percent formatting, JSON string quoting and file I/O that
// writes nothing unless the whole result is ready.
//
// Example:
//   std::vector<aliasroute_cli::FlagSpec> specs = {
//       {"format", aliasroute_cli::FlagSpec::kValue},
//       {"svg", aliasroute_cli::FlagSpec::kValue}};
//   absl::StatusOr<aliasroute_cli::Args> args =
//       aliasroute_cli::ParseArgs(argv_rest, specs);
//   if (!args.ok()) return aliasroute_cli::UsageError("plan", args.status());
//
// Everything here is for the CLI only (not part of the library API); the
// functions are pure except the I/O ones, and none is thread-safe beyond what
// the C library guarantees for stdio.

#ifndef ALIASROUTE_TOOLS_CLI_UTIL_H_
#define ALIASROUTE_TOOLS_CLI_UTIL_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace aliasroute_cli {

// Process exit codes.
inline constexpr int kExitOk = 0;
// A validation problem or a failed operation (bad input file, unknown
// function, a failed invariant).
inline constexpr int kExitFailure = 1;
// A usage error: unknown flag, missing or extra argument, malformed value.
inline constexpr int kExitUsage = 2;

// Largest input file any subcommand reads, in bytes.
inline constexpr size_t kMaxInputBytes = size_t{256} << 20;

// One flag a subcommand accepts ("--name VALUE", "--name=VALUE" or "--name").
struct FlagSpec {
  enum Kind { kSwitch, kValue, kRepeated };
  std::string name;  // Without the leading "--".
  Kind kind = kSwitch;
};

// The result of ParseArgs. Intentionally copyable.
struct Args {
  // Flag name -> values in order (a switch has one empty value).
  std::map<std::string, std::vector<std::string>> flags;
  // Everything that is not a flag, in order. After "--" everything is
  // positional.
  std::vector<std::string> positionals;
  // "-h" or "--help" was given.
  bool help = false;

  bool Has(absl::string_view name) const;
  // The last value of `name`, or `fallback` when absent.
  std::string Get(absl::string_view name, absl::string_view fallback = "") const;
  // All values of a repeated flag (empty when absent).
  std::vector<std::string> GetAll(absl::string_view name) const;
};

// Parses `argv` (the arguments after the subcommand name) against `specs`.
// A lone "-" is a positional (stdin). Returns kInvalidArgument for an
// unknown flag, a value flag without a value, a value given to a switch, or
// a non-repeated flag given twice.
[[nodiscard]] absl::StatusOr<Args> ParseArgs(
    absl::Span<const std::string> argv, absl::Span<const FlagSpec> specs);

// Prints "aliasroute CMD: MESSAGE" and a hint to use --help on stderr and
// returns kExitUsage.
int UsageError(absl::string_view command, absl::string_view message);
// Prints "aliasroute CMD: MESSAGE" on stderr and returns kExitFailure.
int Failure(absl::string_view command, absl::string_view message);

// Reads a whole file ("-" is stdin). kNotFound when it cannot be opened,
// kInvalidArgument when it is larger than kMaxInputBytes, kUnknown on a read
// error. Messages name the path.
[[nodiscard]] absl::StatusOr<std::string> ReadFile(const std::string& path);

// True when `path` names an existing regular file.
bool IsRegularFile(const std::string& path);

// Writes `contents` to `path` atomically: to a temporary file in the same
// directory, then rename. On any error nothing is left at `path` (an
// existing file is kept unchanged) and the temporary file is removed.
[[nodiscard]] absl::Status WriteFileAtomically(const std::string& path,
                                               absl::string_view contents);

// Writes `text` to stdout and flushes; false on a write error.
bool WriteStdout(absl::string_view text);

// A JSON string literal for `s` (quotes included), escaping per RFC 8259.
std::string JsonQuote(absl::string_view s);

// Text for XML character data and attribute values.
std::string XmlEscape(absl::string_view s);

// A duration in ms as minutes:seconds, "5:00", "90:00", "0:30.500"
// (milliseconds only when not a whole second). Negative values get a "-".
std::string FormatClock(int64_t ms);

// A share in [0, 1] as a percentage with two decimals, "10.06%".
std::string FormatShare(double share);

// Parses a whole-percent-or-decimal percentage "12.5%" or "12.5" into ppb
// (at most 7 decimals, 0..100 %). kInvalidArgument naming `what`.
[[nodiscard]] absl::StatusOr<uint32_t> ParsePercent(absl::string_view text,
                                                    absl::string_view what);

// Parses a duration "90s", "10m", "2h", "500ms" (one unit, whole number,
// > 0) into ms. kInvalidArgument naming `what`.
[[nodiscard]] absl::StatusOr<int64_t> ParseDuration(absl::string_view text,
                                                    absl::string_view what);

// Parses a non-negative decimal number of minutes ("2", "2.5") into ms
// (rounded to the millisecond, at most 10^9 minutes). kInvalidArgument
// naming `what`.
[[nodiscard]] absl::StatusOr<int64_t> ParseMinutes(absl::string_view text,
                                                   absl::string_view what);

// Parses a whole number in [min, max]. kInvalidArgument naming `what`.
[[nodiscard]] absl::StatusOr<int64_t> ParseInt(absl::string_view text,
                                               absl::string_view what,
                                               int64_t min, int64_t max);

}  // namespace aliasroute_cli

#endif  // ALIASROUTE_TOOLS_CLI_UTIL_H_
