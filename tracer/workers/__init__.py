"""Where blocks of rows render: a pool of local worker processes, or a Dask cluster."""
