// Placeholder until this connector's own issue lands; fails clearly instead of pretending to work.
process.stderr.write('tap-marketo: not implemented yet in singer-ts; see the project issues\n');
process.exitCode = 1;
