/**
 * Column types inferred from every value in a file: the narrowest of integer, number, boolean,
 * date-time and string that fits all non-empty cells. An empty cell is null for non-string columns.
 */
import { ExactNumber, type JSONSchema } from '@singer-ts/sdk';

export type ColumnType = 'integer' | 'number' | 'boolean' | 'date-time' | 'string';

const INTEGER = /^-?\d+$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOOLEAN = /^(true|false)$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?)?$/i;

const ORDER: ColumnType[] = ['integer', 'number', 'boolean', 'date-time', 'string'];

/** The narrowest type that fits a single cell. */
function fits(value: string, type: ColumnType): boolean {
  switch (type) {
    case 'integer':
      return INTEGER.test(value);
    case 'number':
      return NUMBER.test(value);
    case 'boolean':
      return BOOLEAN.test(value);
    case 'date-time':
      return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value.replace(' ', 'T')));
    case 'string':
      return true;
  }
}

/** Tracks, per column, which types every value seen so far still fits. */
export class TypeInference {
  private readonly candidates: Set<ColumnType>[];

  constructor(readonly columns: string[]) {
    this.candidates = columns.map(() => new Set(ORDER));
  }

  observe(row: string[]): void {
    row.forEach((value, index) => {
      if (value === '') return;
      const set = this.candidates[index];
      if (!set) return;
      for (const type of set) if (type !== 'string' && !fits(value, type)) set.delete(type);
    });
  }

  types(): ColumnType[] {
    return this.candidates.map((set) => {
      // A column with only empty cells has nothing to go on: string is the safe answer.
      if (set.size === ORDER.length) return 'string';
      return ORDER.find((type) => set.has(type)) ?? 'string';
    });
  }
}

export function columnSchema(type: ColumnType): JSONSchema {
  if (type === 'date-time') return { type: ['string', 'null'], format: 'date-time' };
  return { type: [type, 'null'] };
}

/** Converts one cell to its column's JSON value; numbers too big for a double stay exact. */
export function convertCell(value: string, type: ColumnType): unknown {
  if (type === 'string') return value;
  if (value === '') return null;
  switch (type) {
    case 'integer': {
      const number = Number(value);
      return Number.isSafeInteger(number) ? number : new ExactNumber(value);
    }
    case 'number': {
      const number = Number(value);
      return String(number) === value.replace(/^(-?)0+(?=\d)/, '$1') ? number : new ExactNumber(value);
    }
    case 'boolean':
      return value.toLowerCase() === 'true';
    default:
      return value;
  }
}
