"""Inbox triage: classifies new mail with the LLM proxy and writes a digest."""

if __name__ == "__main__":
    pass
