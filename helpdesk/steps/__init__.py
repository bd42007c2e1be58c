"""The DECIDE steps, one a module, each `(message, decision, settings)`; their order is
helpdesk/pipeline.py's DECIDE tuple. A step reads only: no database, files or network."""
