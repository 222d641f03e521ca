"""`make bench`: the service against its baselines under wrk, and the engine in-process (never run by pytest)."""
