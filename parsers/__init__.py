"""Reading messages and attachments: bytes in, the project's own frozen types out.

Nothing in this package knows about tickets, mailboxes or the database.
"""
