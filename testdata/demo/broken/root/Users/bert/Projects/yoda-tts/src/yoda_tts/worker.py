"""Qwen3-TTS worker: serves /synthesize and /health on 127.0.0.1:8790."""
import argparse

def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--voice", default="yoda")
    p.add_argument("--port", type=int, default=8790)
    p.parse_args()

if __name__ == "__main__":
    main()
