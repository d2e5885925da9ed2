/* A minimal C program using the installed aliasroute C API, built by
 * pkgconfig_test.sh with `cc $(pkg-config --cflags --libs aliasroute)`.
 * Usage: example SNAPSHOT.pb */
#include <aliasroute/aliasroute.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  aliasroute_router* router = NULL;
  if (aliasroute_router_open_file(argv[1], &router) != ALIASROUTE_OK) {
    fprintf(stderr, "open: %s\n", aliasroute_last_error());
    return 1;
  }
  const char* name = "checkout:live";
  aliasroute_handle live;
  if (aliasroute_resolve(router, name, strlen(name), &live) != ALIASROUTE_OK) {
    fprintf(stderr, "resolve: %s\n", aliasroute_last_error());
    aliasroute_router_close(router);
    return 1;
  }
  char version[ALIASROUTE_VERSION_BUFSIZE];
  size_t len = 0;
  if (aliasroute_route(router, &live, "user-1", 6, version, sizeof version,
                       &len) != ALIASROUTE_OK) {
    fprintf(stderr, "route: %s\n", aliasroute_last_error());
    aliasroute_router_close(router);
    return 1;
  }
  printf("api %d\n", aliasroute_api_version());
  printf("%s user-1 -> %s\n", name, version);
  aliasroute_router_close(router);
  return 0;
}
