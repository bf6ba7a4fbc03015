"""What the programme's words mean, below every layer: the errors every layer raises,
the vocabulary of the records (roles, statuses, kinds of consent) and who may do what.

Nothing here imports another part of LT Desktop, so ``storage``, ``sync``, ``core``,
``documents``, ``cli`` and ``ui`` may all use it without depending on each other.
"""
