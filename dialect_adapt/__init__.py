"""Regional accent adaptation: glossary biasing, dialect-aware correction, accent identification."""
