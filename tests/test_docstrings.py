"""Every public callable of the main namespaces has a docstring whose first line is a
sentence, and every ``Example::`` block in those docstrings runs and prints what it
shows (doctest, with ``torch`` bound to jitgrad as ``import jitgrad as torch`` would)."""
import doctest
import re
import types

import pytest

import jitgrad

NAMESPACES = {
    "jitgrad": jitgrad,
    "jitgrad.Tensor": jitgrad.Tensor,
    "jitgrad.nn": jitgrad.nn,
    "jitgrad.nn.Module": jitgrad.nn.Module,
    "jitgrad.nn.functional": jitgrad.nn.functional,
    "jitgrad.nn.init": jitgrad.nn.init,
    "jitgrad.optim": jitgrad.optim,
    "jitgrad.optim.Optimizer": jitgrad.optim.Optimizer,
    "jitgrad.optim.lr_scheduler": jitgrad.optim.lr_scheduler,
    "jitgrad.linalg": jitgrad.linalg,
    "jitgrad.autograd": jitgrad.autograd,
    "jitgrad.distributions": jitgrad.distributions,
    "jitgrad.utils.data": jitgrad.utils.data,
}


def _own_doc(obj):
    # a class's own docstring, not one inherited from a base class
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else obj.__doc__
    return doc or ""


def _public_callables(ns):
    for name in dir(ns):
        if name.startswith("_"):
            continue
        obj = getattr(ns, name, None)
        if isinstance(obj, types.ModuleType) or not callable(obj) \
                or isinstance(obj, jitgrad.dtype):
            continue
        if not getattr(obj, "__module__", "jitgrad").startswith("jitgrad"):
            continue                # re-exported from elsewhere (weakref.ref, ...)
        yield name, obj


# Docstrings written in the code (which jitgrad/_docs never replaces) whose opening
# paragraph is a formula or a signature rather than a summary sentence: to be reworded
# in the code; the list must shrink, never grow (test_known_unsummarised_list_is_current).
UNSUMMARISED_IN_CODE = {
    "jitgrad.Generator", "jitgrad.Size", "jitgrad.bernoulli", "jitgrad.binomial",
    "jitgrad.compile", "jitgrad.gru", "jitgrad.inference_mode", "jitgrad.lstm",
    "jitgrad.multinomial", "jitgrad.normal", "jitgrad.poisson", "jitgrad.randint",
    "jitgrad.rnn_relu", "jitgrad.rnn_tanh", "jitgrad.vmap", "jitgrad.Tensor.bernoulli",
    "jitgrad.Tensor.max", "jitgrad.nn.functional.Size", "jitgrad.nn.init.sparse_",
    "jitgrad.nn.init.trunc_normal_", "jitgrad.linalg.LinAlgError",
    "jitgrad.autograd.gradgradcheck", "jitgrad.autograd.inference_mode",
    "jitgrad.distributions.AffineTransform", "jitgrad.distributions.ComposeTransform",
    "jitgrad.distributions.ExpTransform", "jitgrad.distributions.ExponentialFamily",
    "jitgrad.distributions.LogNormal", "jitgrad.distributions.SigmoidTransform",
    "jitgrad.distributions.TanhTransform", "jitgrad.utils.data.default_convert",
}


def _is_sentence(text):
    text = " ".join(text.split())
    return (text[:1].isupper() or text[:1] in "`:") and text.endswith((".", ":"))


def _opening_paragraph(obj):
    return _own_doc(obj).strip().split("\n\n", 1)[0]


@pytest.mark.parametrize("label", list(NAMESPACES))
def test_every_public_callable_has_a_summary(label):
    missing, unsummarised = [], []
    for name, obj in _public_callables(NAMESPACES[label]):
        if not _own_doc(obj).strip():
            missing.append(name)
        elif f"{label}.{name}" not in UNSUMMARISED_IN_CODE \
                and not _is_sentence(_opening_paragraph(obj)):
            unsummarised.append(f"{name}: {_opening_paragraph(obj)[:80]!r}")
    assert not missing, f"{len(missing)} without a docstring: {' '.join(missing)}"
    assert not unsummarised, "opening paragraph not a sentence:\n" + "\n".join(unsummarised)


def test_known_unsummarised_list_is_current():
    fixed = []
    for qualified in UNSUMMARISED_IN_CODE:
        label, name = qualified.rsplit(".", 1)
        if _is_sentence(_opening_paragraph(getattr(NAMESPACES[label], name))):
            fixed.append(qualified)
    assert not fixed, f"now summarised, drop from UNSUMMARISED_IN_CODE: {fixed}"


def _docs_texts():
    from jitgrad._docs import (autograd, functional, linalg, nn, optim, tensor, toplevel,
                               toplevel_math, toplevel_nn, utils_data)
    for mod in (autograd, functional, linalg, nn, optim, tensor, toplevel, toplevel_math,
                toplevel_nn, utils_data):
        for table in (mod.DOCS, getattr(mod, "INIT", {}),
                      getattr(mod, "MODULE", {}), getattr(mod, "OPTIMIZER", {}),
                      getattr(mod, "LR_SCHEDULER", {})):
            for name, text in table.items():
                yield f"{mod.__name__.rsplit('.', 1)[1]}.{name}", text


def test_docs_texts_open_with_a_one_line_sentence():
    # the texts jitgrad/_docs attaches follow torch's layout: a one-line summary first
    bad = [f"{where}: {text.split(chr(10))[0]!r}" for where, text in _docs_texts()
           if not _is_sentence(text.split("\n", 1)[0])]
    assert not bad, "\n".join(bad)


def _examples():
    seen = {}
    for label, ns in NAMESPACES.items():
        for name, obj in _public_callables(ns):
            doc = _own_doc(obj)
            if "Example::" in doc and id(obj) not in seen:
                seen[id(obj)] = (f"{label}.{name}", doc)
    return sorted(seen.values())


_EXAMPLE_BLOCK = re.compile(r"Example::\n((?:[ \t]*\n|[ \t]+\S.*\n?)+)")


def test_examples_are_found():
    assert len(_examples()) >= 80


@pytest.mark.parametrize("name,doc", _examples(), ids=[n for n, _ in _examples()])
def test_example_runs(name, doc):
    blocks = _EXAMPLE_BLOCK.findall(doc)
    assert blocks, f"{name}: 'Example::' is not followed by an indented block"
    globs = {"torch": jitgrad, "nn": jitgrad.nn, "F": jitgrad.nn.functional}
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE
                                   | doctest.ELLIPSIS)
    default_dtype = jitgrad.get_default_dtype()
    jitgrad.manual_seed(0)
    try:
        for i, block in enumerate(blocks):
            test = parser.get_doctest(block, globs, f"{name}[{i}]", name, 0)
            assert test.examples, f"{name}: an Example:: block has no '>>>' lines"
            report = []
            runner.run(test, out=report.append)
            assert runner.failures == 0, "".join(report)
    finally:
        jitgrad.set_default_dtype(default_dtype)
