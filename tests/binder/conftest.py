"""The `binder` marker: tests that build a Binder environment from the package index (minutes, network)."""


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "binder: builds a fresh environment from binder/ alone (slow, needs the package index); "
                   "deselect with -m 'not binder'")
