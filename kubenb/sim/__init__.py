"""Simulated time: the clock, the event loop and seeded random streams. Nothing here reads wall time."""
