"""The plan file: reading it (source, loader), locating what is in it (locate, blocklocate),
checking it (references, cycles), wording its problems (messages) and describing it (schema)."""
