#!/bin/bash
# Gateway sentinel: repair the gateway when its port stops answering.
set -uo pipefail
source "$HOME/.sanctum/lib/config.sh"
/usr/bin/curl -fsS -m 3 http://127.0.0.1:1977/health >/dev/null && exit 0
sanctum_notify "gateway down; repairing"
exec "$HOME/.sanctum/bin/openclaw-doctor" --repair gateway
