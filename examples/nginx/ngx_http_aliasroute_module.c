/*
 * ngx_http_aliasroute_module: route each request to a version of a Lambda-
 * style function alias, from a live aliasroute registry snapshot.
 *
 *   load_module /abs/path/ngx_http_aliasroute_module.so;
 *   http {
 *     aliasroute_snapshot /etc/aliasroute/registry.pb;  # RegistrySnapshot
 *     aliasroute_snapshot_check 1s;                     # default 1s; 0 = off
 *     upstream v1 { server 127.0.0.1:8001; }
 *     upstream v2 { server 127.0.0.1:8002; }
 *     server {
 *       location /fn/ {
 *         aliasroute_route checkout:live $cookie_user;  # sticky by cookie
 *         add_header X-Amz-Executed-Version $aliasroute_version always;
 *         proxy_pass http://v$aliasroute_version;
 *       }
 *     }
 *   }
 *
 * Directives
 *   aliasroute_snapshot PATH;          http. Opens the router from PATH when
 *       the configuration is read (so `nginx -t` and a reload refuse a
 *       missing, corrupt or invalid snapshot and keep the old one running).
 *   aliasroute_snapshot_check TIME;    http. How often each worker stats
 *       PATH; when its mtime, size or inode changed, the worker reads it and
 *       swaps it in atomically. A bad file is logged and skipped (the old
 *       snapshot stays) until the file changes again. 0 turns checks off.
 *       Replace the file with rename(2) so that no reader sees half of it.
 *   aliasroute_route NAME [KEY];       http, server, location. NAME is what
 *       Lambda's Invoke accepts ("checkout:live", "checkout:3", an ARN); it
 *       is resolved when the configuration is read. KEY is any complex value
 *       (e.g. $cookie_user): routing is sticky on it; an empty or absent KEY
 *       draws a random version per request.
 *
 * Variables
 *   $aliasroute_version     the version serving this request ("2",
 *       "$LATEST"), computed once per request (cached): proxy_pass, headers
 *       and logs all see the same value. Not found (empty) where no
 *       aliasroute_route applies or when routing failed (logged at "error").
 *   $aliasroute_generation  RegistrySnapshot.generation of the snapshot
 *       that chose $aliasroute_version for this request (or, before any
 *       route, the one this worker routes by now).
 *
 * Processes. The master opens the router while reading the configuration;
 * workers inherit it through fork() and each keeps its own copy, swapped by
 * its own timer. nginx workers are single-threaded, so routes and swaps in
 * one worker never overlap; the library would allow it anyway.
 *
 * Linking. The module links the aliasroute C API shared library
 * (libaliasroute.so.1, found through pkg-config and an rpath) instead of
 * the library's objects, because:
 *   - the module stays a small C file built with nginx's own toolchain and
 *     flags; no C++ runtime, protobuf or Abseil code is compiled into it;
 *   - only the C ABI crosses: the library hides every other symbol, so it
 *     cannot clash with another copy of protobuf or Abseil in the process;
 *   - libaliasroute.so is linked with -z nodelete: nginx dlclose()s and
 *     re-dlopen()s modules on every reload, and protobuf cannot forget a
 *     registered .proto file, so a statically linked copy would be
 *     re-registered (and abort) on the second load; a shared library that is
 *     never unloaded is loaded and registered exactly once.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>
#include <ngx_http.h>

#include <aliasroute/aliasroute.h>

typedef struct {
  ngx_str_t snapshot_path; /* NUL-terminated copy in the cycle pool */
  aliasroute_router* router;
  uint64_t generation;
  ngx_msec_t check_interval;
  /* Signature of the file as last seen (whether or not it loaded). */
  time_t mtime_sec;
  long mtime_nsec;
  off_t size;
  ino_t ino;
  dev_t dev;
  ngx_event_t check_event;
} ngx_http_aliasroute_main_conf_t;

/* Per request: the generation the version was routed by, so that
 * $aliasroute_generation agrees with $aliasroute_version even when a swap
 * lands between their evaluations (e.g. while the upstream answers). */
