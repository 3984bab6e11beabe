#!/usr/bin/env bash
# make bench-janus: Haven's SFU and Janus (Debian's janus package, videoroom plugin) under
# the same load, on the same network path, in one run (docs/PERFORMANCE.md, issue 8).
#
# Janus never offers loopback ICE candidates, so the benchmark builds its own test host:
# a network namespace "havenbench" joined to the root namespace by a veth pair on the
# benchmarking range 198.18.0.0/15 (RFC 2544). The load generator's clients use
# 198.18.0.1 (root namespace); the servers use 198.18.0.2 (inside the namespace): Janus
# as a process started there, Haven's SFU as the load generator's in-process media worker
# whose socket is created in the namespace (haven-loadgen --netns). Nothing is routed
# anywhere else, and everything is torn down on exit, whatever happens.
#
# Needs root (namespaces, veth, apt-get). Environment:
#   BUILD_DIR (build)  JANUS_POINTS (4x8,8x8)  JANUS_SECONDS (10)  JANUS_REPEATS (3)
#   JANUS_WARMUP (3)   JANUS_EXTRA (more haven-loadgen arguments)
set -euo pipefail

BUILD_DIR=${BUILD_DIR:-build}
POINTS=${JANUS_POINTS:-4x8,8x8}
SECONDS_PER_RUN=${JANUS_SECONDS:-10}
REPEATS=${JANUS_REPEATS:-3}
WARMUP=${JANUS_WARMUP:-3}
NS=havenbench
VETH_HOST=hvbench0   # root namespace end, 198.18.0.1
VETH_NS=hvbench1     # namespace end, 198.18.0.2
CLIENT_IP=198.18.0.1
SERVER_IP=198.18.0.2
LOADGEN=$BUILD_DIR/haven-loadgen

