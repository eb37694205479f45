"""Checks of lesson 06's practice questions: right answers pass, typical mistakes get their message."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA
from torch import nn

from course_lib.exercises import ____
from course_lib.exercises.lesson06 import q1, q2, q3, q4


def outcome(question, **namespace):
    return question.evaluate(namespace)


# --- q1: flatten, then PCA -------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    from course_lib.data import load_mnist_sample

    images, _ = load_mnist_sample(seed=0)
    return {"train_images": images[:600], "test_images": images[600:800]}


def right_q1(train_images, test_images):
    flat_train = train_images.reshape(len(train_images), -1)
    flat_test = test_images.reshape(len(test_images), -1)
    return flat_test, PCA(n_components=50, random_state=0).fit(flat_train).transform(flat_test)


def test_q1_right_answer(digits):
    flat_test, pca_test = right_q1(**digits)
    result = outcome(q1, flat_test=flat_test, pca_test=pca_test, **digits)
    assert result.outcome == "correct", result.message


def test_q1_own_svd_with_other_signs_passes(digits):
    flat_train = digits["train_images"].reshape(600, -1).astype(np.float64)
    flat_test = digits["test_images"].reshape(200, -1)
    mean = flat_train.mean(axis=0)
    _, _, vt = np.linalg.svd(flat_train - mean, full_matrices=False)
    pca_test = (flat_test - mean) @ (-vt[:50]).T  # every component flipped
    assert outcome(q1, flat_test=flat_test, pca_test=pca_test, **digits).outcome == "correct"


def test_q1_blank_is_not_attempted(digits):
    result = outcome(q1, flat_test=____, pca_test=____, **digits)
    assert result.outcome == "not attempted"


def test_q1_images_as_columns(digits):
    flat_test, pca_test = right_q1(**digits)
    result = outcome(q1, flat_test=flat_test.T, pca_test=pca_test, **digits)
    assert result.outcome == "incorrect" and "one *column* per image" in result.message


def test_q1_wrong_shape(digits):
    flat_test, pca_test = right_q1(**digits)
    result = outcome(q1, flat_test=digits["test_images"].reshape(-1, 28), pca_test=pca_test, **digits)
    assert result.outcome == "incorrect" and "one row of 784 pixels per test image" in result.message


def test_q1_transposed_pixels(digits):
    _, pca_test = right_q1(**digits)
    flat = digits["test_images"].transpose(0, 2, 1).reshape(200, -1)
    result = outcome(q1, flat_test=flat, pca_test=pca_test, **digits)
    assert result.outcome == "incorrect" and "another order" in result.message


def test_q1_pca_fitted_on_test_images(digits):
    flat_test, _ = right_q1(**digits)
    pca_test = PCA(n_components=50, random_state=0).fit_transform(flat_test)
    result = outcome(q1, flat_test=flat_test, pca_test=pca_test, **digits)
    assert result.outcome == "incorrect" and "fitted on the *test* images" in result.message


def test_q1_wrong_number_of_components(digits):
    flat_test, _ = right_q1(**digits)
    pca_test = PCA(n_components=20, random_state=0).fit(digits["train_images"].reshape(600, -1)).transform(flat_test)
    result = outcome(q1, flat_test=flat_test, pca_test=pca_test, **digits)
    assert result.outcome == "incorrect" and "n_components=50" in result.message


def test_q1_not_a_pca(digits):
    flat_test, _ = right_q1(**digits)
    result = outcome(q1, flat_test=flat_test, pca_test=flat_test[:, 300:350].astype(float), **digits)
    assert result.outcome == "incorrect" and "does not match a 50-component PCA" in result.message


# --- q2: a forward hook ----------------------------------------------------------------------


def make_cnn():
    torch.manual_seed(0)
    return nn.Sequential(OrderedDict([
        ("block1", nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))),
        ("block2", nn.Sequential(nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))),
        ("embed", nn.Sequential(nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU())),
        ("classify", nn.Linear(64, 10)),
    ])).eval()


@pytest.fixture
def hooked():
    model = make_cnn()
    batch = torch.rand(16, 1, 28, 28)
    return model, batch


def capture(model, batch, layer, keep="output", remove=True):
    captured = {}

    def hook(module, inputs, output):
        captured["value"] = {"output": output, "inputs": inputs, "first input": inputs[0]}[keep]

    handle = getattr(model, layer).register_forward_hook(hook)
    with torch.no_grad():
        model(batch)
    if remove:
        handle.remove()
    return captured["value"]


def test_q2_right_answer(hooked):
    model, batch = hooked
    result = outcome(q2, block2_output=capture(model, batch, "block2"), model=model, batch=batch)
    assert result.outcome == "correct", result.message
    assert "32 maps of 7x7" in result.message


def test_q2_numpy_answer_and_gradients_are_fine(hooked):
    model, batch = hooked
    captured = {}
    handle = model.block2.register_forward_hook(lambda m, i, o: captured.update(out=o))
    model(batch)  # without torch.no_grad(): the output requires grad
    handle.remove()
    assert outcome(q2, block2_output=captured["out"], model=model, batch=batch).outcome == "correct"
    as_numpy = captured["out"].detach().numpy()
    assert outcome(q2, block2_output=as_numpy, model=model, batch=batch).outcome == "correct"


def test_q2_blank_is_not_attempted(hooked):
    model, batch = hooked
    assert outcome(q2, block2_output=____, model=model, batch=batch).outcome == "not attempted"


def test_q2_hook_left_registered(hooked):
    model, batch = hooked
    value = capture(model, batch, "block2", remove=False)
    result = outcome(q2, block2_output=value, model=model, batch=batch)
    assert result.outcome == "incorrect" and "still registered on 'block2'" in result.message
    assert "handle.remove()" in result.message


def test_q2_kept_the_input(hooked):
    model, batch = hooked
    result = outcome(q2, block2_output=capture(model, batch, "block2", keep="first input"), model=model, batch=batch)
    assert result.outcome == "incorrect" and "goes *into* block2" in result.message
    result = outcome(q2, block2_output=capture(model, batch, "block2", keep="inputs"), model=model, batch=batch)
    assert result.outcome == "incorrect" and "is a tuple" in result.message


def test_q2_flattened_or_dict(hooked):
    model, batch = hooked
    flat = capture(model, batch, "block2").flatten(1)
    result = outcome(q2, block2_output=flat, model=model, batch=batch)
    assert result.outcome == "incorrect" and "flattened" in result.message
    result = outcome(q2, block2_output={"block2": flat}, model=model, batch=batch)
    assert result.outcome == "incorrect" and "is a dict" in result.message


def test_q2_wrong_layer(hooked):
    model, batch = hooked
    result = outcome(q2, block2_output=capture(model, batch, "embed"), model=model, batch=batch)
    assert result.outcome == "incorrect" and "not what block2 outputs" in result.message


def test_q2_other_values(hooked):
    model, batch = hooked
    result = outcome(q2, block2_output=torch.rand(16, 32, 7, 7), model=model, batch=batch)
    assert result.outcome == "incorrect" and "other values" in result.message


# --- q3: precision@10 ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded():
    rng = np.random.default_rng(1)
    labels = np.repeat(np.arange(6), 25)
    centres = rng.standard_normal((6, 16))
    lengths = rng.choice([0.3, 1.0, 5.0], size=len(labels))[:, None]
    embed = (centres[labels] + 0.8 * rng.standard_normal((len(labels), 16))) * lengths
    return {"embed_test": embed.astype(np.float32), "test_labels": labels}


def precision_factory(include_self=False, farthest=False, euclidean=False):
    def precision_at_10(embeddings, labels):
        if euclidean:
            d = np.linalg.norm(embeddings[:, None] - embeddings[None], axis=-1)
            score = -d
        else:
            unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
            score = unit @ unit.T
        if farthest:
            score = -score
        if not include_self:
            np.fill_diagonal(score, -np.inf)
        top = np.argsort(-score, axis=1)[:, :10]
        return np.mean(labels[top] == labels[:, None])

    return precision_at_10


def test_q3_right_answer(embedded):
    result = outcome(q3, precision_at_10=precision_factory(), **embedded)
    assert result.outcome == "correct", result.message


def test_q3_blank_and_stub_are_not_attempted(embedded):
    assert outcome(q3, precision_at_10=____, **embedded).outcome == "not attempted"

    def precision_at_10(embeddings, labels):
        return ____

    result = outcome(q3, precision_at_10=precision_at_10, **embedded)
    assert result.outcome == "not attempted" and "still returns ____" in result.message


@pytest.mark.parametrize("mistake, message", [
    ({"include_self": True}, "counts each query as its own neighbour"),
    ({"farthest": True}, "*least* similar"),
    ({"euclidean": True}, "ranks by Euclidean distance"),
])
def test_q3_typical_mistakes(embedded, mistake, message):
    result = outcome(q3, precision_at_10=precision_factory(**mistake), **embedded)
    assert result.outcome == "incorrect" and message in result.message


def test_q3_returns_per_query_values_or_counts(embedded):
    def per_query(embeddings, labels):
        unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
        score = unit @ unit.T
        np.fill_diagonal(score, -np.inf)
        return (labels[np.argsort(-score, axis=1)[:, :10]] == labels[:, None]).mean(axis=1)

    result = outcome(q3, precision_at_10=per_query, **embedded)
    assert result.outcome == "incorrect" and "one number" in result.message

    def counts(embeddings, labels):
        return 10 * precision_factory()(embeddings, labels)

    result = outcome(q3, precision_at_10=counts, **embedded)
    assert result.outcome == "incorrect" and "outside [0, 1]" in result.message


def test_q3_errors_and_none_are_reported(embedded):
    def broken(embeddings, labels):
        raise KeyError("oops")

    result = outcome(q3, precision_at_10=broken, **embedded)
    assert result.outcome == "incorrect" and "raised KeyError" in result.message

    def forgot_return(embeddings, labels):
        np.mean(labels)

    result = outcome(q3, precision_at_10=forgot_return, **embedded)
    assert result.outcome == "incorrect" and "returned None" in result.message


def test_q3_message_does_not_leak_the_answer(embedded):
    from course_lib.use.metrics import label_precision_at_k

    def off(embeddings, labels):
        return 0.5 * precision_factory()(embeddings, labels)

    result = outcome(q3, precision_at_10=off, **embedded)
    expected = label_precision_at_k(embedded["embed_test"], embedded["test_labels"], k=10)
    assert result.outcome == "incorrect" and f"{expected:.3f}" not in result.message


# --- q4: neighbours of one query -----------------------------------------------------------


def cosine_order(embed, query):
    unit = embed / np.linalg.norm(embed, axis=1, keepdims=True)
    similarity = unit @ unit[query]
    similarity[query] = -np.inf
    return np.argsort(-similarity)


def test_q4_right_answer(embedded):
    embed = embedded["embed_test"]
    result = outcome(q4, neighbours=cosine_order(embed, 7)[:5], embed_test=embed, query=7)
    assert result.outcome == "correct", result.message
    as_list = cosine_order(embed, 7)[:5].tolist()
    assert outcome(q4, neighbours=as_list, embed_test=embed, query=7).outcome == "correct"


def test_q4_blank_is_not_attempted(embedded):
    assert outcome(q4, neighbours=____, embed_test=embedded["embed_test"], query=7).outcome == "not attempted"


def test_q4_includes_the_query(embedded):
    embed = embedded["embed_test"]
    answer = np.r_[7, cosine_order(embed, 7)[:4]]
    result = outcome(q4, neighbours=answer, embed_test=embed, query=7)
    assert result.outcome == "incorrect" and "contains the query itself" in result.message


def test_q4_farthest_wrong_order_and_euclidean(embedded):
    embed = embedded["embed_test"]
    order = cosine_order(embed, 7)
    farthest = order[:-1][::-1][:5]  # the last entry is the query (-inf)
    result = outcome(q4, neighbours=farthest, embed_test=embed, query=7)
    assert result.outcome == "incorrect" and "*least* similar" in result.message

    result = outcome(q4, neighbours=order[:5][::-1], embed_test=embed, query=7)
    assert result.outcome == "incorrect" and "not best first" in result.message

    distance = np.linalg.norm(embed - embed[7], axis=1)
    distance[7] = np.inf
    euclidean = np.argsort(distance)[:5]
    assert set(euclidean) != set(order[:5])  # the fixture makes the two disagree
    result = outcome(q4, neighbours=euclidean, embed_test=embed, query=7)
    assert result.outcome == "incorrect" and "Euclidean distance" in result.message


@pytest.mark.parametrize("answer, message", [
    (np.arange(6), "holds 6 indices"),
    (np.array([1.0, 2.0, 3.0, 4.0, 5.0]), "should hold integers"),
    (np.array([1, 1, 2, 3, 4]), "repeats an index"),
    (np.array([1, 2, 3, 4, 999]), "outside 0..149"),
    (np.array([0, 1, 2, 3, 4]), "not the 5 images most cosine-similar to image 7"),
])
def test_q4_shape_type_and_generic(embedded, answer, message):
    result = outcome(q4, neighbours=answer, embed_test=embedded["embed_test"], query=7)
    assert result.outcome == "incorrect" and message in result.message


# --- audit tables ------------------------------------------------------------------------------
# WRONG: (question, answers, words the message must hold); RIGHT_FORMS: right answers in other forms.

def _hooked_ns():
    return {"model": make_cnn(), "batch": torch.rand(16, 1, 28, 28, generator=torch.Generator().manual_seed(0))}


def _never_run(model, batch):
    captured = {}
    handle = model.block2.register_forward_hook(lambda m, i, o: captured.update(block2=o.detach()))
    handle.remove()  # removed before the model ever ran
    return captured.get("block2")


def _q1_answers(digits, **change):
    flat_test, pca_test = right_q1(**digits)
    return {"flat_test": flat_test, "pca_test": pca_test, **change}


Q2_WRONG = [
    pytest.param(lambda m, b: capture(m, b, "block1"), "not block1", id="q2-hook-on-block1"),
    pytest.param(lambda m, b: capture(m, b, "block2", keep="first input"), "goes *into* block2", id="q2-kept-input"),
    pytest.param(lambda m, b: capture(m, b, "block2", keep="inputs"), "`inputs`", id="q2-kept-inputs-tuple"),
    pytest.param(_never_run, "never stored anything", id="q2-model-never-run"),
    pytest.param(lambda m, b: {}, "never stored anything", id="q2-empty-dict"),
    pytest.param(lambda m, b: np.array(None), "never stored anything", id="q2-array-of-none"),
    pytest.param(lambda m, b: capture(m, b, "classify"), "register the hook on model.block2", id="q2-whole-model"),
    pytest.param(lambda m, b: capture(m, b, "block2").flatten(1), "flattened", id="q2-flattened"),
]


@pytest.mark.parametrize("make, words", Q2_WRONG)
def test_q2_wrong_answers_are_told_what_is_wrong(make, words):
    ns = _hooked_ns()
    result = outcome(q2, block2_output=make(ns["model"], ns["batch"]), **ns)
    assert result.outcome == "incorrect", result.message
    assert "`block2_output`" in result.message and words in result.message, result.message
    assert "keep `output`" not in result.message or words == "`inputs`"


@pytest.mark.parametrize("form", [
    pytest.param(lambda t: t, id="tensor"),
    pytest.param(lambda t: t.numpy(), id="numpy"),
    pytest.param(lambda t: t.double(), id="float64-tensor"),
    pytest.param(lambda t: t.clone().requires_grad_(True), id="tensor-with-grad"),
])
def test_q2_right_answers_in_other_forms_are_accepted(form):
    ns = _hooked_ns()
    result = outcome(q2, block2_output=form(capture(ns["model"], ns["batch"], "block2")), **ns)
    assert result.outcome == "correct", result.message


def test_q2_a_blank_hook_in_the_practice_scaffold_does_not_break_the_model():
    """The practice notebook's stub hook is `pass`: registered and run, torch carries on."""
    import json
    from pathlib import Path

    cells = json.loads((Path(__file__).resolve().parents[1] / "exercises/06_image_embeddings.ipynb").read_text())
    source = next("".join(c["source"]) for c in cells["cells"] if "def keep_output" in "".join(c["source"]))
    assert "return ____" not in source and "pass  # your code here (q2)" in source
    namespace = {"captured": {}}
    exec(source.split("handle = ")[0].split("def keep_output", 1)[1].join(["def keep_output", ""]), namespace)
    ns = _hooked_ns()
    handle = ns["model"].block2.register_forward_hook(namespace["keep_output"])
    with torch.no_grad():
        assert ns["model"](ns["batch"]).shape == (16, 10)
    handle.remove()


