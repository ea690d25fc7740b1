"""Voice agent: wake word -> whisper-stt -> llm-proxy -> qwen3-tts."""
import argparse

def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8765)
    p.parse_args()

if __name__ == "__main__":
    main()
