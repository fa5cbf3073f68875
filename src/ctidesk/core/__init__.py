"""The call domain: events, calls, the tracker, the journal. Pure Python, no Qt, no network."""
