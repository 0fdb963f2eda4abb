"""The Kubernetes API types kubenb models (pydantic), and the tables that describe them.

Nothing is imported here, so that ``import kubenb.api.meta`` stays cheap; import
:mod:`kubenb.api.models` to load every typed kind (and register it with
:func:`kubenb.api.registry.register_model`).
"""
