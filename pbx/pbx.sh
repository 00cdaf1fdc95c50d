#!/usr/bin/env bash
# Local test PBX: Asterisk (Debian sid) in a chroot, WebRTC over ws://127.0.0.1:8088/ws.
#
#   pbx/pbx.sh up          provision (first time only) and start; waits for a SIP answer
#   pbx/pbx.sh down        stop Asterisk, unmount /proc, remove the helper veth (if we made it)
#   pbx/pbx.sh status      "running" (exit 0) / "not running" (exit 1)
#   pbx/pbx.sh cli "CMD"   asterisk -rx "CMD" inside the chroot
#   pbx/pbx.sh log-path    absolute path of Asterisk's full log (SIP messages included)
#   pbx/pbx.sh crash       like down, but KILL: no BYE, no goodbye on the WebSocket (a PBX crash)
#
# A second, independent instance for fault tests (stop/start it without touching the shared
# PBX): PBX_INSTANCE=faults pbx/pbx.sh up|down|status|cli|log-path|ready
# runs another Asterisk from the same chroot on ws://127.0.0.1:8090/ws (RTP 21000-21999),
# config in the chroot's /etc/asterisk-faults, its own astdb/run/log/spool dirs, and its
# pid file and output in .pbx/faults/.
#
# Environment:
#   PBX_STACK                 "asterisk" (default) or "kamailio": the latter runs pbx/kamailio.sh instead
#   PBX_INSTANCE              "" (default instance) or "faults"
#   HUBSPOT_SOFTPHONE_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/hubspot-sip-softphone)
#   PBX_RUN_DIR               runtime state (default <cache root>/run: one PBX per machine)
#   PBX_READY_TIMEOUT         seconds to wait for the SIP answer on `up` (default 30)
#   PBX_FAULTS_PASSWORDS      test only, faults instance only (ignored by the default one):
#                             "1007=other [1008=…]" gives those agents another password in
#                             /etc/asterisk-faults when `up` starts it; the next `up` without it
#                             restores test<ext>
set -euo pipefail

# PBX_STACK=kamailio: the second stack (Kamailio + rtpengine + coturn, SIPp far ends), pbx/kamailio.sh.
case "${PBX_STACK:-asterisk}" in
  asterisk|"") ;;
  kamailio) exec bash "$(dirname "${BASH_SOURCE[0]}")/kamailio.sh" "$@" ;;
  *) printf 'pbx: unknown PBX_STACK "%s" (use "asterisk", the default, or "kamailio")\n' "$PBX_STACK" >&2; exit 2 ;;
esac

PBX_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$PBX_DIR/.." && pwd)"
CACHE_ROOT="${HUBSPOT_SOFTPHONE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hubspot-sip-softphone}"
CHROOT="$CACHE_ROOT/asterisk-sid"
# One PBX per machine, whichever checkout started it: runtime state lives with the chroot.
BASE_RUN_DIR="${PBX_RUN_DIR:-$CACHE_ROOT/run}"
INSTANCE="${PBX_INSTANCE:-}"
case "$INSTANCE" in
  ""|default) INSTANCE="" ;;
  faults) ;;
  *) printf 'pbx: unknown PBX_INSTANCE "%s" (use "faults" or leave it unset)\n' "$INSTANCE" >&2; exit 2 ;;
esac
# The default instance's layout is unchanged; the faults instance gets its own of everything.
if [ -z "$INSTANCE" ]; then
  RUN_DIR="$BASE_RUN_DIR"
  SUFFIX=""
  HTTP_PORT=8088
else
  RUN_DIR="$BASE_RUN_DIR/$INSTANCE"
  SUFFIX="-$INSTANCE"
  HTTP_PORT=8090
fi
PID_FILE="$RUN_DIR/asterisk.pid"
OUT_FILE="$RUN_DIR/asterisk.out"
VETH_MARK="$BASE_RUN_DIR/veth"
LOG_FILE="$CHROOT/var/log/asterisk$SUFFIX/full"
WS_URL="ws://127.0.0.1:$HTTP_PORT/ws"
# Inside the chroot: the faults instance reads /etc/asterisk-faults/asterisk.conf (-C).
CONF_ARGS=()
[ -n "$INSTANCE" ] && CONF_ARGS=(-C "/etc/asterisk$SUFFIX/asterisk.conf")
READY_TIMEOUT="${PBX_READY_TIMEOUT:-30}"
VETH_A=sp-veth0
VETH_B=sp-veth1

