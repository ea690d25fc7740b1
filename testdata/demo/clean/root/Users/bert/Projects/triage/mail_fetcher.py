"""Gmail fetcher (disabled: token expired)."""

if __name__ == "__main__":
    pass
