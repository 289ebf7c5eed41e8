"""Classification of news items against the ChainWatch taxonomy (risk categories, policy themes)."""
