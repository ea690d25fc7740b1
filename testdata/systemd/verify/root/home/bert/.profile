# ~/.profile: bert's login shell settings.
export PATH="$HOME/bin:$PATH"
