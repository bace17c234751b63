#!/usr/bin/env bash
# Starts ClamAV's daemon for the test suites, on 127.0.0.1 and a unix socket, with a signature
# database written here (the EICAR test file and a Rooms test marker) instead of the downloaded
# one: no freshclam, no network. Prints the variables the suites read, for `eval "$(…)"`:
#   TEST_CLAMD_URL=tcp://127.0.0.1:$PORT   TEST_CLAMD_SOCKET_URL=unix:$DIR/clamd.sock
# Usage: scripts/clamd-test.sh [port]   (default 3311; clamd's own 3310 is left to a real one)
# Stop it with: kill "$(cat "$DIR/clamd.pid")" (the directory is printed as CLAMD_TEST_DIR).
set -euo pipefail

port="${1:-${CLAMD_TEST_PORT:-3311}}"
dir="${CLAMD_TEST_DIR:-/tmp/rooms-clamd-$port}"

ping_clamd() {
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'zPING\0' >&3
  local answer
  IFS= read -r -d '' -t 5 answer <&3 || true
  exec 3<&- 3>&-
  [ "$answer" = "PONG" ]
}

print_env() {
  echo "export TEST_CLAMD_URL=tcp://127.0.0.1:$port"
  echo "export TEST_CLAMD_SOCKET_URL=unix:$dir/clamd.sock"
  echo "export CLAMD_TEST_DIR=$dir"
}

if ping_clamd 2>/dev/null; then print_env; exit 0; fi

command -v clamd >/dev/null || { echo "clamd-test: clamd is not installed (apt-get install clamav-daemon)" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir/db"
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
eicar='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
# Body signatures (name:target:offset:hex), found anywhere in any file, archives unpacked by clamd.
cat >"$dir/db/rooms-test.ndb" <<NDB
Eicar-Test-Signature:0:*:$(hex "$eicar")
Rooms-Clamd-Test-Marker:0:*:$(hex 'ROOMS-CLAMD-TEST-MARKER-5f3c9a')
NDB
cat >"$dir/clamd.conf" <<CONF
TCPSocket $port
TCPAddr 127.0.0.1
LocalSocket $dir/clamd.sock
LocalSocketMode 600
FixStaleSocket true
DatabaseDirectory $dir/db
PidFile $dir/clamd.pid
LogFile $dir/clamd.log
Foreground false
Bytecode false
SelfCheck 0
StreamMaxLength 25M
MaxThreads 4
CONF
clamd -c "$dir/clamd.conf" >"$dir/start.log" 2>&1 || { cat "$dir/start.log" "$dir/clamd.log" >&2 2>/dev/null; exit 1; }
for _ in $(seq 1 60); do
  if ping_clamd 2>/dev/null; then print_env; exit 0; fi
  sleep 0.5
done
echo "clamd-test: clamd did not answer on 127.0.0.1:$port" >&2
cat "$dir/clamd.log" >&2 2>/dev/null || true
exit 1
