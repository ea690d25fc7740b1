#!/bin/bash
# Voice agent (launchd: com.sanctum.voice-agent).
set -euo pipefail
source "$HOME/.sanctum/lib/config.sh"
cd "$HOME/Projects/voice-agent"
exec "$HOME/.sanctum/venv/bin/python3" "$HOME/Projects/voice-agent/main.py" --port 8765
