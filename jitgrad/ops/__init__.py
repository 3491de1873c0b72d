"""The graph layer's op implementations: each op's forward and backward
glue, calling the kernels named in ``jitgrad.derivatives``."""
