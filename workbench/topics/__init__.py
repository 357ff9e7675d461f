"""Topic models over segments: BERTopic with cached embeddings, stored runs, links to codes and attributes."""
