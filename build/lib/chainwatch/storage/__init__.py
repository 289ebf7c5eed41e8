"""Reads and writes of ChainWatch tables. One module per table family; parameterised SQL only."""
