"""Version control: a small git wrapper for the change check."""
