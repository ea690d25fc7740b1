# sanctum_notify MESSAGE: post to Force Flow, or fall back to a macOS notification.
# shellcheck shell=bash
sanctum_notify() {
  /usr/bin/curl -fsS -m 2 -X POST http://127.0.0.1:4077/notify -d "$1" >/dev/null 2>&1 ||
    /usr/bin/osascript -e "display notification \"$1\" with title \"Sanctum\""
}
