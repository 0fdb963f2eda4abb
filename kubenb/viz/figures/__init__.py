"""The figure builders, one module per view (the functions are re-exported by :mod:`kubenb.viz`)."""
