// aliasroute: the command-line front end of the aliasroute library.
//
//   aliasroute plan CONFIG                 timeline of a traffic shift
//   aliasroute simulate [flags]            a deployment in simulated time
//   aliasroute route REGISTRY NAME [KEY]   the version each key routes to
//   aliasroute validate FILE               every problem of a document
//
// Each subcommand lives in tools/cli_*.cc; see `aliasroute CMD --help`.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/cli_commands.h"
#include "tools/cli_util.h"

namespace {

constexpr char kHelp[] = R"(Usage: aliasroute COMMAND [ARGS...]

Models AWS Lambda versions and aliases with weighted routing and
CodeDeploy-style traffic shifts.

Commands:
  plan CONFIG                  the timeline of a traffic shift (table, JSON,
                               CSV, SVG chart)
  simulate [flags]             run a deployment in simulated time with sticky
                               synthetic traffic; no flags: built-in demo
  route REGISTRY NAME [KEY...] print the version each key routes to
                               (keys from stdin when none are given)
  validate FILE                check a registry, AWS JSON document or
                               deployment config and list every problem

Run 'aliasroute COMMAND --help' for the flags of a command.

Exit status: 0 ok, 1 failure or validation problems, 2 usage error.
)";

}  // namespace

int main(int argc, char** argv) {
  // Under `bazel run` the working directory is the runfiles tree; relative
  // paths on the command line mean the directory the user ran bazel from.
  if (const char* dir = std::getenv("BUILD_WORKING_DIRECTORY");
      dir != nullptr && *dir != '\0' && chdir(dir) != 0) {
    fprintf(stderr, "aliasroute: cannot change to %s\n", dir);
    return aliasroute_cli::kExitFailure;
  }
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {  // A usage error: the help goes to stderr.
    fputs(kHelp, stderr);
    return aliasroute_cli::kExitUsage;
  }
  const std::string command = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "-h" || command == "--help" || command == "help") {
    if (command == "help" && !rest.empty()) {
      std::vector<std::string> help = {"--help"};
      if (rest[0] == "plan") return aliasroute_cli::RunPlan(help);
      if (rest[0] == "simulate") return aliasroute_cli::RunSimulate(help);
      if (rest[0] == "route") return aliasroute_cli::RunRoute(help);
      if (rest[0] == "validate") return aliasroute_cli::RunValidate(help);
    }
    aliasroute_cli::WriteStdout(kHelp);
    return aliasroute_cli::kExitOk;
  }
  if (command == "plan") return aliasroute_cli::RunPlan(rest);
  if (command == "simulate") return aliasroute_cli::RunSimulate(rest);
  if (command == "route") return aliasroute_cli::RunRoute(rest);
  if (command == "validate") return aliasroute_cli::RunValidate(rest);
  std::string message = absl::StrCat("aliasroute: unknown command \"", command,
                                     "\"; commands are plan, simulate, route, "
                                     "validate (see aliasroute --help)\n");
  fputs(message.c_str(), stderr);
  return aliasroute_cli::kExitUsage;
}
