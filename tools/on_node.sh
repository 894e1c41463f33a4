#!/usr/bin/env bash
# tools/on_node.sh SCRIPT [ARGS...]: start a local Anvil if none answers at NODE_URL, run
# `ape run SCRIPT ARGS` against it, and stop the node we started on any exit (Ctrl-C included) unless
# KEEP_NODE is set. make demo, replay, replays and sweep use it.
set -uo pipefail
NODE_URL=${NODE_URL:-http://127.0.0.1:8545}
started=0

node_up() {
  curl -s -o /dev/null -X POST -H 'content-type: application/json' \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$NODE_URL"
}

cleanup() {
  if [ "$started" = 1 ]; then
    if [ -n "${KEEP_NODE:-}" ]; then
      echo "node left running at $NODE_URL (make node-stop ends it)"
    else
      make --no-print-directory node-stop
    fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! node_up; then
  make --no-print-directory node || exit 1
  started=1
fi
script=$1
shift
APE_FOUNDRY_HOST=$NODE_URL ape run "$script" --network ethereum:local:foundry "$@"
