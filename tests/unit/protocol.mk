# unit tests for src/protocol
