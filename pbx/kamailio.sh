#!/usr/bin/env bash
# The second test stack: Kamailio (WebSocket edge, registrar, digest auth) + rtpengine
# (WebRTC <-> plain RTP, user-space forwarding) + coturn (TURN for relay-only tests), all
# Debian 12 packages run on the host. The far ends behind it are SIPp scenarios (pbx/sipp/),
# started per test by pbx/kamailioControl.ts. Also reached as `PBX_STACK=kamailio pbx/pbx.sh …`.
#
#   pbx/kamailio.sh up        install the packages if missing (root), start all three, wait for a SIP answer
#   pbx/kamailio.sh down      stop them (TERM, KILL after 5 s)
#   pbx/kamailio.sh status    "running (…)" exit 0 / "not running" exit 1
#   pbx/kamailio.sh log-path  Kamailio's log (every request and reply it routes)
#   pbx/kamailio.sh media-ip  the IPv4 address rtpengine, coturn and SIPp use for media
#   pbx/kamailio.sh ready     one SIP OPTIONS over the WebSocket; prints the status line
#   pbx/kamailio.sh turn-spki the TURN certificate's SPKI hash, for Chromium to trust that one certificate
#
# Ports (none shared with the Asterisk stack, RTP far from 10080):
#   ws://127.0.0.1:8092/ws   SIP over WebSocket for the softphone
#   udp 127.0.0.1:5070       SIP/UDP for the far ends; SIPp callee on 5080, caller on 5081
#   udp 127.0.0.1:22230      rtpengine's ng control socket; RTP 30000-30999
#   3479 (turn:, UDP+TCP), 5350 (turns:, TLS)   coturn; relay ports 31000-31999
#
# Environment: HUBSPOT_SOFTPHONE_CACHE / PBX_RUN_DIR as for pbx.sh (state in <run>/kamailio/),
# KAMAILIO_READY_TIMEOUT (seconds, default 20).
set -euo pipefail

PBX_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_ROOT="${HUBSPOT_SOFTPHONE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hubspot-sip-softphone}"
RUN_DIR="${PBX_RUN_DIR:-$CACHE_ROOT/run}/kamailio"
WS_URL="ws://127.0.0.1:8092/ws"
SIP_UDP_PORT=5070
FAR_END_PORT=5080
NG_PORT=22230
TURN_PORT=3479
TURNS_PORT=5350
READY_TIMEOUT="${KAMAILIO_READY_TIMEOUT:-20}"
VETH_A=sp-kveth0
VETH_B=sp-kveth1
PACKAGES=(kamailio kamailio-websocket-modules rtpengine-daemon sip-tester coturn openssl)

say() { printf 'kamailio-stack: %s\n' "$*"; }
die() { printf 'kamailio-stack: %s\n' "$*" >&2; exit 1; }