WRONG = [
    pytest.param("q1", lambda d, e: _q1_answers(d, flat_test=d["test_images"].reshape(-1, 28)), "one row of 784",
                 id="q1-wrong-reshape"),
    pytest.param("q1", lambda d, e: _q1_answers(d, pca_test=PCA(50, random_state=0).fit_transform(
        d["test_images"].reshape(200, -1))), "*test* images", id="q1-fit-on-test"),
    pytest.param("q1", lambda d, e: _q1_answers(d, pca_test=PCA(20, random_state=0).fit(
        d["train_images"].reshape(600, -1)).transform(d["test_images"].reshape(200, -1))), "n_components=50",
                 id="q1-20-components"),
    pytest.param("q3", lambda d, e: {"precision_at_10": precision_factory(include_self=True)}, "own neighbour",
                 id="q3-with-self"),
    pytest.param("q3", lambda d, e: {"precision_at_10": precision_factory(euclidean=True)}, "Euclidean", id="q3-euclidean"),
    pytest.param("q3", lambda d, e: {"precision_at_10": lambda x, y: 10 * precision_factory()(x, y)}, "outside [0, 1]",
                 id="q3-count"),
    pytest.param("q4", lambda d, e: {"neighbours": set(cosine_order(e["embed_test"], 20)[:5].tolist())},
                 "no order", id="q4-set"),
    pytest.param("q4", lambda d, e: {"neighbours": cosine_order(e["embed_test"], 20)[:5][::-1]}, "best first",
                 id="q4-reversed"),
    pytest.param("q4", lambda d, e: {"neighbours": np.r_[20, cosine_order(e["embed_test"], 20)[:4]]},
                 "query itself", id="q4-with-query"),
]


