"""``jitgrad.distributed``: torch.distributed's API on MPI (mpi4py).

Start the ranks with ``mpiexec -n N python script.py``; in the script,
``jitgrad.distributed.init_process_group("mpi")`` (or with no backend).
Install the optional dependencies with ``pip install -e ".[distributed]"``
(mpi4py and the MPICH runtime, binary wheels). Importing this module does
not import mpi4py: ``is_available()`` says whether it is installed.
"""
from .distributed_c10d import *  # noqa: F401,F403
from .distributed_c10d import __all__  # noqa: F401
from . import distributed_c10d  # noqa: F401
