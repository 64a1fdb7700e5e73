# unit tests for src/cli
