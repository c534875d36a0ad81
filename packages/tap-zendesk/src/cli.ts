// Entry point; the CLI lands with this connector's issue.
process.stderr.write('tap-zendesk: not implemented yet\n');
process.exitCode = 1;
