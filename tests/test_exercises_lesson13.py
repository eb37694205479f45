"""Lesson 13's capstone: the projects load, the fallbacks work, and each check works for every
dataset choice (a right answer passes, typical mistakes get their message, blanks are "not attempted")."""
from __future__ import annotations

import numpy as np
import torch
import pytest

from course_lib.capstone import DATASETS, baseline_embedding, describe_item, load_project, majority_baseline
from course_lib.exercises import ____, answer_or
from course_lib.exercises.lesson13 import q1, q2, q3, q4, q5, q6


@pytest.fixture(scope="module", params=DATASETS)
def case(request):
    project = load_project(request.param)
    return project, baseline_embedding(project)


def _outcome(question, namespace):
    result = question.evaluate(namespace)
    return result.outcome, result.message


def test_projects_and_baselines(case):
    project, X = case
    assert X.shape[0] == project.n_items == len(project.labels)
    assert np.all(np.linalg.norm(X, axis=1) > 0), "a zero row has no cosine similarity"
    assert project.n_classes >= 2
    assert isinstance(describe_item(project, 0), str)


def test_unknown_dataset_is_refused():
    with pytest.raises(ValueError, match="DATASET must be one of"):
        load_project("mnist")


def test_answer_or():
    assert answer_or(____, 1) == 1 and answer_or(2, 1) == 2


def test_every_check_accepts_right_answers(case):
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA

    project, X = case
    ns = {"project": project, "X": X, "query": 0}
    assert _outcome(q1, {**ns, "embeddings": X})[0] == "correct"
    assert _outcome(q2, {**ns, "coords": PCA(2).fit_transform(X)})[0] == "correct"
    clusters = KMeans(project.n_classes, n_init=4, random_state=0).fit_predict(X)
    outcome, message = _outcome(q3, {**ns, "clusters": clusters})
    assert outcome == "correct" and "ARI" in message
    assert _outcome(q4, {**ns, "cv_accuracy": min(1.0, majority_baseline(project.labels) + 0.2)})[0] == "correct"
    unit = X / np.linalg.norm(X, axis=1, keepdims=True)
    sims = unit @ unit[0]
    sims[0] = -np.inf
    assert _outcome(q5, {**ns, "results": np.argsort(-sims, kind="stable")[:5]})[0] == "correct"


def test_every_check_reports_blanks(case):
    project, X = case
    ns = {"project": project, "X": X, "query": 0}
    for question, name in [(q1, "embeddings"), (q2, "coords"), (q3, "clusters"), (q4, "cv_accuracy"),
                           (q5, "results"), (q6, "report")]:
        assert _outcome(question, {**ns, name: ____})[0] == "not attempted"


def test_typical_mistakes():
    project = load_project("sbm")
    X = baseline_embedding(project)
    ns = {"project": project, "X": X, "query": 3}
    n = project.n_items
    assert "transpose" in _outcome(q1, {**ns, "embeddings": X.T})[1]
    assert "labels themselves" in _outcome(q1, {**ns, "embeddings": np.c_[X, project.labels]})[1]
    assert "rows" in _outcome(q1, {**ns, "embeddings": X[:10]})[1]
    assert "(2, 150)" in _outcome(q2, {**ns, "coords": X[:, :2].T})[1]
    assert "distinct clusters" in _outcome(q3, {**ns, "clusters": np.arange(n) % 5})[1]
    assert "exactly the labels" in _outcome(q3, {**ns, "clusters": project.labels})[1]
    assert "percentage" in _outcome(q4, {**ns, "cv_accuracy": 95.0})[1]
    assert "most common class" in _outcome(q4, {**ns, "cv_accuracy": 0.34})[1]
    unit = X / np.linalg.norm(X, axis=1, keepdims=True)
    sims = unit @ unit[3]
    order = np.argsort(-sims, kind="stable")
    assert "query itself" in _outcome(q5, {**ns, "results": order[:5]})[1]
    best = order[order != 3][:5]
    assert "most similar first" in _outcome(q5, {**ns, "results": best[::-1]})[1]
    assert "*indices*" in _outcome(q5, {**ns, "results": sims[best]})[1]


