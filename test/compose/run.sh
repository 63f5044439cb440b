#!/usr/bin/env bash
# test/compose/run.sh [RESULT_FILE]: the Docker image and the compose stack, for real (a CI step).
#
# Starts a Docker engine with docker-local-images.sh, then runs what the README tells users to run:
# docker-compose.yml with docker-compose.demo.yml and config/demo/compose.env, unchanged, plus
# test/compose/override.yml (image builds on the host's network, nothing else). It checks what a user
# sees: every healthcheck healthy, a token through the published port, the same token valid after
# Redis restarts (append-only file), the sweeper's /healthz, and the hardening actually in force.
# Each check is one test in RESULT_FILE (default .ci/out/compose.json), written in jest's summary
# shape; any failure prints the containers' logs and exits non-zero. Whatever happens, the stack is
# removed (down -v) and the engine stopped. Needs root (the engine) and the npm registry.
set -Eeuo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
result=${1:-.ci/out/compose.json}
# Unique per run, so a leftover of another run is never reused or removed.
project="sessiond-ci-$$-$(date +%s)"
work=$(mktemp -d)
: >"$work/empty.env" # an --env-file that keeps a developer's .env out
started=$EPOCHREALTIME
passed=0
failed=0
timeline=()
engine_started=0

log() { printf '[compose] %s\n' "$*"; }
seconds_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# What users run (README), plus the build-network override.
dc() {
  docker-compose -p "$project" --env-file config/demo/compose.env \
    -f docker-compose.yml -f docker-compose.demo.yml -f test/compose/override.yml "$@"
}

# The forward-auth demo on top of the demo stack (docker-compose.forward-auth.yml, as its header
# says), plus the gateway's build-network override.
dcf() {
  dc -f docker-compose.forward-auth.yml -f test/compose/override.forward-auth.yml "$@"
}

# docker-compose.yml alone, as in production (no stand-in, no demo override), with the demo files as
# its secrets and a TACACS+ server that refuses: the images are the ones built above.
dcp() {
  env REDIS_URL_PATH=./config/demo/redis-url TACACS_KEY_PATH=./config/demo/tacacs-key \
    LOCAL_USERS_PATH=./config/demo/local-users.json \
    INTROSPECTION_CLIENTS_PATH=./config/demo/introspection-clients.json TACACS_SERVERS=127.0.0.1:49 \
    USER_TAG_SECRET_PATH=./config/demo/user-tag-secret \
    AUTH_API_PORT="$PROD_PORT" \
    docker-compose -p "$project-prod" --env-file "$work/empty.env" -f docker-compose.yml "$@"
}

write_result() {
  mkdir -p "$(dirname "$result")"
  printf '{"numPassedTests":%d,"numFailedTests":%d,"numRuntimeErrorTestSuites":0,"numTotalTests":%d,"success":%s}\n' \
    "$passed" "$failed" "$((passed + failed))" "$([ "$failed" -eq 0 ] && echo true || echo false)" >"$result"
}

# check NAME FUNCTION [ARGS…]: one test; its duration goes on the timeline. Check functions return
# non-zero explicitly (errexit does not apply inside a function called from `if`).
check() {
  local name=$1 start=$EPOCHREALTIME status=ok
  shift
  log "$name …"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    status=FAILED
  fi
  timeline+=("$(printf '%-58s %7ss  %s' "$name" "$(seconds_since "$start")" "$status")")
  log "$name: $status"
  [ "$status" = ok ]
}

