"""The Zoom library: the one place that talks HTTP to Zoom. No models; Django's settings and cache only."""
