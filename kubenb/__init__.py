"""kubenb: Kubernetes you can learn, teach and test inside a Jupyter notebook, with no cluster at all.

In a notebook: ``%load_ext kubenb``, then ``%%kapply``, ``%kget``, ``%k`` / ``%kubectl``.
From Python: ``from kubenb import Cluster; Cluster().kubectl("get nodes").stdout``.
"""

from kubenb.cluster import Cluster

__all__ = ["Cluster", "load_ipython_extension"]
__version__ = "0.1.0"


def load_ipython_extension(ipython) -> None:  # noqa: ANN001 (IPython's shell)
    """`%load_ext kubenb`: register the magics and start the notebook's default cluster."""
    from kubenb.magics import completion
    from kubenb.magics.check import CheckMagics
    from kubenb.magics.magics import KubeMagics
    from kubenb.magics.serve import ServeMagics
    from kubenb.magics.session import SESSION
    from kubenb.magics.shell import ShellMagics
    from kubenb.magics.watch import WatchMagics

    ipython.register_magics(KubeMagics)
    ipython.register_magics(ShellMagics)
    ipython.register_magics(WatchMagics)
    ipython.register_magics(CheckMagics)
    ipython.register_magics(ServeMagics)
    completion.register(ipython)
    from kubenb.magics import viz as viz_magics

    viz_magics.register(ipython)  # %kviz, its completion, live figures refreshed after each cell
    SESSION.current  # noqa: B018 (creates the default cluster now, not at the first command)
