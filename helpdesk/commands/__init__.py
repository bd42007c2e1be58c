"""Command groups of the `helpdesk` CLI, one module per group; cli.py adds them."""
