"""The pipeline as jobs: stages, progress, retries; in-process or on RQ workers."""
