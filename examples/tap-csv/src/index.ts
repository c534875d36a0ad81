export type { TapCsvConfig } from './tap.js';
export { CsvStream, MalformedCsvError, TapCsv } from './tap.js';
