"""The ``puray`` command and its subcommands (render, pick)."""
