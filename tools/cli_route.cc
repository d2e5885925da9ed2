// `aliasroute route REGISTRY NAME [KEY...]` and `aliasroute validate FILE`.

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/router.h"
#include "tools/cli_commands.h"
#include "tools/cli_inputs.h"
#include "tools/cli_util.h"

namespace aliasroute_cli {

const char kRouteHelp[] = R"(Usage: aliasroute route [--registry FILE]... REGISTRY NAME [KEY...]

Resolves NAME in the registry and prints, for each KEY, the version that
serves it, one line per key:

  KEY<TAB>VERSION

VERSION is "$LATEST" or a published version number, as Lambda reports
ExecutedVersion. NAME is a function name, a qualified name
(my-function:live, my-function:2, my-function:$LATEST), a partial ARN
(123456789012:function:my-function:live) or a full ARN. For an alias the
choice is sticky: the same key always gets the same version for the same
registry, on every machine.

Put "--" before keys that begin with "-". Without KEY arguments the keys
are read from stdin, one per line (a trailing CR is dropped), and each
answer is written as soon as it is known, so the command works on inputs of
any size. A key is printed as given; keys that contain a tab or newline
cannot be told apart in the output.

REGISTRY is a RegistrySnapshot (protobuf JSON or binary) or AWS CLI output
(list-versions-by-function, list-aliases, get-alias,
get-function-configuration); --registry adds more AWS documents to it.

Flags:
  --registry FILE   another registry document to merge (AWS shapes only)
  -h, --help        this help

Exit status: 0 ok, 1 bad registry or NAME not found, 2 usage error.
)";

const char kValidateHelp[] = R"(Usage: aliasroute validate FILE

Detects what FILE is and checks it completely:
  - a registry snapshot (protobuf JSON or binary RegistrySnapshot),
  - AWS CLI output: list-versions-by-function, get-function-configuration,
    list-aliases, get-alias, or an alias --routing-config document,
  - a deployment config: CodeDeploy TrafficRoutingConfig JSON or shorthand,
    get-deployment-config output, a predefined config name, a step list
    (as for `aliasroute plan`), or the project's protobuf JSON of a
    TrafficRoutingConfig, StepList or DeploymentSpec.
FILE "-" reads stdin.

Every problem is printed on stderr as FILE: LOCATION: MESSAGE, where
LOCATION is a JSON path (functions[0].aliases[1] (my-function:live),
Aliases[2], ...) or the function and alias; the exit status is then 1.
A valid file prints one line on stdout, "OK FILE: <what it is>", and exits 0.

Flags:
  -h, --help   this help

Exit status: 0 valid, 1 problems found or unreadable FILE, 2 usage error.
)";

int RunRoute(const std::vector<std::string>& argv) {
  const char* cmd = "route";
  const std::vector<FlagSpec> specs = {{"registry", FlagSpec::kRepeated}};
  absl::StatusOr<Args> args = ParseArgs(argv, specs);
  if (!args.ok()) return UsageError(cmd, args.status().message());
  if (args->help) {
    WriteStdout(kRouteHelp);
    return kExitOk;
  }
  if (args->positionals.size() < 2) {
    return UsageError(cmd, args->positionals.empty() ? "missing REGISTRY and NAME"
                                                     : "missing NAME");
  }
  std::vector<std::string> files = {args->positionals[0]};
  for (const std::string& f : args->GetAll("registry")) files.push_back(f);
  absl::StatusOr<aliasroute::v1::RegistrySnapshot> snap = LoadRegistry(files);
  if (!snap.ok()) return Failure(cmd, snap.status().message());
  absl::StatusOr<std::unique_ptr<aliasroute::Router>> router =
      aliasroute::Router::Create(*snap);
  if (!router.ok()) return Failure(cmd, router.status().message());
  const std::string& name = args->positionals[1];
  absl::StatusOr<aliasroute::RouteHandle> handle = (*router)->Resolve(name);
  if (!handle.ok()) return Failure(cmd, handle.status().message());

  // Nothing below can fail except writing: answers stream out.
  std::string line;
  std::string out;
  const auto route_one = [&](const std::string& key) -> bool {
    absl::StatusOr<aliasroute::ExecutedVersion> v = (*router)->Route(*handle, key);
    if (!v.ok()) {
      Failure(cmd, v.status().message());
      return false;
    }
    absl::StrAppend(&out, key, "\t", v->ToString(), "\n");
    if (out.size() >= (1 << 16)) {
      if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size()) {
        Failure(cmd, "cannot write to stdout");
        return false;
      }
      out.clear();
    }
    return true;
  };
  if (args->positionals.size() > 2) {
    for (size_t i = 2; i < args->positionals.size(); ++i) {
      if (!route_one(args->positionals[i])) return kExitFailure;
    }
  } else {
    std::ios::sync_with_stdio(false);
    while (true) {
      // Before a read that may block, hand over the answers so far: a
      // caller feeding keys one at a time gets each answer at once, while
      // a large input is still written in 64 KiB batches.
      if (!out.empty() && std::cin.rdbuf()->in_avail() <= 0) {
        if (!WriteStdout(out)) return Failure(cmd, "cannot write to stdout");
        out.clear();
      }
      if (!std::getline(std::cin, line)) break;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!route_one(line)) return kExitFailure;
    }
    if (std::cin.bad()) return Failure(cmd, "cannot read stdin");
  }
  if (!WriteStdout(out)) return Failure(cmd, "cannot write to stdout");
  return kExitOk;
}

int RunValidate(const std::vector<std::string>& argv) {
  const char* cmd = "validate";
  absl::StatusOr<Args> args = ParseArgs(argv, {});
  if (!args.ok()) return UsageError(cmd, args.status().message());
  if (args->help) {
    WriteStdout(kValidateHelp);
    return kExitOk;
  }
  if (args->positionals.size() != 1) {
    return UsageError(cmd, args->positionals.empty() ? "missing FILE"
                                                     : "expected exactly one FILE");
  }
  const std::string& path = args->positionals[0];
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return Failure(cmd, text.status().message());
  absl::StatusOr<DocKind> kind = DetectKind(*text);
  if (!kind.ok()) {
    std::cerr << path << ": " << kind.status().message() << "\n";
    return kExitFailure;
  }
  std::string summary;
  const std::vector<Problem> problems = ValidateDocument(*text, *kind, &summary);
  if (!problems.empty()) {
    for (const Problem& p : problems) {
      std::cerr << path << ": " << p.location << ": " << p.message << "\n";
    }
    std::cerr << path << ": " << problems.size()
              << (problems.size() == 1 ? " problem" : " problems") << " in this "
              << DocKindName(*kind) << "\n";
    return kExitFailure;
  }
  if (!WriteStdout(absl::StrCat("OK ", path, ": ", summary, "\n"))) {
    return Failure(cmd, "cannot write to stdout");
  }
  return kExitOk;
}

}  // namespace aliasroute_cli