def test_report_check():
    project = load_project("karate")
    ns = {"project": project}
    assert "words" in _outcome(q6, {**ns, "report": "Too short: accuracy 0.9."})[1]
    long_no_metric = " ".join(["word"] * 90) + " 0.5"
    assert "names no metric" in _outcome(q6, {**ns, "report": long_no_metric})[1]
    long_no_number = " ".join(["word"] * 90) + " accuracy"
    assert "no measured number" in _outcome(q6, {**ns, "report": long_no_number})[1]
    good = " ".join(["word"] * 90) + " The cross-validated accuracy was 0.91 and the ARI 0.40."
    assert _outcome(q6, {**ns, "report": good})[0] == "correct"
    assert "string" in _outcome(q6, {**ns, "report": 3})[1]


@pytest.mark.parametrize("form", [
    lambda scores: float(scores.mean()),
    lambda scores: scores.mean(),              # a NumPy float64
    lambda scores: np.mean(scores),
    lambda scores: np.array(scores.mean()),    # a 0-d array
    lambda scores: np.float32(scores.mean()),
])
def test_q4_accepts_the_mean_in_any_numeric_form(form):
    from sklearn.linear_model import LogisticRegression

    from course_lib.use.classify import cross_validated_accuracy

    project = load_project("digits")
    X = baseline_embedding(project)
    result = cross_validated_accuracy(X, project.labels, LogisticRegression(max_iter=2000), repeats=1)
    ns = {"project": project, "X": X}
    assert _outcome(q4, {**ns, "cv_accuracy": result})[0] == "correct"  # the whole CVResult
    assert _outcome(q4, {**ns, "cv_accuracy": form(np.asarray(result.scores))})[0] == "correct"


# ---------------------------------------------------------------------------- audit tables
# WRONG: (question, answers made from the project and X, words the message must hold), on every dataset.
# RIGHT_FORMS: right answers in other forms than the worked solution.

def _lr():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(max_iter=2000)


def _kmeans(project):
    from sklearn.cluster import KMeans

    return KMeans(project.n_classes, n_init=4, random_state=0)


def _ranked(X, query=0):
    unit = X / np.linalg.norm(X, axis=1, keepdims=True)
    sims = unit @ unit[query]
    sims[query] = -np.inf
    return np.argsort(-sims, kind="stable")


def _train_accuracy(project, X):
    return _lr().fit(X, project.labels).score(X, project.labels)


QUESTIONS = {"q1": q1, "q2": q2, "q3": q3, "q4": q4, "q5": q5}

WRONG = [
    pytest.param("q1", lambda p, X: {"embeddings": X.T}, "transpose", id="q1-transposed"),
    pytest.param("q1", lambda p, X: {"embeddings": np.c_[X, p.labels]}, "labels themselves", id="q1-labels"),
    pytest.param("q1", lambda p, X: {"embeddings": X[:, 0]}, "2-D", id="q1-one-column"),
    pytest.param("q2", lambda p, X: {"coords": X[:, :2].T}, "transpose", id="q2-transposed"),
    pytest.param("q2", lambda p, X: {"coords": X[:, :3]}, "n_components=2", id="q2-three-columns"),
    pytest.param("q3", lambda p, X: {"clusters": _kmeans(p).fit(X)}, "fitted model", id="q3-model"),
    pytest.param("q3", lambda p, X: {"clusters": _kmeans(p).fit_transform(X)}, "fit_predict", id="q3-distances"),
    pytest.param("q3", lambda p, X: {"clusters": p.labels}, "exactly the labels", id="q3-labels"),
    pytest.param("q3", lambda p, X: {"clusters": np.arange(p.n_items) % (p.n_classes + 1)}, "distinct clusters",
                 id="q3-wrong-k"),
    pytest.param("q4", lambda p, X: {"cv_accuracy": _train_accuracy(p, X)}, "trained on", id="q4-training-accuracy"),
    pytest.param("q4", lambda p, X: {"cv_accuracy": np.asarray(cross_val_score(_lr(), X, p.labels, cv=5))},
                 "several numbers", id="q4-fold-scores"),
    pytest.param("q4", lambda p, X: {"cv_accuracy": 100 * cross_val_score(_lr(), X, p.labels, cv=5).mean()},
                 "percentage", id="q4-percent"),
    pytest.param("q4", lambda p, X: {"cv_accuracy": cross_val_score(_lr(), X, p.labels, cv=5).mean}, "not called",
                 id="q4-uncalled-mean"),
    pytest.param("q5", lambda p, X: {"results": set(_ranked(X)[:5].tolist())}, "no order", id="q5-set"),
    pytest.param("q5", lambda p, X: {"results": np.argpartition(-np.nan_to_num(
        (X / np.linalg.norm(X, axis=1, keepdims=True)) @ (X[0] / np.linalg.norm(X[0])), nan=0) *
        np.r_[0, np.ones(len(X) - 1)], 5)[:5]}, "most similar first", id="q5-partial-sort"),
    pytest.param("q5", lambda p, X: {"results": _ranked(X)[:5][::-1]}, "most similar first", id="q5-reversed"),
    pytest.param("q5", lambda p, X: {"results": np.r_[0, _ranked(X)[:4]]}, "query itself", id="q5-with-query"),
]


