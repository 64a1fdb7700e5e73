# unit tests for src/fs
