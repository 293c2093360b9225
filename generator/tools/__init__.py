"""Tools around the pipeline (not stages of it): the benchmark."""
