#!/bin/bash
# Monthly performance review, run by hand.
set -euo pipefail
source "$HOME/.sanctum/lib/config.sh"
/usr/bin/sqlite3 "$HOME/.sanctum/metrics/metrics.db" "select count(*) from samples"
