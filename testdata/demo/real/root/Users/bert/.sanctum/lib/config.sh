# Sanctum shell configuration, sourced by every script and sentinel.
# shellcheck shell=bash
export SANCTUM_HOME="$HOME/.sanctum"
export SANCTUM_LOGS="$HOME/Library/Logs/sanctum"
export SANCTUM_INSTANCE="$SANCTUM_HOME/instance.yaml"
. "$HOME/.sanctum/lib/notify.sh"