say() { printf 'pbx: %s\n' "$*"; }
die() { printf 'pbx: %s\n' "$*" >&2; exit 1; }

existing_pbx_hint() {
  cat >&2 <<'EOF'
pbx: To use an existing PBX instead, point the softphone at it in config.json:
pbx:   { "pbxUrl": "wss://your-pbx.example:8089/ws", "sipDomain": "your-pbx.example" }
pbx: (a WebRTC-capable PBX: SIP over WebSocket, DTLS-SRTP, ICE, opus or ulaw).
EOF
}

cannot_provision() {
  printf 'pbx: cannot provision the test PBX: %s\n' "$*" >&2
  existing_pbx_hint
  exit 1
}

# The machine's own Debian mirror, read from its apt sources (never hard-coded here).
apt_mirror() {
  local f uri=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    # deb822: stanzas separated by blank lines; take the first non-security "Types: deb" stanza.
    uri="$(awk '
      BEGIN { RS=""; FS="\n" }
      {
        types=""; uris=""; suites=""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^Types:/)  { types=$i }
          if ($i ~ /^URIs:/)   { uris=$i }
          if ($i ~ /^Suites:/) { suites=$i }
        }
        if (types ~ /(^|[ \t])deb([ \t]|$)/ && uris != "" && suites !~ /security/ && uris !~ /security/) {
          sub(/^URIs:[ \t]*/, "", uris); split(uris, u, /[ \t]+/); print u[1]; exit
        }
      }' "$f")"
    [ -n "$uri" ] && { printf '%s\n' "$uri"; return 0; }
  done
  if [ -r /etc/apt/sources.list ]; then
    uri="$(awk '$1 == "deb" && $0 !~ /security/ {
      for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; exit } }' /etc/apt/sources.list)"
    [ -n "$uri" ] && { printf '%s\n' "$uri"; return 0; }
  fi
  return 1
}

chroot_ready() { [ -x "$CHROOT/usr/sbin/asterisk" ] && [ -f "$CHROOT/.provisioned" ]; }

