"""2 · Ways of making embeddings: each module turns one kind of data into vectors.

- ``text``: tokens, vocabularies, co-occurrence counts, PPMI and truncated SVD (lessons 02-04);
- ``word2vec``: the pieces of skip-gram with negative sampling, as lesson 03 writes them;
- ``contextual``: the packaged MiniLM encoder, token and sentence vectors (lesson 05);
- ``vision``: image datasets, the training loop, embeddings from a network's layers (lesson 06);
- ``graphs``: random walks (DeepWalk, node2vec), spectral embeddings, edge splits (lesson 07);
- ``fine_tune``: what training embeddings for a task needs, such as P x K batches (lesson 12);
- ``multimodal``: pictures and captions in one space: caption templates, CLIP's loss, a two-tower loop (lesson 16).

A lesson writes the method it teaches; these modules keep the bookkeeping around it. They
import only ``course_lib.data`` and the infrastructure (``_utils``, ``runtime``), never a
later stage.
"""
