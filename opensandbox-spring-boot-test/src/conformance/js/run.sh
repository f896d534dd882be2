#!/usr/bin/env bash
# Starts the embedded server's standalone jar and runs the official JavaScript SDK scenario
# against it. Usage: run.sh <server-jar>
set -euo pipefail
jar="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
cd "$(dirname "$0")"

npm ci --no-audit --no-fund --loglevel=error

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
key="conformance-$RANDOM$RANDOM"
log=$(mktemp)
OPEN_SANDBOX_API_KEY="$key" java -jar "$jar" --port="$port" >"$log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$log"' EXIT

for _ in $(seq 1 100); do
	if grep -q "OpenSandbox embedded server listening on http://127.0.0.1:$port" "$log"; then break; fi
	if ! kill -0 $server 2>/dev/null; then cat "$log"; echo "the embedded server did not start" >&2; exit 1; fi
	sleep 0.1
done
grep -q "listening on" "$log" || { cat "$log"; echo "the embedded server did not report listening" >&2; exit 1; }
cat "$log"

timeout 300 node scenario.mjs "127.0.0.1:$port" "$key"

kill -TERM $server
wait $server || true
trap - EXIT
rm -f "$log"
echo "the embedded server stopped"