@pytest.mark.parametrize("key, make, words", WRONG)
def test_wrong_answers_are_told_what_is_wrong(digits, embedded, key, make, words):
    question = {"q1": q1, "q3": q3, "q4": q4}[key]
    context = digits if key == "q1" else {**embedded, "query": 20}
    answers = make(digits, embedded)
    result = question.evaluate({**context, **answers})
    assert result.outcome == "incorrect", result.message
    assert any(f"`{name}" in result.message for name in answers), result.message
    assert words in result.message, result.message
    if key == "q4":
        assert not any(str(i) in result.message for i in cosine_order(embedded["embed_test"], 20)[:5] if i > 20)


RIGHT_FORMS = [
    pytest.param("q1", lambda d, e: _q1_answers(d, flat_test=torch.tensor(d["test_images"].reshape(200, -1)),
                                                pca_test=torch.tensor(right_q1(**d)[1])), id="q1-tensors"),
    pytest.param("q1", lambda d, e: _q1_answers(d, pca_test=right_q1(**d)[1].astype(np.float32)), id="q1-float32"),
    pytest.param("q3", lambda d, e: {"precision_at_10": lambda x, y: float(precision_factory()(x, y))}, id="q3-float"),
    pytest.param("q3", lambda d, e: {"precision_at_10": lambda x, y: torch.tensor(precision_factory()(x, y))},
                 id="q3-0d-tensor"),
    pytest.param("q4", lambda d, e: {"neighbours": cosine_order(e["embed_test"], 20)[:5].tolist()}, id="q4-list"),
    pytest.param("q4", lambda d, e: {"neighbours": torch.tensor(cosine_order(e["embed_test"], 20)[:5])},
                 id="q4-tensor"),
]


@pytest.mark.parametrize("key, make", RIGHT_FORMS)
def test_right_answers_in_other_forms_are_accepted(digits, embedded, key, make):
    question = {"q1": q1, "q3": q3, "q4": q4}[key]
    context = digits if key == "q1" else {**embedded, "query": 20}
    result = question.evaluate({**context, **make(digits, embedded)})
    assert result.outcome == "correct", result.message