def cross_val_score(model, X, y, cv):
    from sklearn.model_selection import cross_val_score as score

    return score(model, X, y, cv=cv)


@pytest.mark.parametrize("key, make, words", WRONG)
def test_wrong_answers_are_told_what_is_wrong(case, key, make, words):
    project, X = case
    answers = make(project, X)
    result = QUESTIONS[key].evaluate({"project": project, "X": X, "query": 0, **answers})
    if key == "q4" and words == "trained on" and project.name.lower().startswith("sbm"):
        # On this graph the training accuracy equals the cross-validated one: the "mistake" is
        # the right number, and a tutor must not reject a right number.
        assert result.outcome == "correct", result.message
        return
    if key == "q5" and words == "most similar first" and np.array_equal(answers["results"], _ranked(X)[:5]):
        # The partial sort came out in order: it is the right answer, and must be accepted.
        assert result.outcome == "correct", result.message
        return
    assert result.outcome == "incorrect", result.message
    assert any(f"`{name}" in result.message for name in answers), result.message
    assert words in result.message, result.message
    if key == "q5":
        assert not any(str(i) in result.message.split("`")[-1] for i in _ranked(X)[:5] if i > 9)


RIGHT_FORMS = [
    pytest.param("q1", lambda p, X: {"embeddings": X.tolist()}, id="q1-list-of-lists"),
    pytest.param("q1", lambda p, X: {"embeddings": torch.tensor(X)}, id="q1-tensor"),
    pytest.param("q1", lambda p, X: {"embeddings": X.astype(np.float32)}, id="q1-float32"),
    pytest.param("q2", lambda p, X: {"coords": torch.tensor(X[:, :2])}, id="q2-tensor"),
    pytest.param("q2", lambda p, X: {"coords": X[:, :2].tolist()}, id="q2-list"),
    pytest.param("q3", lambda p, X: {"clusters": _kmeans(p).fit_predict(X).tolist()}, id="q3-list"),
    pytest.param("q3", lambda p, X: {"clusters": _kmeans(p).fit(X).labels_.astype(float)}, id="q3-float-labels"),
    pytest.param("q3", lambda p, X: {"clusters": torch.tensor(_kmeans(p).fit_predict(X))}, id="q3-tensor"),
    pytest.param("q4", lambda p, X: {"cv_accuracy": cross_val_score(_lr(), X, p.labels, cv=5).mean()},
                 id="q4-numpy-mean"),
    pytest.param("q4", lambda p, X: {"cv_accuracy": torch.tensor(cross_val_score(_lr(), X, p.labels, cv=5).mean())},
                 id="q4-0d-tensor"),
    pytest.param("q4", lambda p, X: {"cv_accuracy": round(float(cross_val_score(_lr(), X, p.labels, cv=5).mean()), 3)},
                 id="q4-printed"),
    pytest.param("q5", lambda p, X: {"results": _ranked(X)[:5].tolist()}, id="q5-list"),
    pytest.param("q5", lambda p, X: {"results": tuple(int(i) for i in _ranked(X)[:5])}, id="q5-tuple"),
    pytest.param("q5", lambda p, X: {"results": torch.tensor(_ranked(X)[:5])}, id="q5-tensor"),
]


@pytest.mark.parametrize("key, make", RIGHT_FORMS)
def test_right_answers_in_other_forms_are_accepted(case, key, make):
    project, X = case
    result = QUESTIONS[key].evaluate({"project": project, "X": X, "query": 0, **make(project, X)})
    assert result.outcome == "correct", result.message


def test_the_cell_after_q1_turns_any_accepted_form_into_an_array():
    """The notebook's next cell builds X with np.asarray(as_numpy(...)): a list or a tensor gives an array."""
    from course_lib.exercises import as_numpy

    X = np.arange(6.0).reshape(3, 2)
    for form in (X.tolist(), torch.tensor(X), X):
        assert np.asarray(as_numpy(answer_or(form, None))).shape == (3, 2)