cleanup() {
  local code=$? start=$EPOCHREALTIME
  trap - EXIT INT TERM
  set +e
  [ "$failed" -eq 0 ] && [ "$code" -ne 0 ] && failed=1 # died outside a check
  write_result
  if [ "$engine_started" = 1 ]; then
    if [ "$failed" -ne 0 ]; then
      log "--- docker-compose logs (failure) ---"
      dcf logs --no-color --tail=200 2>&1
      [ -n "$(dcp ps -q 2>/dev/null)" ] && dcp logs --no-color --tail=200 2>&1
      log "--- end of logs ---"
    fi
    dc down -v --remove-orphans >"$work/down.log" 2>&1 || cat "$work/down.log"
    dcp down -v --remove-orphans >"$work/down.log" 2>&1 || cat "$work/down.log"
  fi
  [ -n "${tool:-}" ] && bash "$tool" down
  timeline+=("$(printf '%-58s %7ss' 'down -v, engine stopped' "$(seconds_since "$start")")")
  rm -rf "$work"
  log "timeline (elapsed seconds per step):"
  printf '  %s\n' "${timeline[@]}"
  log "wall time $(seconds_since "$started") s; $passed passed, $failed failed; result in $result"
  [ "$failed" -eq 0 ] && [ "$code" -eq 0 ] && exit 0
  exit 1
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the checks -----------------------------------------------------------------------------------

find_tool() {
  local candidate
  for candidate in "$root/../shared/tools/docker-local-images.sh" /work/shared/tools/docker-local-images.sh; do
    if [ -f "$candidate" ]; then
      tool=$candidate
      return 0
    fi
  done
  log "docker-local-images.sh not found in $root/../shared/tools/ nor /work/shared/tools/: it starts the Docker engine this test needs"
  return 1
}

engine_up() {
  # Its export line goes to a file, not through $(…): the dockerd it starts inherits the output, and
  # a command substitution would wait for dockerd to close it.
  bash "$tool" up >"$work/engine.env" || return 1
  eval "$(cat "$work/engine.env")"
  engine_started=1
  docker info >/dev/null 2>&1 || return 1
}

image_tag_is_version() {
  local version tags
  version=$(node -p "require('./package.json').version") || return 1
  tags=$(grep -ho 'image: sessiond:[^ ]*' docker-compose.yml docker-compose.demo.yml | sort -u)
  [ "$tags" = "image: sessiond:$version" ] && return 0
  log "the sessiond image tags are '$tags'; package.json's version is $version"
  return 1
}

# Production: valid with the variables it needs, refused without any one of them (no fallbacks).
production_file_valid() {
  local -A values=([REDIS_URL_PATH]=/dev/null [TACACS_KEY_PATH]=/dev/null [LOCAL_USERS_PATH]=/dev/null
    [INTROSPECTION_CLIENTS_PATH]=/dev/null [USER_TAG_SECRET_PATH]=/dev/null [TACACS_SERVERS]=tacacs1.example:49)
  local name other
  local -a unset_all=() set_all=() set_others
  for name in "${!values[@]}"; do
    unset_all+=(-u "$name")
    set_all+=("$name=${values[$name]}")
  done
  local -a prod=(docker-compose -p "$project" --env-file .env.example -f docker-compose.yml config -q)
  env "${unset_all[@]}" "${set_all[@]}" "${prod[@]}" || return 1
  for name in "${!values[@]}"; do
    set_others=()
    for other in "${!values[@]}"; do
      [ "$other" = "$name" ] || set_others+=("$other=${values[$other]}")
    done
    if env "${unset_all[@]}" "${set_others[@]}" "${prod[@]}" >/dev/null 2>&1; then
      log "docker-compose.yml is valid without $name: it must be required"
      return 1
    fi
  done
  dc config -q || return 1
}

build() {
  dc build >"$work/build.log" 2>&1 && return 0
  tail -40 "$work/build.log"
  return 1
}

# wait_healthy SECONDS [COMPOSE]: every container of the stack (dc, or dcp) running and healthy.
wait_healthy() {
  local deadline=$((SECONDS + $1)) compose=${2:-dc} ids states expected
  expected=$($compose config --services | wc -l)
  while :; do
    ids=$($compose ps -q)
    states=$(docker inspect -f '{{.Name}} {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}no-healthcheck{{end}}' $ids 2>/dev/null || true)
    if [ "$(grep -c ' running healthy$' <<<"$states")" -eq "$expected" ]; then
      return 0
    fi
    if grep -qE ' (exited|dead) ' <<<"$states" || [ "$SECONDS" -ge "$deadline" ]; then
      log "not healthy:"
      printf '  %s\n' "$states"
      return 1
    fi
    sleep 1
  done
}

up_healthy() {
  dc up -d >"$work/up.log" 2>&1 || {
    cat "$work/up.log"
    return 1
  }
  wait_healthy 180
}

# hardening [COMPOSE]: what the compose files promise, read back from the running containers.
hardening() {
  local ok=0 ids name ro caps sec mem cpus pids logtype maxsize user compose=${1:-dc}
  ids=$($compose ps -q)
  [ "$(wc -w <<<"$ids")" -eq "$($compose config --services | wc -l)" ] || return 1
  while IFS='|' read -r name ro caps sec mem cpus pids logtype maxsize user; do
    local problems=()
    [ "$ro" = true ] || problems+=("root filesystem writable")
    [ "$caps" = '[ALL]' ] || problems+=("cap_drop $caps")
    [[ $sec == *no-new-privileges:true* ]] || problems+=("no no-new-privileges")
    [ "$mem" -gt 0 ] 2>/dev/null || problems+=("no memory limit")
    [ "$cpus" -gt 0 ] 2>/dev/null || problems+=("no CPU limit")
    [ "$pids" -gt 0 ] 2>/dev/null || problems+=("no pids limit")
    [ "$logtype" = json-file ] && [ -n "$maxsize" ] || problems+=("logs not rotated ($logtype, max-size '$maxsize')")
    case "$user" in '' | root | 0 | 0:*) problems+=("runs as root") ;; esac
    if [ ${#problems[@]} -gt 0 ]; then
      log "$name: ${problems[*]}"
      ok=1
    fi
  done < <(docker inspect -f '{{.Name}}|{{.HostConfig.ReadonlyRootfs}}|{{.HostConfig.CapDrop}}|{{.HostConfig.SecurityOpt}}|{{.HostConfig.Memory}}|{{.HostConfig.NanoCpus}}|{{.HostConfig.PidsLimit}}|{{.HostConfig.LogConfig.Type}}|{{index .HostConfig.LogConfig.Config "max-size"}}|{{.Config.User}}' $ids)
  return $ok
}

# The default user is off, and no secret shows in a process list or a container's configuration.
secrets_hidden() {
  local url password key ids
  url=$(cat config/demo/redis-url)
  password=${url#*://sessiond:}
  password=${password%%@*}
  key=$(cat config/demo/tacacs-key)
  if ! dc exec -T redis redis-cli ping 2>&1 | grep -q NOAUTH; then
    log "redis answers a client that did not authenticate"
    return 1
  fi
  ids=$(dc ps -q)
  for id in $ids; do
    if { docker top "$id" -eo pid,args && docker inspect "$id"; } | grep -qF -e "$password" -e "$key"; then
      log "a secret shows in the process list or configuration of $(docker inspect -f '{{.Name}}' "$id")"
      return 1
    fi
  done
}

base_url() { printf 'http://127.0.0.1:%s/api/v1/auth/token-services' "${1:-$AUTH_API_PORT}"; }

# login [USER:PASSWORD [PORT]]: a token (token, session) from the published port.
login() {
  local status
  status=$(curl -sS -m 20 -o "$work/login.json" -w '%{http_code}' -X POST -u "${1:-alice:alice-demo-pw}" \
    "$(base_url "${2:-}")") || return 1
  if [ "$status" != 200 ]; then
    log "login: HTTP $status $(cat "$work/login.json")"
    return 1
  fi
  token=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8"))["token-id"] ?? "")' <"$work/login.json")
  session=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8"))["session-id"] ?? "")' <"$work/login.json")
  [ -n "$token" ] && [ -n "$session" ] && return 0
  log "login: no token-id/session-id in $(cat "$work/login.json")"
  return 1
}

# validate_token SECONDS: 200 for the token, retried while auth-api reconnects to Redis (503); any 401
# or 404 fails at once (the session is gone).
validate_token() {
  local deadline=$((SECONDS + $1)) status
  while :; do
    status=$(curl -sS -m 10 -o "$work/validate.json" -w '%{http_code}' -H "X-auth-token: $token" "$(base_url)/$session") || status=000
    case "$status" in
      200) return 0 ;;
      401 | 404) break ;;
    esac
    [ "$SECONDS" -ge "$deadline" ] && break
    sleep 0.5
  done
  log "validation: HTTP $status $(cat "$work/validate.json" 2>/dev/null)"
  return 1
}

restart_redis() {
  dc restart redis >"$work/restart.log" 2>&1 || {
    cat "$work/restart.log"
    return 1
  }
  wait_healthy 120
}

sweeper_health() {
  dc exec -T sweeper node -e "require('http').get('http://127.0.0.1:' + (process.env.SWEEPER_PORT || 9465) + '/healthz', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"
}

# The image carries the built operator console, served on the management listener (loopback inside
# the container: CONSOLE's default) with its CSP.
console_in_image() {
  dc exec -T auth-api node -e "
    fetch('http://127.0.0.1:' + (process.env.MANAGEMENT_PORT || 9464) + '/console/').then(async (r) => {
      const csp = r.headers.get('content-security-policy') || '';
      const body = await r.text();
      process.exit(r.status === 200 && csp.includes(\"default-src 'none'\") && body.includes('console.js') ? 0 : 1);
    }, () => process.exit(1));"
}

# The forward-auth demo's gateway builds FROM debian:bookworm-slim; docker-local-images.sh has no
# such stand-in, and its node:20-bookworm-slim is that base with Node added (the same apt sources).
forward_auth_up() {
  docker image inspect debian:bookworm-slim >/dev/null 2>&1 || docker tag node:20-bookworm-slim debian:bookworm-slim || return 1
  dcf build gateway >"$work/build-gateway.log" 2>&1 || {
    tail -40 "$work/build-gateway.log"
    return 1
  }
  dcf up -d >"$work/up-gateway.log" 2>&1 || {
    cat "$work/up-gateway.log"
    return 1
  }
  wait_healthy 120 dcf
}

# through METHOD PATH [TOKEN [HEADER…]]: the status nginx answers on the demo's published port; the
# body is in $work/through.json.
through() {
  local method=$1 path=$2 token=${3:-} args=()
  shift 3 2>/dev/null || shift $#
  [ -n "$token" ] && args+=(-H "X-auth-token: $token")
  for header in "$@"; do args+=(-H "$header"); done
  curl -sS -m 20 -o "$work/through.json" -w '%{http_code}' -X "$method" "${args[@]}" \
    "http://127.0.0.1:$FORWARD_AUTH_DEMO_PORT$path" || echo 000
}

# expect_through STATUS METHOD PATH [TOKEN [HEADER…]]
expect_through() {
  local want=$1 got
  shift
  got=$(through "$@")
  [ "$got" = "$want" ] && return 0
  log "$1 $2 through nginx: HTTP $got, expected $want: $(head -c 300 "$work/through.json")"
  return 1
}

# upstream_saw FIELD VALUE: the demo upstream's echo of the last request through nginx.
upstream_saw() {
  local got
  got=$(node -e 'const b = JSON.parse(require("fs").readFileSync(0, "utf8")); process.stdout.write(String(b[process.argv[1]]))' "$1" <"$work/through.json") || return 1
  [ "$got" = "$2" ] && return 0
  log "the upstream saw $1=$got, expected $2"
  return 1
}

# The rows of docs/forward-auth.md through the demo's nginx, with the demo's TACACS+ users.
forward_auth_rows() {
  local operator admin ok=0
  login operator:operator-demo-pw || return 1
  operator=$token
  local operator_session=$session
  login admin:admin-demo-pw || return 1
  admin=$token
  expect_through 401 GET /orders/7 || ok=1
  expect_through 401 GET / "not-a-live-token" || ok=1
  expect_through 200 GET /hello "$operator" 'X-Auth-Request-User: admin' 'Remote-User: admin' || ok=1
  upstream_saw user operator || ok=1
  upstream_saw remoteUser operator || ok=1
  upstream_saw privLvl 1 || ok=1
  upstream_saw tokenReachedUpstream false || ok=1
  expect_through 200 GET /hello "" "Authorization: Bearer $operator" || ok=1
  expect_through 403 GET /admin/users "$operator" || ok=1
  expect_through 200 GET /admin/users "$admin" || ok=1
  upstream_saw user admin || ok=1
  expect_through 200 GET /orders/7 "$operator" || ok=1
  expect_through 403 DELETE /orders/7 "$operator" || ok=1
  expect_through 200 DELETE /orders/7 "$admin" || ok=1
  # Logged out: the next request through nginx is refused.
  local status
  status=$(curl -sS -m 20 -o /dev/null -w '%{http_code}' -X DELETE -H "X-auth-token: $operator" \
    "$(base_url)/$operator_session") || status=000
  [ "$status" = 204 ] || [ "$status" = 200 ] || {
    log "logout: HTTP $status"
    ok=1
  }
  expect_through 401 GET /hello "$operator" || ok=1
  return $ok
}

# The production file alone starts in order without the TACACS+ stand-in, and while TACACS+ refuses
# a break-glass user logs in through the local fallback.
production_alone() {
  dcp up -d --no-build >"$work/up-prod.log" 2>&1 || {
    cat "$work/up-prod.log"
    return 1
  }
  wait_healthy 120 dcp || return 1
  # breakglass is only in the local users file: a token means the fallback answered.
  login breakglass:breakglass-demo-pw "$PROD_PORT" || return 1
  dcp down -v >"$work/down-prod.log" 2>&1 || {
    cat "$work/down-prod.log"
    return 1
  }
}

# --- the run ----------------------------------------------------------------------------------------

free_port() { node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"; }
AUTH_API_PORT=$(free_port)
PROD_PORT=$(free_port)
FORWARD_AUTH_DEMO_PORT=$(free_port)
export AUTH_API_PORT AUTH_API_ADDRESS=127.0.0.1 FORWARD_AUTH_DEMO_PORT FORWARD_AUTH_DEMO_ADDRESS=127.0.0.1
log "project $project, auth-api published on 127.0.0.1:$AUTH_API_PORT (production alone: $PROD_PORT)"

check "engine up (docker-local-images.sh)" eval 'find_tool && engine_up' || exit 1
check "image tag is package.json's version" image_tag_is_version || true
check "compose files valid; production refuses missing secrets" production_file_valid || true
check "build" build || exit 1
check "up -d, every healthcheck healthy" up_healthy || exit 1
check "hardening in force in every container" hardening || true
check "redis default user off; no secret in ps or inspect" secrets_hidden || true
check "token through the published port (alice)" login || exit 1
check "token validates" validate_token 10 || true
check "redis restart, every healthcheck healthy again" restart_redis || exit 1
check "same token validates after the Redis restart (AOF)" validate_token 20 || true
check "sweeper /healthz" sweeper_health || true
check "operator console served from the image (management listener)" console_in_image || true
check "forward-auth demo: nginx gateway built, every healthcheck healthy" forward_auth_up || true
check "forward-auth demo: hardening in force" hardening dcf || true
check "forward-auth demo: 401 / 200 with identity / 403 priv-lvl / TACACS+ command / logout" forward_auth_rows || true
check "production file alone: healthy, break-glass login" production_alone || true
