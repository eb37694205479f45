"""What is done with embeddings: retrieval and its metrics (lesson 14)."""