typedef struct {
  uint64_t generation;
  u_char version[ALIASROUTE_VERSION_BUFSIZE]; /* $aliasroute_version's bytes */
} ngx_http_aliasroute_ctx_t;

typedef struct {
  ngx_str_t name;                  /* e.g. "checkout:live"; empty = unset */
  ngx_http_complex_value_t* key;   /* NULL = random */
  aliasroute_handle handle;
  ngx_flag_t resolved;
} ngx_http_aliasroute_loc_conf_t;

static void* ngx_http_aliasroute_create_main_conf(ngx_conf_t* cf);
static char* ngx_http_aliasroute_init_main_conf(ngx_conf_t* cf, void* conf);
static void* ngx_http_aliasroute_create_loc_conf(ngx_conf_t* cf);
static char* ngx_http_aliasroute_merge_loc_conf(ngx_conf_t* cf, void* parent,
                                                void* child);
static ngx_int_t ngx_http_aliasroute_add_variables(ngx_conf_t* cf);
static ngx_int_t ngx_http_aliasroute_init_process(ngx_cycle_t* cycle);
static char* ngx_http_aliasroute_snapshot(ngx_conf_t* cf, ngx_command_t* cmd,
                                          void* conf);
static char* ngx_http_aliasroute_route(ngx_conf_t* cf, ngx_command_t* cmd,
                                       void* conf);

static ngx_command_t ngx_http_aliasroute_commands[] = {
    {ngx_string("aliasroute_snapshot"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_http_aliasroute_snapshot, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("aliasroute_snapshot_check"),
     NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_conf_set_msec_slot,
     NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(ngx_http_aliasroute_main_conf_t, check_interval), NULL},
    {ngx_string("aliasroute_route"),
     NGX_HTTP_MAIN_CONF | NGX_HTTP_SRV_CONF | NGX_HTTP_LOC_CONF |
         NGX_CONF_TAKE12,
     ngx_http_aliasroute_route, NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},
    ngx_null_command};

static ngx_http_module_t ngx_http_aliasroute_module_ctx = {
    ngx_http_aliasroute_add_variables,    /* preconfiguration */
    NULL,                                 /* postconfiguration */
    ngx_http_aliasroute_create_main_conf, /* create main configuration */
    ngx_http_aliasroute_init_main_conf,   /* init main configuration */
    NULL,                                 /* create server configuration */
    NULL,                                 /* merge server configuration */
    ngx_http_aliasroute_create_loc_conf,  /* create location configuration */
    ngx_http_aliasroute_merge_loc_conf    /* merge location configuration */
};

ngx_module_t ngx_http_aliasroute_module = {
    NGX_MODULE_V1,
    &ngx_http_aliasroute_module_ctx, /* module context */
    ngx_http_aliasroute_commands,    /* module directives */
    NGX_HTTP_MODULE,                 /* module type */
    NULL,                            /* init master */
    NULL,                            /* init module */
    ngx_http_aliasroute_init_process, /* init process */
    NULL,                            /* init thread */
    NULL,                            /* exit thread */
    NULL,                            /* exit process */
    NULL,                            /* exit master */
    NGX_MODULE_V1_PADDING};

/* ---- configuration ------------------------------------------------------ */

static void* ngx_http_aliasroute_create_main_conf(ngx_conf_t* cf) {
  ngx_http_aliasroute_main_conf_t* amcf =
      ngx_pcalloc(cf->pool, sizeof(ngx_http_aliasroute_main_conf_t));
  if (amcf == NULL) return NULL;
  amcf->check_interval = NGX_CONF_UNSET_MSEC;
  return amcf;
}

static char* ngx_http_aliasroute_init_main_conf(ngx_conf_t* cf, void* conf) {
  ngx_http_aliasroute_main_conf_t* amcf = conf;
  ngx_conf_init_msec_value(amcf->check_interval, 1000);
  return NGX_CONF_OK;
}

static void ngx_http_aliasroute_cleanup(void* data) {
  /* The cycle is going away (reload or exit); nothing routes any more. */
  ngx_http_aliasroute_main_conf_t* amcf = data;
  aliasroute_router_close(amcf->router);
  amcf->router = NULL;
}

static char* ngx_http_aliasroute_snapshot(ngx_conf_t* cf, ngx_command_t* cmd,
                                          void* conf) {
  ngx_http_aliasroute_main_conf_t* amcf = conf;
  ngx_str_t* value = cf->args->elts;
  ngx_file_info_t fi;
  ngx_pool_cleanup_t* cln;

  if (amcf->router != NULL) return "is duplicate";
  amcf->snapshot_path = value[1];
  if (ngx_conf_full_name(cf->cycle, &amcf->snapshot_path, 0) != NGX_OK) {
    return NGX_CONF_ERROR;
  }
  /* ngx_conf_full_name's result is NUL-terminated. */

  /* Stat before reading: a change after this point is seen by the first
   * check in the workers. */
  if (ngx_file_info(amcf->snapshot_path.data, &fi) == NGX_FILE_ERROR) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                       ngx_file_info_n " \"%V\" failed", &amcf->snapshot_path);
    return NGX_CONF_ERROR;
  }
  amcf->mtime_sec = fi.st_mtim.tv_sec;
  amcf->mtime_nsec = fi.st_mtim.tv_nsec;
  amcf->size = fi.st_size;
  amcf->ino = fi.st_ino;
  amcf->dev = fi.st_dev;

  aliasroute_status st = aliasroute_router_open_file(
      (const char*)amcf->snapshot_path.data, &amcf->router);
  if (st != ALIASROUTE_OK) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "aliasroute_snapshot: %s: %s",
                       aliasroute_status_name(st), aliasroute_last_error());
    return NGX_CONF_ERROR;
  }
  cln = ngx_pool_cleanup_add(cf->pool, 0);
  if (cln == NULL) {
    aliasroute_router_close(amcf->router);
    amcf->router = NULL;
    return NGX_CONF_ERROR;
  }
  cln->handler = ngx_http_aliasroute_cleanup;
  cln->data = amcf;
  (void)aliasroute_router_generation(amcf->router, &amcf->generation);
  (void)cmd;
  return NGX_CONF_OK;
}

