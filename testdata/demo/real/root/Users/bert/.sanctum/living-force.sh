#!/bin/bash
# The Living Force: dependency-aware healing, every 5 minutes.
set -uo pipefail
source "$HOME/.sanctum/lib/config.sh"
/bin/launchctl kickstart "gui/$(/usr/bin/id -u)/com.sanctum.voice-agent" || sanctum_notify "voice agent restarted"
exec "$HOME/.sanctum/scripts/service-drift.sh" --heal
