"""Fact sheets and cluster packages rendered from the publication."""
