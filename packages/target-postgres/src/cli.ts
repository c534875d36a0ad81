// Entry point; the CLI lands with this connector's issue.
process.stderr.write('target-postgres: not implemented yet\n');
process.exitCode = 1;
