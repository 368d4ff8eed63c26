"""Training the reference parser's labeller (not shipped in the package)."""
