"""course_lib.embed.contextual with the real packaged MiniLM model (loaded once for the module)."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from course_lib.embed import contextual
from course_lib.embed.contextual import (
    DIM,
    NUM_LAYERS,
    encode_sentences,
    hidden_states,
    load_encoder,
    load_tokenizer_and_model,
    mean_pool,
    static_token_embeddings,
    token_vectors,
    word_in_context,
    wordpieces,
)


@pytest.fixture(scope="module")
def loaded():
    torch.set_num_threads(2)
    tokenizer, model = load_tokenizer_and_model()
    return tokenizer, model


def _cos(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_loaders_return_fresh_copies_in_eval_mode(loaded):
    tokenizer, model = loaded
    tokenizer2, model2 = load_tokenizer_and_model()
    assert tokenizer2 is not tokenizer and model2 is not model
    assert not model.training and not model2.training
    assert model.config.num_hidden_layers == NUM_LAYERS and model.config.hidden_size == DIM
    for (name, a), (_, b) in zip(model.state_dict().items(), model2.state_dict().items()):
        assert torch.equal(a, b), name
    encoder = load_encoder()
    assert load_encoder() is not encoder
    assert not encoder.training and encoder.max_seq_length == contextual.MAX_SEQ_LENGTH
    # Nothing handed out is the module's own encoder, nor shares a tensor with it.
    shared = contextual._load_encoder("cpu")
    shared_storage = {p.data_ptr() for p in shared.parameters()}
    for handed_out in (model, model2, encoder):
        assert handed_out is not shared and handed_out is not shared[0].auto_model
        assert not shared_storage & {p.data_ptr() for p in handed_out.parameters()}
    assert tokenizer is not shared.tokenizer and encoder.tokenizer is not shared.tokenizer


_PROBE = ["The river bank was muddy.", "Interest rates rose again.", "A cat sat on the mat."]


def _helper_outputs():
    """What every helper returns for fixed inputs: must not move when a learner changes a copy."""
    return {
        "encode_sentences": encode_sentences(_PROBE, batch_size=2),
        "hidden_states": hidden_states(_PROBE[0])[1],
        "word_in_context": word_in_context(_PROBE[0], "bank", layer=3),
        "wordpieces": wordpieces("zzqxv embeddings"),
    }


def _assert_unchanged(before, after):
    for key in before:
        if isinstance(before[key], list):
            assert after[key] == before[key], key
        else:
            assert after[key].dtype == before[key].dtype, key
            assert np.array_equal(after[key], before[key]), key


def _vandalise(model):
    # What training would do, in the extreme: every weight moves, dropout switches on.
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(1.0)
    model.train()


def test_changing_the_loaded_model_and_tokenizer_changes_no_later_result(loaded):
    before = _helper_outputs()
    tokenizer, model = load_tokenizer_and_model()
    _vandalise(model)
    tokenizer.add_tokens(["zzqxv"])
    model.resize_token_embeddings(len(tokenizer))
    assert tokenizer.tokenize("zzqxv") == ["zzqxv"]  # the learner's copy did change
    _assert_unchanged(before, _helper_outputs())
    # A later call starts from the packaged model again.
    tokenizer2, model2 = load_tokenizer_and_model()
    assert not model2.training and "zzqxv" not in tokenizer2.get_vocab()
    for (name, a), (_, b) in zip(model2.state_dict().items(), loaded[1].state_dict().items()):
        assert torch.equal(a, b), name


def test_changing_the_loaded_encoder_changes_no_later_result():
    before = _helper_outputs()
    encoder = load_encoder()
    reference = encoder.encode(_PROBE, batch_size=2)
    _vandalise(encoder)
    encoder.max_seq_length = 4
    encoder.tokenizer.add_tokens(["zzqxv"])
    assert not np.allclose(encoder.encode(_PROBE, batch_size=2), reference)  # the copy did change
    _assert_unchanged(before, _helper_outputs())
    fresh = load_encoder()
    assert not fresh.training and fresh.max_seq_length == contextual.MAX_SEQ_LENGTH
    assert np.array_equal(fresh.encode(_PROBE, batch_size=2), before["encode_sentences"])


def test_encode_sentences_max_seq_length_truncates_for_this_call_only(loaded):
    tokenizer, model = loaded
    long_text = "The committee met on Tuesday to discuss the budget, the schedule and the new building. " * 4
    texts = [long_text, "Short."]
    full = encode_sentences(texts)
    short = encode_sentences(texts, max_seq_length=12)
    batch = tokenizer(texts, padding=True, truncation=True, max_length=12, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    by_hand = torch.nn.functional.normalize(mean_pool(hidden, batch["attention_mask"]), dim=1).numpy()
    np.testing.assert_allclose(short, by_hand, atol=1e-5)
    assert not np.allclose(short[0], full[0], atol=1e-3)
    np.testing.assert_allclose(short[1], full[1], atol=1e-5)  # a short text is not cut
    assert np.array_equal(encode_sentences(texts), full)  # the limit did not stay behind
    assert contextual._load_encoder("cpu").max_seq_length == contextual.MAX_SEQ_LENGTH


@pytest.mark.parametrize("bad", [0, 1, 257, 12.0, True, "128"])
def test_encode_sentences_validates_max_seq_length(bad):
    with pytest.raises(ValueError, match="max_seq_length must be None or an integer from 2 to 256"):
        encode_sentences(["a"], max_seq_length=bad)


def test_loading_writes_nothing_to_stderr_and_needs_no_network():
    # A fresh process, so the (cached) load really happens; offline is forced from outside.
    code = ("from course_lib.embed.contextual import load_encoder, load_tokenizer_and_model\n"
            "from transformers.utils import logging\n"
            "load_tokenizer_and_model(); load_encoder().encode(['a test'])\n"
            "assert logging.is_progress_bar_enabled(), 'the progress bar setting was not restored'\n")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_device_is_validated():
    with pytest.raises(ValueError, match="device must be 'cpu' or 'cuda'"):
        load_encoder("tpu")
    with pytest.raises(ValueError, match="device must be"):
        load_tokenizer_and_model(device="gpu")


def test_wordpieces_split_rare_words_and_add_special_tokens(loaded):
    assert wordpieces("The bank") == ["[CLS]", "the", "bank", "[SEP]"]
    pieces = wordpieces("embeddings")
    assert pieces[1] == "em" and all(p.startswith("##") for p in pieces[2:-1])
    with pytest.raises(ValueError, match="text must be a non-empty string"):
        wordpieces("   ")


def test_hidden_states_shape_and_layer_zero_is_a_lookup(loaded):
    tokens_a, states_a = hidden_states("we sat on the bank of the river")
    tokens_b, states_b = hidden_states("we sat on the bank to count money")
    assert states_a.shape == (NUM_LAYERS + 1, len(tokens_a), DIM) and states_a.dtype == np.float32
    i, j = tokens_a.index("bank"), tokens_b.index("bank")
    assert i == j  # same position, so layer 0 (word piece + position) is identical
    np.testing.assert_allclose(states_a[0, i], states_b[0, j], rtol=1e-6)
    # Attention mixes in the context: the last layer differs. The words before "bank" are the
    # same too, so only a model that reads to the right (bidirectional) can tell them apart.
    assert _cos(states_a[-1, i], states_b[-1, j]) < 0.99


def test_hidden_states_match_the_model_output(loaded):
    tokenizer, model = loaded
    inputs = tokenizer("a river bank", return_tensors="pt")
    with torch.no_grad():
        last = model(**inputs).last_hidden_state[0].numpy()
    _, states = hidden_states("a river bank")
    np.testing.assert_allclose(states[-1], last, atol=1e-5)


def test_token_vectors_pick_a_layer(loaded):
    tokens, all_layers = hidden_states("the river bank")
    for layer in (0, 3, -1):
        t, vectors = token_vectors("the river bank", layer=layer)
        assert t == tokens
        np.testing.assert_allclose(vectors, all_layers[layer], atol=1e-6)
    for bad in (7, -8, 1.5, True):
        with pytest.raises(ValueError, match="layer must be an integer from 0"):
            token_vectors("the river bank", layer=bad)


def test_word_in_context_separates_senses(loaded):
    river = word_in_context("i walked to the bank of the river and fished.", "bank")
    money = word_in_context("i walked to the bank and deposited my salary.", "bank")
    river2 = word_in_context("she rested on the bank of the stream.", "bank")
    assert river.shape == (DIM,)
    assert _cos(river, river2) > _cos(river, money)


def test_word_in_context_averages_word_pieces_and_finds_occurrences(loaded):
    tokens, states = hidden_states("embeddings are fun, embeddings!")
    starts = [i for i, t in enumerate(tokens) if t == "em"]
    vector = word_in_context("embeddings are fun, embeddings!", "Embeddings", layer=2, occurrence=1)
    np.testing.assert_allclose(vector, states[2, starts[1]:starts[1] + 4].mean(axis=0), atol=1e-6)
    with pytest.raises(ValueError, match="does not occur"):
        word_in_context("the river bank", "money")
    with pytest.raises(ValueError, match="does not occur"):
        word_in_context("the bankers met", "bank")  # "bank" + "##ers" is another word
    with pytest.raises(ValueError, match="occurrence must be below 1"):
        word_in_context("the river bank", "bank", occurrence=1)
    with pytest.raises(ValueError, match="single word"):
        word_in_context("the river bank", "river bank")


def test_mean_pool_ignores_padding_numpy_and_torch():
    hidden = np.array([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]],
                       [[1.0, 1.0], [1.0, 1.0], [4.0, 7.0]]])
    mask = np.array([[1, 1, 0], [1, 1, 1]])
    expected = np.array([[2.0, 3.0], [2.0, 3.0]])
    np.testing.assert_allclose(mean_pool(hidden, mask), expected)
    pooled = mean_pool(torch.tensor(hidden, dtype=torch.float32), torch.tensor(mask))
    assert isinstance(pooled, torch.Tensor)
    np.testing.assert_allclose(pooled.numpy(), expected, rtol=1e-6)
    with pytest.raises(ValueError, match="attention_mask"):
        mean_pool(hidden, mask[:, :2])
    with pytest.raises(ValueError, match="attention_mask"):
        mean_pool(torch.tensor(hidden), torch.tensor(mask[0]))


def test_encode_sentences_equals_mean_pooling_by_hand(loaded):
    tokenizer, model = loaded
    texts = ["A short one.", "A somewhat longer sentence, so the first needs padding.", "Bank."]
    batch = tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    by_hand = torch.nn.functional.normalize(mean_pool(hidden, batch["attention_mask"]), dim=1).numpy()
    vectors = encode_sentences(texts, batch_size=2)
    assert vectors.shape == (3, DIM) and vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, by_hand, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("bad, words", [
    ("one string", "wrap a single text in a list"),
    ([], "non-empty list"),
    (["ok", 3], r"texts\[1\] is an int"),
    (["ok", b"bytes"], r"texts\[1\] is a bytes"),
])
def test_encode_sentences_validates_texts(bad, words):
    with pytest.raises(ValueError, match=words):
        encode_sentences(bad)


def test_encode_sentences_validates_batch_size():
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        encode_sentences(["a"], batch_size=0)


def test_static_token_embeddings_are_the_models_input_embeddings(loaded):
    tokenizer, model = loaded
    static = static_token_embeddings()
    assert static.vector_size == DIM
    assert "bank" in static and "##ing" not in static and "[CLS]" not in static and "[unused0]" not in static
    matrix = model.get_input_embeddings().weight.detach().numpy()
    for word in ("bank", "river", "the"):
        np.testing.assert_allclose(static[word], matrix[tokenizer.convert_tokens_to_ids(word)], atol=0)
    pieces = static_token_embeddings(whole_words=False)
    assert "##ing" in pieces and len(pieces) > len(static)
    with pytest.raises(ValueError, match="whole_words must be True or False"):
        static_token_embeddings(whole_words="yes")


def test_static_token_embeddings_work_with_course_evaluate():
    from course_lib.use.benchmarks import word_similarity

    static = static_token_embeddings()
    pairs = [("cat", "dog", 9.0), ("cat", "car", 2.0), ("car", "truck", 8.5), ("dog", "truck", 1.5),
             ("cat", "qwertyuiop", 1.0)]
    rho, covered, total = word_similarity(static, pairs)
    assert (covered, total) == (4, 5)
    assert rho > 0.5


def test_model_path_points_at_the_packaged_model():
    path = contextual.model_path()
    assert (path / "config.json").is_file() and (path / "model.safetensors").is_file()


def test_static_token_embeddings_are_the_callers_own():
    first = static_token_embeddings()
    before = first["bank"].copy()
    first.vectors[:] = 0.0  # a learner normalising or overwriting the table in place
    assert np.array_equal(static_token_embeddings()["bank"], before)


def test_the_progress_bar_changes_nothing_in_the_vectors():
    """With progress=True the same length-sorted batches are encoded one call each."""
    texts = [f"text number {i} " + "word " * (i % 7) for i in range(45)]
    quiet = encode_sentences(texts, batch_size=8)
    shown = encode_sentences(texts, batch_size=8, progress=True)
    assert shown.dtype == quiet.dtype and shown.shape == quiet.shape
    np.testing.assert_array_equal(shown, quiet)
