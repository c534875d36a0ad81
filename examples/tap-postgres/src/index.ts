export type { TapPostgresConfig } from './tap.js';
export { TapPostgres } from './tap.js';
