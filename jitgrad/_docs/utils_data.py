"""Docstrings of ``jitgrad.utils.data`` classes lacking one in the code."""

DOCS = {
"ConcatDataset": """A dataset that concatenates several map-style datasets end to end.""",
"ChainDataset": """An iterable dataset that yields from several iterable datasets one after another.""",
"SequentialSampler": """A sampler that yields the indices 0 .. len(data_source) - 1 in order.""",
"SubsetRandomSampler": """A sampler that yields the given ``indices`` in a random order, without replacement.""",
}
