"""Lesson 13's capstone: the projects load, the fallbacks work, and each check works for every
dataset choice (a right answer passes, typical mistakes get their message, blanks are "not attempted")."""
from __future__ import annotations

import numpy as np
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
