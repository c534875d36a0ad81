#!/usr/bin/env node
// singer-typegen SCHEMAS_DIR OUT_FILE: writes one `<Stream>Record` interface per `<stream>.json` schema.
import { generateRecordTypesFromFolder } from '../dist/schema/typegen.js';

const [schemasDir, outFile] = process.argv.slice(2);
if (!schemasDir || !outFile) {
  process.stderr.write('usage: singer-typegen SCHEMAS_DIR OUT_FILE\n');
  process.exit(2);
}
await generateRecordTypesFromFolder(schemasDir, outFile);