die() { echo "bench-janus: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (network namespace, veth pair, apt-get)"
[ -x "$LOADGEN" ] || die "$LOADGEN is missing: build it first (cmake --build $BUILD_DIR --target haven-loadgen)"
command -v ip >/dev/null || die "the ip command (iproute2) is missing"

if ! command -v janus >/dev/null; then
  echo "bench-janus: installing Debian's janus package"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y janus >/dev/null; then
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y janus >/dev/null
  fi
fi
PLUGINS_DIR=$(dirname "$(dpkg -L janus | grep '/janus/plugins/libjanus_videoroom.so$' | head -1)")
[ -d "$PLUGINS_DIR" ] || die "cannot find Janus's plugin folder"
LIB_DIR=$(dirname "$PLUGINS_DIR")

WORK=$(mktemp -d /tmp/haven-bench-janus.XXXXXX)
JANUS_PID=
LOADGEN_PID=
cleanup() {
  set +e
  if [ -n "$LOADGEN_PID" ]; then
    kill -- "-$LOADGEN_PID" 2>/dev/null
    wait "$LOADGEN_PID" 2>/dev/null
  fi
  if [ -n "$JANUS_PID" ]; then
    kill "$JANUS_PID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$JANUS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$JANUS_PID" 2>/dev/null
  fi
  ip link del "$VETH_HOST" 2>/dev/null   # removes its peer too
  ip netns del "$NS" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the test network ----
if ip netns list | grep -qw "$NS"; then die "network namespace $NS exists already (another run?)"; fi
ip netns add "$NS"
ip link add "$VETH_HOST" type veth peer name "$VETH_NS"
ip link set "$VETH_NS" netns "$NS"
ip addr add "$CLIENT_IP/30" dev "$VETH_HOST"
ip link set "$VETH_HOST" up
ip -n "$NS" addr add "$SERVER_IP/30" dev "$VETH_NS"
ip -n "$NS" link set "$VETH_NS" up
ip -n "$NS" link set lo up
# Traffic to the servers must take the veth pair, never the default route.
ip route get "$SERVER_IP" | grep -q "dev $VETH_HOST" ||
  die "the route to $SERVER_IP does not use $VETH_HOST: $(ip route get "$SERVER_IP" | head -1)"

# ---- Janus's private configuration ----
CORES=$(nproc)
DISABLED_PLUGINS=$(cd "$PLUGINS_DIR" && ls libjanus_*.so | grep -v '^libjanus_videoroom.so$' | paste -sd, -)
DISABLED_TRANSPORTS=$(cd "$LIB_DIR/transports" && ls libjanus_*.so | grep -v '^libjanus_http.so$' | paste -sd, -)
DISABLED_LOGGERS=$(cd "$LIB_DIR/loggers" 2>/dev/null && ls libjanus_*.so | paste -sd, - || true)
cat > "$WORK/janus.jcfg" <<CFG
general: {
	configs_folder = "$WORK"
	plugins_folder = "$PLUGINS_DIR"
	transports_folder = "$LIB_DIR/transports"
	events_folder = "$LIB_DIR/events"
	loggers_folder = "$LIB_DIR/loggers"
	debug_level = 3
	log_to_file = "$WORK/janus.log"
	log_to_stdout = false
	# The admin API is off (janus.transport.http.jcfg); a random secret all the same.
	admin_secret = "$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
	event_loops = $CORES
	interface = "$SERVER_IP"
	hide_dependencies = true
}
certificates: {
}
media: {
	ipv6 = false
}
nat: {
	nice_debug = false
	ice_enforce_list = "$VETH_NS"
	ice_lite = false
	ice_tcp = false
	full_trickle = false
}
plugins: {
	disable = "$DISABLED_PLUGINS"
}
transports: {
	disable = "$DISABLED_TRANSPORTS"
}
loggers: {
	disable = "$DISABLED_LOGGERS"
}
events: {
	broadcast = false
}
CFG
cat > "$WORK/janus.transport.http.jcfg" <<CFG
general: {
	json = "plain"
	base_path = "/janus"
	http = true
	port = 8088
	ip = "$SERVER_IP"
	https = false
}
admin: {
	admin_http = false
	admin_https = false
}
CFG
# No preconfigured rooms: haven-loadgen creates its own (and destroys them after each run).
cat > "$WORK/janus.plugin.videoroom.jcfg" <<CFG
general: {
}
CFG

# ---- Janus, inside the namespace ----
ip netns exec "$NS" janus -F "$WORK" -C "$WORK/janus.jcfg" >"$WORK/janus.stdout" 2>&1 &
JANUS_PID=$!
URL="http://$SERVER_IP:8088/janus"
for _ in $(seq 100); do
  if curl -sf -m1 -X POST -d '{"janus":"info","transaction":"probe"}' "$URL" >/dev/null 2>&1; then break; fi
  kill -0 "$JANUS_PID" 2>/dev/null || { cat "$WORK/janus.log" "$WORK/janus.stdout" >&2 2>/dev/null; die "Janus exited at startup"; }
  sleep 0.1
done
kill -0 "$JANUS_PID" 2>/dev/null || die "Janus is not running"
echo "bench-janus: Janus $(janus --version 2>/dev/null | head -1 | tr -d '\n') pid $JANUS_PID on $URL, event_loops $CORES; Haven's SFU on $SERVER_IP in the loadgen; clients on $CLIENT_IP"

# ---- the run: Haven then Janus, alternating, medians ----
# In its own process group (setsid), so the cleanup can stop it and its per-run children
# by that one id if this script is interrupted.
# shellcheck disable=SC2086
setsid "$LOADGEN" --compare-janus "$URL" --janus-pid "$JANUS_PID" --points "$POINTS" \
  --repeats "$REPEATS" --seconds "$SECONDS_PER_RUN" --warmup "$WARMUP" \
  --netns "$NS" --server-address "$SERVER_IP" --client-address "$CLIENT_IP" ${JANUS_EXTRA:-} &
LOADGEN_PID=$!
set +e
wait "$LOADGEN_PID"
status=$?
LOADGEN_PID=
set -e
# The kernel's own count of what crossed the pair (both servers, setup included): the
# traffic went over the veth path and nowhere else.
read -r rx_packets tx_packets < <(cat "/sys/class/net/$VETH_HOST/statistics/rx_packets" \
  "/sys/class/net/$VETH_HOST/statistics/tx_packets" | paste -sd' ')
echo "bench-janus: $VETH_HOST carried $tx_packets packets to the servers and $rx_packets back"
if [ $status -ne 0 ] && [ -s "$WORK/janus.log" ]; then
  echo "bench-janus: the last lines of Janus's log:" >&2
  tail -20 "$WORK/janus.log" >&2
fi
exit $status
