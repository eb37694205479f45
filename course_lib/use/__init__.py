"""3 · What is done with embeddings: search them, score them, map, cluster and classify them.

- ``search``: exact top-k, leave-one-out neighbours, recall@k against exact search, ranked lists to print;
- ``retrieval``: graded relevance judgements and the IR metrics (recall@k, precision@k, MRR,
  nDCG@k) that score a retrieval system against them;
- ``ann``: approximate indexes (FAISS) measured against exact search;
- ``metrics``: how good an embedding is, from known labels (k-NN accuracy, precision@k, mAP);
- ``benchmarks``: word-vector benchmarks (word similarity, analogies) and the analogy calculator;
- ``projection``: 2-D maps (PCA, t-SNE, UMAP) and their trustworthiness;
- ``clustering``: scores of clusterings, choosing k, naming clusters;
- ``classify``: classifiers on embeddings, measured by repeated cross-validation.

These modules take arrays of vectors, whatever made them: they import the earlier stages
(``data``, ``embed``) and, to print their results, the one table formatter
``course_lib.show.tables``; nothing else of ``show``.
"""
