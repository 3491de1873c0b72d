"""Samplers: torch.utils.data.sampler's classes, drawing the same random
numbers in the same order as torch (so a seed gives torch's shuffle)."""
import itertools
from typing import Generic, TypeVar

import numpy as np

from ... import dtypes, messages
from ...factories import empty
from ...random import Generator, randint, randperm

T_co = TypeVar("T_co", covariant=True)

__all__ = ["BatchSampler", "RandomSampler", "Sampler", "SequentialSampler",
           "SubsetRandomSampler"]


def _draw_seed(generator=None):
    """torch's ``int(torch.empty((), dtype=torch.int64).random_(generator=g).item())``."""
    return int(empty((), dtype=dtypes.int64).random_(generator=generator).item())


class Sampler(Generic[T_co]):
    """Base class: subclasses define ``__iter__`` (and usually ``__len__``)."""

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)

    def _chunks(self):
        # the indices as arrays, for the DataLoader's batched path
        yield np.arange(len(self.data_source))


class RandomSampler(Sampler[int]):
    """A random permutation per ``len(data_source)`` samples (or draws with
    replacement). Without a generator it seeds a fresh one from a draw of the
    default generator at the start of each pass, as torch does."""

    def __init__(self, data_source, replacement=False, num_samples=None, generator=None):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(messages.sampler_replacement(self.replacement))
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(messages.sampler_num_samples(self.num_samples))

    @property
    def num_samples(self):
        if self._num_samples is None:
            return len(self.data_source)
        return self._num_samples

    def _generator(self):
        if self.generator is None:
            generator = Generator()
            generator.manual_seed(_draw_seed())
            return generator
        return self.generator

    def __iter__(self):
        for chunk in self._chunks():
            yield from chunk.tolist()

    def _chunks(self):
        """The sampled indices as int64 arrays, drawn lazily in torch's order:
        its ``__iter__`` runs ``yield from randperm(...).tolist()`` per
        permutation, and, as torch, a last (here empty) permutation is drawn
        when the pass ends."""
        n = len(self.data_source)
        generator = self._generator()
        if self.replacement:
            for _ in range(self.num_samples // 32):
                yield randint(high=n, size=(32,), dtype=dtypes.int64, generator=generator)._data
            yield randint(high=n, size=(self.num_samples % 32,), dtype=dtypes.int64,
                          generator=generator)._data
        else:
            for _ in range(self.num_samples // n):
                yield randperm(n, generator=generator)._data
            yield randperm(n, generator=generator)._data[:self.num_samples % n]

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in randperm(len(self.indices), generator=self.generator).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class BatchSampler(Sampler[list]):
    """Lists of ``batch_size`` indices from ``sampler``."""

    def __init__(self, sampler, batch_size, drop_last):
        if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
            raise ValueError(messages.sampler_batch_size(batch_size))
        if not isinstance(drop_last, bool):
            raise ValueError(messages.sampler_drop_last(drop_last))
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        sampler_iter = iter(self.sampler)
        if self.drop_last:
            args = [sampler_iter] * self.batch_size
            for batch_droplast in zip(*args):
                yield [*batch_droplast]
        else:
            batch = [*itertools.islice(sampler_iter, self.batch_size)]
            while batch:
                yield batch
                batch = [*itertools.islice(sampler_iter, self.batch_size)]

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size


def _array_batches(chunks, batch_size, drop_last):
    """BatchSampler over a stream of index arrays: yields int64 arrays (views
    into the chunks where possible) and pulls the next chunk exactly when
    BatchSampler's element-wise loop would ask for the element past the
    current one, so every random draw happens at the same point as in torch."""
    cur = None
    pos = 0
    done = False
    while not done:
        parts = []
        need = batch_size
        while need:
            if cur is None or pos == len(cur):
                try:
                    cur = next(chunks)
                except StopIteration:
                    done = True
                    break
                pos = 0
                continue
            take = min(need, len(cur) - pos)
            parts.append(cur[pos:pos + take])
            pos += take
            need -= take
        if need and (drop_last or need == batch_size):
            return
        yield parts[0] if len(parts) == 1 else np.concatenate(parts)
