"""Full-text search over what was said: transcripts (their current version) and minutes.

`text` tokenises Vietnamese into syllables and parses queries; `index` keeps one row per passage
(a segment, a minutes item) in step with every saved version; `engines` ask SQLite FTS5 or
PostgreSQL full-text search, behind one interface.
"""
