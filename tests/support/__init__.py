"""What the tests share: real servers, bots in subprocesses, desks, mail and files."""
