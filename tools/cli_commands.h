// cli_commands.h: the subcommands of the `aliasroute` command-line tool
// (tools/aliasroute.cc dispatches to them). Each takes the arguments after
// its name, writes its result to stdout only when the whole command
// succeeded, writes errors to stderr, and returns the process exit code
// (cli_util.h: 0 ok, 1 failure or validation problems, 2 usage error).
//
// Example:
//   std::vector<std::string> args = {"LambdaCanary10Percent5Minutes"};
//   int code = aliasroute_cli::RunPlan(args);  // prints the timeline
//
// Not thread-safe: each writes to the process's stdout and stderr.

#ifndef ALIASROUTE_TOOLS_CLI_COMMANDS_H_
#define ALIASROUTE_TOOLS_CLI_COMMANDS_H_

#include <string>
#include <vector>

namespace aliasroute_cli {

// `aliasroute plan CONFIG`: the timeline of a traffic shift.
int RunPlan(const std::vector<std::string>& argv);
// `aliasroute simulate`: a whole deployment in simulated time.
int RunSimulate(const std::vector<std::string>& argv);
// `aliasroute route REGISTRY NAME [KEY...]`: the version each key routes to.
int RunRoute(const std::vector<std::string>& argv);
// `aliasroute validate FILE`: every problem of a document.
int RunValidate(const std::vector<std::string>& argv);

// The --help texts (also used by tests of the README).
extern const char kPlanHelp[];
extern const char kSimulateHelp[];
extern const char kRouteHelp[];
extern const char kValidateHelp[];

}  // namespace aliasroute_cli

#endif  // ALIASROUTE_TOOLS_CLI_COMMANDS_H_
