# the command line as a user meets it
TESTS += tests/cli/test-cli.sh
dist_check_SCRIPTS += tests/cli/test-cli.sh
