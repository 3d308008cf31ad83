"""Qt models over store queries, and what they draw in cells."""
