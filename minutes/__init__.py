"""Minutes (biên bản): structured minutes from a speaker-attributed transcript, rendered to DOCX."""
