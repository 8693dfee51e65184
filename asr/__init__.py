"""Speech recognition: engines behind one interface, and the transcriber that drives them."""
