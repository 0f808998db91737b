"""bitext's command line: a thin typer layer over the ``align`` and ``models`` libraries."""