ensure_packages() {
  local missing=()
  command -v kamailio >/dev/null || missing+=(kamailio)
  [ -f /usr/lib/x86_64-linux-gnu/kamailio/modules/websocket.so ] || ls /usr/lib/*/kamailio/modules/websocket.so >/dev/null 2>&1 || missing+=(kamailio-websocket-modules)
  command -v rtpengine >/dev/null || missing+=(rtpengine-daemon)
  command -v sipp >/dev/null || missing+=(sip-tester)
  command -v turnserver >/dev/null || missing+=(coturn)
  command -v openssl >/dev/null || missing+=(openssl)
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]} (sudo apt-get install ${PACKAGES[*]})"
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 || {
    DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
      || die "apt-get install ${missing[*]} failed"
  }
}

# The address media flows on: Chromium offers no loopback ICE candidates, so rtpengine and coturn
# must sit on a real interface. The first non-loopback IPv4 address, else a local-only veth.
media_ip() {
  ip -o -4 addr show up 2>/dev/null | awk '$2 != "lo" && $4 !~ /^127\./ { split($4, a, "/"); print a[1]; exit }'
}

ensure_interface() {
  [ -n "$(media_ip)" ] && return 0
  say "no non-loopback IPv4 address is up: creating $VETH_A/$VETH_B (198.18.1.1/198.18.1.2)"
  ip link add "$VETH_A" type veth peer name "$VETH_B"
  ip addr add 198.18.1.1/30 dev "$VETH_A"
  ip addr add 198.18.1.2/30 dev "$VETH_B"
  ip link set "$VETH_A" up
  ip link set "$VETH_B" up
  echo "$VETH_A" >"$RUN_DIR/veth"
}

alive() {
  local f="$RUN_DIR/$1.pid" pid
  [ -f "$f" ] || return 1
  pid="$(cat "$f" 2>/dev/null)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "$2" "/proc/$pid/cmdline" 2>/dev/null
}

all_alive() { alive kamailio kamailio && alive rtpengine rtpengine && alive coturn turnserver; }

port_busy() { ss -Hlnu "sport = :$1" 2>/dev/null | grep -q . || ss -Hlnt "sport = :$1" 2>/dev/null | grep -q .; }

probe() { node "$PBX_DIR/ready.mjs" "$WS_URL" "${1:-2000}"; }

# turns: needs a certificate: a throw-away self-signed one made on each `up`, never committed.
make_cert() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=turn.test" \
    -keyout "$RUN_DIR/turn.key" -out "$RUN_DIR/turn.crt" >/dev/null 2>&1 || die "openssl could not make the TURN certificate"
}

start_one() {  # name, then the command
  local name="$1"; shift
  : >"$RUN_DIR/$name.log"
  setsid nohup "$@" >>"$RUN_DIR/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$RUN_DIR/$name.pid"
}

cmd_up() {
  mkdir -p "$RUN_DIR"
  if all_alive; then
    say "already running on $WS_URL"
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "starting the Kamailio stack needs root (it binds ports and may create a veth)"
  ensure_packages
  cmd_down >/dev/null 2>&1 || true
  local p
  for p in 8092 "$SIP_UDP_PORT" "$NG_PORT" "$TURN_PORT" "$TURNS_PORT"; do
    port_busy "$p" && die "port $p is already in use by another process"
  done
  ensure_interface
  local ip t0
  ip="$(media_ip)"
  t0=$(date +%s%N)
  echo "$ip" >"$RUN_DIR/media-ip"
  make_cert

  # rtpengine: no kernel module (--table=-1), user-space forwarding only.
  start_one rtpengine rtpengine --foreground --log-stderr --table=-1 --no-fallback \
    --interface="$ip" --listen-ng="127.0.0.1:$NG_PORT" --port-min=30000 --port-max=30999 \
    --log-level=6 --pidfile="$RUN_DIR/rtpengine.real.pid" --delete-delay=0
  # coturn: long-term credentials (user "agent", password "turnpass"), realm turn.test, relay on
  # the media address; peers on this machine's addresses allowed (the far end is rtpengine here).
  start_one coturn turnserver -n --log-file=stdout --simple-log --no-cli --no-stun-backward-compatibility \
    --listening-ip="$ip" --relay-ip="$ip" --external-ip="$ip" \
    --listening-port="$TURN_PORT" --tls-listening-port="$TURNS_PORT" \
    --min-port=31000 --max-port=31999 --lt-cred-mech --realm=turn.test --user=agent:turnpass \
    --cert="$RUN_DIR/turn.crt" --pkey="$RUN_DIR/turn.key" --no-dtls --no-tlsv1 --no-tlsv1_1 \
    --allow-loopback-peers --cli-password=unused --pidfile="$RUN_DIR/coturn.real.pid" \
    --no-software-attribute --fingerprint --userdb="$RUN_DIR/turndb"
  # Kamailio pings rtpengine once at start and ignores it for a minute if it does not answer.
  local ng_deadline=$((SECONDS + 10))
  until ss -Hlnu "sport = :$NG_PORT" | grep -q .; do
    alive rtpengine rtpengine && [ "$SECONDS" -lt "$ng_deadline" ] || { tail -n 25 "$RUN_DIR/rtpengine.log" >&2; cmd_down >/dev/null 2>&1; die "rtpengine did not open its control port"; }
    sleep 0.05
  done
  start_one kamailio kamailio -DD -E -f "$PBX_DIR/kamailio/kamailio.cfg" -m 64 -M 8 \
    -P "$RUN_DIR/kamailio.real.pid" -A "FAR_END=\"sip:127.0.0.1:$FAR_END_PORT\"" -Y "$RUN_DIR"

  local deadline=$((SECONDS + READY_TIMEOUT))
  while :; do
    for p in kamailio:kamailio rtpengine:rtpengine coturn:turnserver; do
      if ! alive "${p%%:*}" "${p#*:}"; then
        printf 'kamailio-stack: %s exited during start. Last lines of its log:\n' "${p%%:*}" >&2
        tail -n 25 "$RUN_DIR/${p%%:*}.log" >&2 || true
        cmd_down >/dev/null 2>&1 || true
        # Seen once in a full e2e run, right after the previous file stopped the stack, with nothing
        # in the log: start once more before failing (a second failure is reported as it is).
        if [ -z "${KAMAILIO_RETRIED:-}" ]; then
          say "starting once more"
          KAMAILIO_RETRIED=1 cmd_up
          return
        fi
        exit 1
      fi
    done
    if probe 1000 >/dev/null 2>&1 && ss -Hlnu "sport = :$NG_PORT" | grep -q . && ss -Hlnt "sport = :$TURNS_PORT" | grep -q .; then break; fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 25 "$RUN_DIR/kamailio.log" >&2 || true
      cmd_down >/dev/null 2>&1 || true
      die "no SIP answer on $WS_URL after $READY_TIMEOUT s"
    fi
    sleep 0.05
  done
  say "ready on $WS_URL (media $ip, $(( ($(date +%s%N) - t0) / 1000000 )) ms); log: $RUN_DIR/kamailio.log"
}

stop_one() {
  local name="$1" pid i
  [ -f "$RUN_DIR/$name.pid" ] || return 0
  pid="$(cat "$RUN_DIR/$name.pid")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    # setsid made it a process group leader: its children (Kamailio's workers) go with it
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null || true
    say "stopped $name (pid $pid)"
  fi
  rm -f "$RUN_DIR/$name.pid"
}

cmd_down() {
  mkdir -p "$RUN_DIR"
  stop_one kamailio
  stop_one rtpengine
  stop_one coturn
  if [ -f "$RUN_DIR/veth" ]; then
    ip link del "$VETH_A" 2>/dev/null || true
    rm -f "$RUN_DIR/veth"
  fi
}

cmd_status() {
  if all_alive; then
    echo "running (kamailio pid $(cat "$RUN_DIR/kamailio.pid"), $WS_URL, media $(cat "$RUN_DIR/media-ip" 2>/dev/null))"
    return 0
  fi
  echo "not running"
  return 1
}

with_lock() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/up.lock"
  flock -w 120 9 || die "another kamailio.sh up/down has held $RUN_DIR/up.lock for 120 s"
  "$@"
}

case "${1:-}" in
  up) with_lock cmd_up ;;
  down) with_lock cmd_down ;;
  status) cmd_status ;;
  log-path) echo "$RUN_DIR/kamailio.log" ;;
  media-ip) cat "$RUN_DIR/media-ip" 2>/dev/null || media_ip ;;
  turn-spki)  # base64 SHA-256 of the TURN certificate's public key (Chromium's --ignore-certificate-errors-spki-list)
    openssl x509 -in "$RUN_DIR/turn.crt" -pubkey -noout | openssl pkey -pubin -outform der \
      | openssl dgst -sha256 -binary | base64 ;;
  ready) probe 2000 ;;
  *) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
