"""kubenb's benchmarks: `python -m benchmarks [SCENARIO] [--nodes N] [--pods P]` prints one line per figure.

Each time figure carries its ratio to a floor measured in the same run: the time to construct and
validate, as bare pydantic models, the objects the measured phase wrote. That is what any Python
simulator of the same cluster must at least pay, so the ratio says how much kubenb adds to it,
independently of how fast (or how busy) the machine is.
"""
