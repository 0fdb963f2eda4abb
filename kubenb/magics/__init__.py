"""IPython magics: the notebook surface of kubenb (the only layer importing IPython)."""
