"""Danish fact sheets and cluster packages rendered from the published marts."""
