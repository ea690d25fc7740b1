// OpenClaw gateway
