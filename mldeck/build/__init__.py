"""The build: card files -> rendered notes -> a reproducible .apkg."""
