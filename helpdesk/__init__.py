"""lpse-helpdesk: the LPSE Kabupaten Karawang helpdesk bot.

Where things are, by layer; each imports only the layers below it (parsers/ knows
nothing of tickets, mailboxes or the database).

    face        cli.py (wires commands/, the only place that logs or exits),
                commands/ (one module per command group), web/ (the staff pages)
    flows       pipeline.py (a message's way: DECIDE, ACT, settle; read it first),
                runner.py (the worker: mailbox, pipeline, outbox), prepare_pool.py
                (parsing in worker processes), staff.py (a staff action's way),
                replay.py, demo.py
    services    outbox.py (the answer queue), transport.py (SMTP, files, recording),
                answers.py (an answer as mail), registry.py, export.py, accounts.py
    state       models.py, database.py, tickets.py (queries), attempts.py (tries at a
                message), answer_limits.py (answer ceilings, blocked addresses),
                storage.py, message_ids.py
    edges       mailbox/ (the Mailbox protocol; imap.py, maildir.py, cursors.py)
    decisions   steps/ (one DECIDE step a module), decision.py, automatic.py (the
                evidence that mail is automatic), kind_rules.py, readings.py,
                requirements.py (the SLA's documents), domain.py (ids as enums),
                settings.py, terminal.py (what commands print)
    ground      errors.py (the exception tree)
"""