provision() {
  chroot_ready && return 0
  [ "$(id -u)" = 0 ] || cannot_provision "it needs root (debootstrap + chroot); run 'sudo pbx/pbx.sh up'."
  [ -r /etc/debian_version ] || command -v apt-get >/dev/null 2>&1 \
    || cannot_provision "this is not a Debian-like system (no apt-get)."
  if ! command -v debootstrap >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || cannot_provision "debootstrap is missing and apt-get is not available."
    say "installing debootstrap"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >/dev/null 2>&1; then
      DEBIAN_FRONTEND=noninteractive apt-get update >/dev/null 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap >/dev/null 2>&1 \
        || cannot_provision "debootstrap is missing and 'apt-get install debootstrap' failed."
    fi
  fi
  local mirror
  mirror="$(apt_mirror)" || cannot_provision "no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list."

  mkdir -p "$CACHE_ROOT"
  local tmp="$CACHE_ROOT/.asterisk-sid.tmp.$$"
  # Leftovers of an interrupted first run: unmount what debootstrap mounted there, then remove.
  local stale m
  for stale in "$CACHE_ROOT"/.asterisk-sid.tmp.*; do
    [ -d "$stale" ] || continue
    for m in $(awk -v d="$stale/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r); do
      umount -l "$m" 2>/dev/null || true
    done
    rm -rf "$stale"
  done
  say "provisioning Debian sid + Asterisk into $CHROOT (first run only; a few minutes)"
  local t0=$SECONDS dblog="$CACHE_ROOT/debootstrap.log"
  if ! debootstrap --variant=minbase --include=asterisk,asterisk-modules,asterisk-config \
      sid "$tmp" "$mirror" >"$dblog" 2>&1; then
    tail -n 30 "$dblog" >&2 || true
    rm -rf "$tmp"
    cannot_provision "debootstrap failed (log: $dblog)."
  fi
  # Clean apt caches to keep the cache small; mark complete, then rename atomically.
  rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/* 2>/dev/null || true
  date -u +%FT%TZ >"$tmp/.provisioned"
  rm -rf "$CHROOT"
  mv -T "$tmp" "$CHROOT"
  say "provisioned in $((SECONDS - t0)) s"
}

pid_alive() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)" || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # guard against pid reuse: it must be an asterisk process (only once it has exec'd it:
  # right after the launch the pid is still bash/setsid/nohup/chroot, see cmd_up)
  [ "${1:-}" = starting ] || grep -q asterisk "/proc/$pid/cmdline" 2>/dev/null
}

# Which instance an Asterisk process is: "faults" when started with -C /etc/asterisk-faults/…, else "".
instance_of() {
  local cmd
  cmd="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
  case "$cmd" in
    *"/etc/asterisk-faults/asterisk.conf"*) echo faults ;;
    *) echo "" ;;
  esac
}

# True when an Asterisk of another instance runs in the chroot (it still needs /proc and the veth).
other_instance_running() {
  local p root
  for p in $(pgrep -x asterisk 2>/dev/null); do
    root="$(readlink "/proc/$p/root" 2>/dev/null)" || continue
    [ "$root" = "$(readlink -f "$CHROOT")" ] || continue
    [ "$(instance_of "$p")" != "$INSTANCE" ] && return 0
  done
  return 1
}

# An Asterisk running in our chroot whose pid file was lost (e.g. .pbx/ deleted): adopt it.
adopt_orphan() {
  local p root
  for p in $(pgrep -x asterisk 2>/dev/null); do
    root="$(readlink "/proc/$p/root" 2>/dev/null)" || continue
    if [ "$root" = "$(readlink -f "$CHROOT")" ] && [ "$(instance_of "$p")" = "$INSTANCE" ]; then
      mkdir -p "$RUN_DIR"
      echo "$p" >"$PID_FILE"
      say "found Asterisk already running in the chroot without a pid file: adopted pid $p"
      return 0
    fi
  done
  return 1
}

has_non_loopback_ipv4() {
  ip -o -4 addr show up 2>/dev/null | awk '$2 != "lo" && $4 !~ /^127\./ { found=1 } END { exit !found }'
}

ensure_interface() {
  has_non_loopback_ipv4 && return 0
  # Neither Chromium nor Asterisk offers loopback ICE candidates: give them a local-only link.
  say "no non-loopback IPv4 address is up: creating $VETH_A/$VETH_B (198.18.0.1/198.18.0.2)"
  ip link add "$VETH_A" type veth peer name "$VETH_B"
  ip addr add 198.18.0.1/30 dev "$VETH_A"
  ip addr add 198.18.0.2/30 dev "$VETH_B"
  ip link set "$VETH_A" up
  ip link set "$VETH_B" up
  echo "$VETH_A" >"$VETH_MARK"
}

remove_interface() {
  [ -f "$VETH_MARK" ] || return 0
  ip link del "$VETH_A" 2>/dev/null || true
  rm -f "$VETH_MARK"
}

prepare_chroot() {
  mkdir -p "$CHROOT/run/asterisk" "$CHROOT/var/log/asterisk" "$CHROOT/var/lib/asterisk" "$CHROOT/var/spool/asterisk"
  mountpoint -q "$CHROOT/proc" || mount -t proc proc "$CHROOT/proc"
  # Without /etc/hosts every call waits on DNS; no nameserver: nothing leaves this machine.
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t%s\n' \
    "$(hostname 2>/dev/null || echo pbx)" >"$CHROOT/etc/hosts"
  printf '# test PBX: no DNS\n' >"$CHROOT/etc/resolv.conf"
  # Our config over the packaged one on every `up`, so edits take effect.
  cp -f "$PBX_DIR"/asterisk/*.conf "$CHROOT/etc/asterisk/"
  rm -f "$CHROOT/etc/asterisk/users.conf"  # pbx_config warns it is deprecated; unused here
  [ -n "$INSTANCE" ] && prepare_instance_config && override_passwords
  # One run, one log: tests read it by offset (see control.ts).
  : >"$LOG_FILE"
  rm -f "$CHROOT/run/asterisk$SUFFIX/asterisk.ctl" "$CHROOT/run/asterisk$SUFFIX/asterisk.pid"
}

# The faults instance: a copy of the default configuration (packaged files + ours) with its
# own directories, HTTP port and RTP range, so it never collides with the default instance.
prepare_instance_config() {
  local etc="$CHROOT/etc/asterisk$SUFFIX" d
  for d in run/asterisk var/log/asterisk var/lib/asterisk var/spool/asterisk; do
    mkdir -p "$CHROOT/$d$SUFFIX"
  done
  rm -rf "$etc"
  cp -a "$CHROOT/etc/asterisk" "$etc"
  # "[directories](!)" is a template, which Asterisk skips: make it a real section here.
  sed -i \
    -e 's#^\[directories\](!)#[directories]#' \
    -e "s#^astetcdir => .*#astetcdir => /etc/asterisk$SUFFIX#" \
    -e "s#^astvarlibdir => .*#astvarlibdir => /var/lib/asterisk$SUFFIX#" \
    -e "s#^astdbdir => .*#astdbdir => /var/lib/asterisk$SUFFIX#" \
    -e "s#^astkeydir => .*#astkeydir => /var/lib/asterisk$SUFFIX#" \
    -e "s#^astspooldir => .*#astspooldir => /var/spool/asterisk$SUFFIX#" \
    -e "s#^astrundir => .*#astrundir => /run/asterisk$SUFFIX#" \
    -e "s#^astlogdir => .*#astlogdir => /var/log/asterisk$SUFFIX#" \
    "$etc/asterisk.conf"
  sed -i -e "s#^bindport = .*#bindport = $HTTP_PORT#" "$etc/http.conf"
  sed -i -e 's#^rtpstart = .*#rtpstart = 21000#' -e 's#^rtpend = .*#rtpend = 21999#' "$etc/rtp.conf"
  grep -q "^astetcdir => /etc/asterisk$SUFFIX\$" "$etc/asterisk.conf" && grep -q "^bindport = $HTTP_PORT\$" "$etc/http.conf" \
    || die "could not write the $INSTANCE instance's configuration in $etc"
}

# PBX_FAULTS_PASSWORDS="1007=other": another password for those agents, in this instance only
# (a test proves what a changed password does to a signed-in softphone). Checked before `up`
# touches anything, applied to the instance's copy of pjsip.conf.
check_password_overrides() {
  local pair ext pw
  for pair in ${PBX_FAULTS_PASSWORDS:-}; do
    ext="${pair%%=*}"
    pw="${pair#*=}"
    [[ "$pair" == *=* && "$ext" =~ ^[0-9]+$ && "$pw" =~ ^[A-Za-z0-9_.-]+$ ]] \
      || die "PBX_FAULTS_PASSWORDS: \"$pair\" is not <extension>=<password> (password: letters, digits, _ . -)"
    grep -qxF "[$ext](agent-auth)" "$PBX_DIR/asterisk/pjsip.conf" || die "PBX_FAULTS_PASSWORDS: no agent $ext in pjsip.conf"
  done
}

override_passwords() {
  local etc="$CHROOT/etc/asterisk$SUFFIX" pair ext pw
  for pair in ${PBX_FAULTS_PASSWORDS:-}; do
    ext="${pair%%=*}"
    pw="${pair#*=}"
    awk -v section="[$ext](agent-auth)" -v pw="$pw" '
      /^\[/ { inside = ($0 == section) }
      inside && /^password = / { $0 = "password = " pw; done = 1 }
      { print }
      END { exit !done }' "$etc/pjsip.conf" >"$etc/pjsip.conf.new" \
      || { rm -f "$etc/pjsip.conf.new"; die "PBX_FAULTS_PASSWORDS: no password line for agent $ext in $etc/pjsip.conf"; }
    mv -f "$etc/pjsip.conf.new" "$etc/pjsip.conf"
    say "$INSTANCE instance: agent $ext has a changed password (PBX_FAULTS_PASSWORDS)"
  done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$HTTP_PORT") 2>/dev/null; }

probe() { node "$PBX_DIR/ready.mjs" "$WS_URL" "${1:-2000}"; }

cmd_up() {
  mkdir -p "$RUN_DIR"
  if pid_alive || adopt_orphan; then
    say "already running (pid $(cat "$PID_FILE")) on $WS_URL"
    return 0
  fi
  [ "$(id -u)" = 0 ] || cannot_provision "starting the chroot PBX needs root (mount, chroot); run 'sudo pbx/pbx.sh up'."
  [ -n "$INSTANCE" ] && check_password_overrides
  local t0
  t0=$(date +%s%N)
  provision
  port_in_use && die "127.0.0.1:$HTTP_PORT is already in use by another process; stop it (or 'pbx/pbx.sh down' in the repo that started it)."
  ensure_interface
  prepare_chroot
  : >"$OUT_FILE"
  # -f: foreground (we background it); no -U: as root it keeps the capabilities it needs for its astdb.
  # 9>&-: Asterisk must not inherit (and hold forever) the up/down lock.
  setsid nohup chroot "$CHROOT" /usr/sbin/asterisk "${CONF_ARGS[@]}" -f -n -g >>"$OUT_FILE" 2>&1 </dev/null 9>&- &
  echo $! >"$PID_FILE"
  local deadline=$((SECONDS + READY_TIMEOUT))
  while :; do
    if ! pid_alive starting; then
      printf 'pbx: Asterisk exited during start. Last lines of %s and %s:\n' "$OUT_FILE" "$LOG_FILE" >&2
      tail -n 20 "$OUT_FILE" >&2 || true
      tail -n 30 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      exit 1
    fi
    # Probe only once the modules are loaded (before that the WebSocket refuses 'sip').
    if grep -q 'Asterisk Ready\.' "$LOG_FILE" 2>/dev/null && probe 1000 >/dev/null 2>&1; then break; fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      printf 'pbx: no SIP answer on %s after %s s. Last lines of %s:\n' "$WS_URL" "$READY_TIMEOUT" "$LOG_FILE" >&2
      tail -n 30 "$LOG_FILE" >&2 || true
      exit 1
    fi
    sleep 0.05
  done
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  say "ready on $WS_URL (pid $(cat "$PID_FILE"), ${ms} ms); log: $LOG_FILE"
}

cmd_down() {
  local signal="${1:-TERM}"
  if pid_alive || adopt_orphan; then
    local pid i
    pid="$(cat "$PID_FILE")"
    kill "-$signal" "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$pid" 2>/dev/null; then
      say "Asterisk did not stop on TERM; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
    say "stopped (pid $pid)"
  else
    say "not running"
  fi
  rm -f "$PID_FILE"
  # The other instance still runs in the same chroot: leave /proc and the veth to it.
  other_instance_running && return 0
  if [ -d "$CHROOT/proc" ] && mountpoint -q "$CHROOT/proc"; then
    umount "$CHROOT/proc" 2>/dev/null || umount -l "$CHROOT/proc" || true
  fi
  remove_interface
}

cmd_status() {
  if pid_alive || adopt_orphan >/dev/null; then
    echo "running (pid $(cat "$PID_FILE"), $WS_URL)"
    return 0
  fi
  echo "not running"
  return 1
}

cmd_cli() {
  [ $# -ge 1 ] || die "usage: pbx/pbx.sh cli \"<asterisk command>\""
  pid_alive || adopt_orphan >/dev/null || die "not running (pbx/pbx.sh up)"
  chroot "$CHROOT" /usr/sbin/asterisk "${CONF_ARGS[@]}" -rx "$*"
}

# up/down are serialised (e.g. several test workers calling pbxUp() at once), across
# instances too: they share the chroot's /proc mount and the veth.
with_lock() {
  mkdir -p "$RUN_DIR"
  exec 9>"$BASE_RUN_DIR/up.lock"
  flock -w 300 9 || die "another pbx.sh up/down has held $BASE_RUN_DIR/up.lock for 300 s"
  "$@"
}

case "${1:-}" in
  up) with_lock cmd_up ;;
  down) with_lock cmd_down ;;
  crash) with_lock cmd_down KILL ;;
  status) cmd_status ;;
  cli) shift; cmd_cli "$@" ;;
  log-path) echo "$LOG_FILE" ;;
  ready) probe 2000 ;;
  *) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
