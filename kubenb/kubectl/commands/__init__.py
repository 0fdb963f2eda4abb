"""One module per kubectl verb (or family of verbs); :mod:`kubenb.kubectl` dispatches to them."""