static void* ngx_http_aliasroute_create_loc_conf(ngx_conf_t* cf) {
  ngx_http_aliasroute_loc_conf_t* conf =
      ngx_pcalloc(cf->pool, sizeof(ngx_http_aliasroute_loc_conf_t));
  /* pcalloc: name empty, key NULL, resolved 0. */
  return conf;
}

static char* ngx_http_aliasroute_route(ngx_conf_t* cf, ngx_command_t* cmd,
                                       void* conf) {
  ngx_http_aliasroute_loc_conf_t* alcf = conf;
  ngx_str_t* value = cf->args->elts;
  ngx_http_compile_complex_value_t ccv;

  if (alcf->name.data != NULL) return "is duplicate";
  if (value[1].len == 0) return "needs a non-empty function or alias name";
  alcf->name = value[1];
  if (cf->args->nelts == 3) {
    alcf->key = ngx_palloc(cf->pool, sizeof(ngx_http_complex_value_t));
    if (alcf->key == NULL) return NGX_CONF_ERROR;
    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));
    ccv.cf = cf;
    ccv.value = &value[2];
    ccv.complex_value = alcf->key;
    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) return NGX_CONF_ERROR;
  }
  (void)cmd;
  return NGX_CONF_OK;
}

/* Runs after the whole http{} block is read, so aliasroute_snapshot has been
 * seen wherever it is written. Resolves the name once: requests then only
 * route. */
