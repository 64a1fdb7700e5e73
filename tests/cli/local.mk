# the command line as a user meets it, in every language
TESTS += tests/cli/test-cli.sh tests/cli/test-i18n.sh
dist_check_SCRIPTS += tests/cli/test-cli.sh tests/cli/test-i18n.sh
