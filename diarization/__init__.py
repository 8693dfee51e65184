"""Speaker diarization: who spoke when (VAD, speaker embeddings, clustering, voiceprints)."""
