# unit tests for src/transport
