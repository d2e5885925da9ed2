// Fuzzes the CLI's input detection and validation (tools/cli_inputs.h): any
// bytes given to `aliasroute validate` / `plan` / `--registry` must give a
// kind or an error, and a list of problems, without crashing or hanging.
//
// Build and run:
//   bazel build --config=fuzz //tests/cli:cli_inputs_fuzzer
//   $(bazel info --config=fuzz bazel-bin)/tests/cli/cli_inputs_fuzzer \
//       -max_total_time=20 tests/cli/corpus

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "tools/cli_inputs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<aliasroute_cli::DocKind> kind = aliasroute_cli::DetectKind(text);
  if (!kind.ok()) return 0;
  std::string summary;
  const auto problems = aliasroute_cli::ValidateDocument(text, *kind, &summary);
  for (const auto& p : problems) {
    // Every problem names where it is and what is wrong.
    if (p.location.empty() || p.message.empty()) __builtin_trap();
  }
  if (kind.value() == aliasroute_cli::DocKind::kStepListText) {
    (void)aliasroute_cli::ParseStepList(text);
  }
  return 0;
}