static char* ngx_http_aliasroute_merge_loc_conf(ngx_conf_t* cf, void* parent,
                                                void* child) {
  ngx_http_aliasroute_loc_conf_t* prev = parent;
  ngx_http_aliasroute_loc_conf_t* conf = child;
  ngx_http_aliasroute_main_conf_t* amcf;

  if (conf->name.data == NULL) {
    conf->name = prev->name;
    conf->key = prev->key;
    conf->handle = prev->handle;
    conf->resolved = prev->resolved;
  }
  if (conf->name.data == NULL || conf->resolved) return NGX_CONF_OK;

  amcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_aliasroute_module);
  if (amcf->router == NULL) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "aliasroute_route \"%V\" needs aliasroute_snapshot in "
                       "the http block",
                       &conf->name);
    return NGX_CONF_ERROR;
  }
  aliasroute_status st =
      aliasroute_resolve(amcf->router, (const char*)conf->name.data,
                         conf->name.len, &conf->handle);
  if (st != ALIASROUTE_OK) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "aliasroute_route \"%V\": %s: %s",
                       &conf->name, aliasroute_status_name(st),
                       aliasroute_last_error());
    return NGX_CONF_ERROR;
  }
  conf->resolved = 1;
  return NGX_CONF_OK;
}

/* ---- variables (the per-request path) ----------------------------------- */

static ngx_int_t ngx_http_aliasroute_version_variable(
    ngx_http_request_t* r, ngx_http_variable_value_t* v, uintptr_t data) {
  ngx_http_aliasroute_loc_conf_t* alcf;
  ngx_http_aliasroute_main_conf_t* amcf;
  ngx_str_t key = ngx_null_string;
  u_char* buf;
  size_t len = 0;
  aliasroute_status st;
  ngx_http_aliasroute_ctx_t* ctx;

  (void)data;
  alcf = ngx_http_get_module_loc_conf(r, ngx_http_aliasroute_module);
  amcf = ngx_http_get_module_main_conf(r, ngx_http_aliasroute_module);
  if (!alcf->resolved || amcf->router == NULL) {
    v->not_found = 1;
    return NGX_OK;
  }
  if (alcf->key != NULL &&
      ngx_http_complex_value(r, alcf->key, &key) != NGX_OK) {
    return NGX_ERROR;
  }
  /* One pool allocation per request holds the version and its generation.
   * A second evaluation (the value is normally cached) writes a fresh
   * buffer, so an earlier value is never changed under its user. */
  ctx = ngx_palloc(r->pool, sizeof(ngx_http_aliasroute_ctx_t));
  if (ctx == NULL) return NGX_ERROR;
  buf = ctx->version;
  st = aliasroute_route(amcf->router, &alcf->handle, (const char*)key.data,
                        key.len, (char*)buf, ALIASROUTE_VERSION_BUFSIZE, &len);
  if (st != ALIASROUTE_OK) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0,
                  "aliasroute_route \"%V\": %s: %s", &alcf->name,
                  aliasroute_status_name(st), aliasroute_last_error());
    v->not_found = 1;
    return NGX_OK;
  }
  ctx->generation = amcf->generation;
  ngx_http_set_ctx(r, ctx, ngx_http_aliasroute_module);
  v->data = buf;
  v->len = len;
  v->valid = 1;
  v->no_cacheable = 0;
  v->not_found = 0;
  return NGX_OK;
}

static ngx_int_t ngx_http_aliasroute_generation_variable(
    ngx_http_request_t* r, ngx_http_variable_value_t* v, uintptr_t data) {
  ngx_http_aliasroute_main_conf_t* amcf;
  ngx_http_aliasroute_ctx_t* ctx;
  u_char* p;

  (void)data;
  amcf = ngx_http_get_module_main_conf(r, ngx_http_aliasroute_module);
  if (amcf->router == NULL) {
    v->not_found = 1;
    return NGX_OK;
  }
  ctx = ngx_http_get_module_ctx(r, ngx_http_aliasroute_module);
  p = ngx_pnalloc(r->pool, NGX_INT64_LEN);
  if (p == NULL) return NGX_ERROR;
  v->len = ngx_sprintf(p, "%uL",
                       ctx != NULL ? ctx->generation : amcf->generation) -
           p;
  v->data = p;
  v->valid = 1;
  v->no_cacheable = 0;
  v->not_found = 0;
  return NGX_OK;
}

