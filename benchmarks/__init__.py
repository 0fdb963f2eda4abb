"""kubenb's benchmarks: `python -m benchmarks [SCENARIO] [--nodes N] [--pods P]` prints one line per figure."""
