// Embedding the router in a request path: load a snapshot once, resolve the
// alias once, then route every request by a sticky key (here, a user id).
#include <fstream>
#include <iostream>
#include <sstream>

#include "google/protobuf/util/json_util.h"
#include "lib/router.h"

int main(int argc, char** argv) {
  std::ifstream file(argc > 1 ? argv[1] : "examples/registry.json");
  std::stringstream json;
  json << file.rdbuf();
  aliasroute::v1::RegistrySnapshot snapshot;  // From your control plane.
  if (!google::protobuf::util::JsonStringToMessage(json.str(), &snapshot).ok()) return 1;

  auto router = aliasroute::Router::Create(snapshot);         // Once.
  if (!router.ok()) return 1;
  auto live = (*router)->Resolve("my-function:live");         // Once.
  if (!live.ok()) return 1;

  for (const char* user : {"alice", "bob", "user-4"}) {  // Per request.
    auto version = (*router)->Route(*live, user);  // Wait-free, no allocation.
    if (version.ok()) std::cout << user << " -> version " << *version << "\n";
  }
}
