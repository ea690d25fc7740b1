#!/bin/bash
# Compare manifests with running services.
set -euo pipefail
source ~/.sanctum/lib/config.sh
exec /usr/bin/python3 "$HOME/Projects/openclaw-skills/service-doctor/scripts/service-graph.py" --check "$@"
