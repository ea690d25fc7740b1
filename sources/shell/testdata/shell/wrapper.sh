#!/bin/bash
# voice-agent wrapper
set -euo pipefail
source "$HOME/.sanctum/env.sh"
. ~/.sanctum/lib/common.sh
. ./relative.sh
source "$SANCTUM_ENV"
log() { echo "$@" >&2; }
usage() {
  cat <<EOF
exec /not/a/target
source /nor/this
EOF
}
if [ -x /opt/voice/bin/server ]; then
  exec /opt/voice/bin/server --port 80 /health
fi
exec >>/tmp/voice.log 2>&1
exec "$RUNTIME" serve
exec -a voice-agent python3 -m voice
exec -- '/Applications/My App.app/Contents/MacOS/my app' --flag
exec ${HOME}/bin/voice-\
agent
