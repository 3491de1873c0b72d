"""The named tuples some ops return, as ``torch.return_types``: ``x.max(dim)``
(and ``sort``, ``topk``) gives ``(values, indices)`` that also answers
``.values`` and ``.indices``."""


class _ValuesIndices(tuple):
    """A structseq of (values, indices), printed as torch prints it."""
    __slots__ = ()
    n_fields = n_sequence_fields = 2
    n_unnamed_fields = 0

    def __new__(cls, sequence):
        sequence = tuple(sequence)
        if len(sequence) != 2:
            raise TypeError(f"jitgrad.return_types.{cls.__name__}() takes a 2-sequence "
                            f"({len(sequence)}-sequence given)")
        return tuple.__new__(cls, sequence)

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return (f"jitgrad.return_types.{type(self).__name__}(\nvalues={self[0]!r},\n"
                f"indices={self[1]!r})")

    __str__ = __repr__

    def __reduce__(self):
        return (type(self), (tuple(self),))


class max(_ValuesIndices):  # noqa: A001  (torch's name)
    __slots__ = ()


class min(_ValuesIndices):  # noqa: A001
    __slots__ = ()


class sort(_ValuesIndices):
    __slots__ = ()


class topk(_ValuesIndices):
    __slots__ = ()


class cummax(_ValuesIndices):
    __slots__ = ()


class cummin(_ValuesIndices):
    __slots__ = ()


class kthvalue(_ValuesIndices):
    __slots__ = ()


class median(_ValuesIndices):
    __slots__ = ()


class nanmedian(_ValuesIndices):
    __slots__ = ()


class mode(_ValuesIndices):
    __slots__ = ()