static ngx_http_variable_t ngx_http_aliasroute_vars[] = {
    {ngx_string("aliasroute_version"), NULL,
     ngx_http_aliasroute_version_variable, 0, 0, 0},
    {ngx_string("aliasroute_generation"), NULL,
     ngx_http_aliasroute_generation_variable, 0, 0, 0},
    ngx_http_null_variable};

static ngx_int_t ngx_http_aliasroute_add_variables(ngx_conf_t* cf) {
  ngx_http_variable_t *var, *v;
  for (v = ngx_http_aliasroute_vars; v->name.len; v++) {
    var = ngx_http_add_variable(cf, &v->name, v->flags);
    if (var == NULL) return NGX_ERROR;
    var->get_handler = v->get_handler;
    var->data = v->data;
  }
  return NGX_OK;
}

/* ---- per-worker snapshot checks ---------------------------------------- */

static void ngx_http_aliasroute_check(ngx_event_t* ev) {
  ngx_http_aliasroute_main_conf_t* amcf = ev->data;
  ngx_file_info_t fi;

  if (ngx_file_info(amcf->snapshot_path.data, &fi) == NGX_FILE_ERROR) {
    /* Missing for a moment (e.g. between unlink and rename): keep routing
     * by the current snapshot and look again next time. */
    ngx_log_error(NGX_LOG_WARN, ev->log, ngx_errno,
                  "aliasroute: " ngx_file_info_n " \"%V\" failed; keeping "
                  "generation %uL",
                  &amcf->snapshot_path, amcf->generation);
  } else if (fi.st_mtim.tv_sec != amcf->mtime_sec ||
             fi.st_mtim.tv_nsec != amcf->mtime_nsec ||
             fi.st_size != amcf->size || fi.st_ino != amcf->ino ||
             fi.st_dev != amcf->dev) {
    amcf->mtime_sec = fi.st_mtim.tv_sec;
    amcf->mtime_nsec = fi.st_mtim.tv_nsec;
    amcf->size = fi.st_size;
    amcf->ino = fi.st_ino;
    amcf->dev = fi.st_dev;
    aliasroute_status st = aliasroute_router_swap_file(
        amcf->router, (const char*)amcf->snapshot_path.data);
    if (st == ALIASROUTE_OK) {
      uint64_t old = amcf->generation;
      (void)aliasroute_router_generation(amcf->router, &amcf->generation);
      ngx_log_error(NGX_LOG_NOTICE, ev->log, 0,
                    "aliasroute: swapped in \"%V\": generation %uL -> %uL",
                    &amcf->snapshot_path, old, amcf->generation);
    } else {
      ngx_log_error(NGX_LOG_ERR, ev->log, 0,
                    "aliasroute: keeping generation %uL: %s: %s",
                    amcf->generation, aliasroute_status_name(st),
                    aliasroute_last_error());
    }
  }
  if (!ngx_exiting && !ngx_quit && !ngx_terminate) {
    ngx_add_timer(ev, amcf->check_interval);
  }
}

static ngx_int_t ngx_http_aliasroute_init_process(ngx_cycle_t* cycle) {
  ngx_http_aliasroute_main_conf_t* amcf =
      ngx_http_cycle_get_module_main_conf(cycle, ngx_http_aliasroute_module);
  if (amcf == NULL || amcf->router == NULL || amcf->check_interval == 0) {
    return NGX_OK;
  }
  amcf->check_event.handler = ngx_http_aliasroute_check;
  amcf->check_event.data = amcf;
  amcf->check_event.log = cycle->log;
  /* Does not hold up a graceful shutdown. */
  amcf->check_event.cancelable = 1;
  ngx_add_timer(&amcf->check_event, amcf->check_interval);
  return NGX_OK;
}
