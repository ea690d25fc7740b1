# Shared environment for the ~/.sanctum/bin wrappers. Sourced, never executed.
export SANCTUM_HOME="$HOME/.sanctum"
export PATH="$SANCTUM_HOME/bin:/opt/homebrew/bin:/usr/bin:/bin:/usr/sbin:/sbin"
export HF_HOME="$HOME/Models/hf"
export PYTHONUNBUFFERED=1
