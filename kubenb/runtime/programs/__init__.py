"""The simulated programs: one module per family (coreutils, network tools, servers).

:mod:`kubenb.runtime.registry` maps the ``exe`` names that image files carry to them.
"""
