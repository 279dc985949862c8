"""Hybrid retrieval over the curated knowledge: BM25 on Japanese words + FAISS dense search."""
