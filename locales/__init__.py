"""Translation catalogues; a package so that they install alongside the code."""
