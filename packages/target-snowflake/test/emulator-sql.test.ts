/** The emulator's Snowflake SQL semantics on DuckDB, checked against the reference's checklist. */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Outcome, StatementRequest } from '../test-support/emulator/engine.js';
import type { SnowflakeEmulator } from '../test-support/emulator/server.js';
import { startEmulator } from './support.js';

let emulator: SnowflakeEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(async () => {
  await emulator.sql('DROP SCHEMA IF EXISTS "RAW"."T" CASCADE');
  await emulator.sql('CREATE SCHEMA "RAW"."T"');
});

function run(statement: string, extra: Partial<StatementRequest> = {}): Promise<Outcome> {
  return emulator.engine.execute({
    statement,
    database: 'RAW',
    schema: 'T',
    bindings: [],
    statementCount: 1,
    ...extra,
  });
}
async function rows(statement: string, json?: unknown): Promise<(string | null)[][]> {
  const bindings = json === undefined ? [] : [{ type: 'TEXT', value: JSON.stringify(json) }];
  const outcome = await run(statement, { bindings });
  if (outcome.kind !== 'single') throw new Error('expected one result');
  return outcome.result.rows;
}
async function failure(statement: string, extra: Partial<StatementRequest> = {}) {
  return run(statement, extra).then(
    () => {
      throw new Error(`expected ${statement} to fail`);
    },
    (error: { code: string; sqlState: string; message: string }) => error,
  );
}
const json = (value: unknown) => ({ bindings: [{ type: 'TEXT', value: JSON.stringify(value) }] });

const TABLE = `CREATE TABLE IF NOT EXISTS "ACCOUNT" (
  "ID" VARCHAR NOT NULL, "NAME" VARCHAR(200), "BALANCE" NUMBER(38,0), "RATE" NUMBER(38,6), "PAID" BOOLEAN,
  "UPDATED_AT" TIMESTAMP_TZ(9), "BILL_TO" VARIANT, PRIMARY KEY ("ID"))`;
const MERGE = `MERGE INTO "RAW"."T"."ACCOUNT" AS t USING (
  SELECT f.value:"Id"::VARCHAR AS "ID", f.value:"Name"::VARCHAR AS "NAME", f.value:"Balance"::NUMBER(38,0) AS "BALANCE",
    f.value:"Rate"::NUMBER(38,6) AS "RATE", f.value:"Paid"::BOOLEAN AS "PAID",
    f.value:"UpdatedAt"::TIMESTAMP_TZ AS "UPDATED_AT", f.value:"BillTo" AS "BILL_TO"
  FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) AS f
  QUALIFY ROW_NUMBER() OVER (PARTITION BY f.value:"Id"::VARCHAR ORDER BY f.index DESC) = 1
) AS s ON t."ID" = s."ID"
WHEN MATCHED THEN UPDATE SET t."NAME" = s."NAME", t."BALANCE" = s."BALANCE", t."RATE" = s."RATE",
  t."PAID" = s."PAID", t."UPDATED_AT" = s."UPDATED_AT", t."BILL_TO" = s."BILL_TO"
WHEN NOT MATCHED THEN INSERT ("ID","NAME","BALANCE","RATE","PAID","UPDATED_AT","BILL_TO")
  VALUES (s."ID", s."NAME", s."BALANCE", s."RATE", s."PAID", s."UPDATED_AT", s."BILL_TO")`;

describe('emulator SQL: identifiers', () => {
  test('unquoted names are upper-cased, quoted ones exact: "id" and "ID" are two columns', async () => {
    await run('CREATE TABLE things (id VARCHAR, "id" VARCHAR, "Mixed Case" NUMBER)');
    await run(`INSERT INTO THINGS (ID, "id", "Mixed Case") SELECT 'upper', 'lower', 7`);
    expect(await rows('SELECT "ID", "id", "Mixed Case" FROM "THINGS"')).toEqual([['upper', 'lower', '7']]);
    expect(
      await rows(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'THINGS' ORDER BY ordinal_position`,
      ),
    ).toEqual([['ID'], ['id'], ['Mixed Case']]);
  });

  test('an unknown column is 000904 and an unknown table 002003', async () => {
    await run('CREATE TABLE "THINGS" ("ID" VARCHAR)');
    expect(await failure('SELECT "id" FROM "THINGS"')).toMatchObject({ code: '000904', sqlState: '42000' });
    expect((await failure('SELECT "id" FROM "THINGS"')).message).toContain("invalid identifier 'id'");
    expect(await failure('SELECT * FROM "things"')).toMatchObject({ code: '002003', sqlState: '42S02' });
  });
});

describe('emulator SQL: tables', () => {
  test('CREATE TABLE takes Snowflake types; PRIMARY KEY is kept as information only', async () => {
    await run(TABLE);
    await run(TABLE);
    await run(`INSERT INTO "ACCOUNT" ("ID") SELECT 'a' UNION ALL SELECT 'a'`);
    expect(await rows('SELECT COUNT(*) FROM "ACCOUNT"')).toEqual([['2']]);
    const columns = await rows(`SELECT column_name, data_type, numeric_precision, numeric_scale, is_nullable
      FROM "RAW".INFORMATION_SCHEMA.COLUMNS WHERE table_schema = 'T' AND table_name = 'ACCOUNT' ORDER BY ordinal_position`);
    expect(columns).toEqual([
      ['ID', 'TEXT', null, null, 'NO'],
      ['NAME', 'TEXT', null, null, 'YES'],
      ['BALANCE', 'NUMBER', '38', '0', 'YES'],
      ['RATE', 'NUMBER', '38', '6', 'YES'],
      ['PAID', 'BOOLEAN', null, null, 'YES'],
      ['UPDATED_AT', 'TIMESTAMP_TZ', null, null, 'YES'],
      ['BILL_TO', 'VARIANT', null, null, 'YES'],
    ]);
  });

  test('ALTER TABLE ADD COLUMN adds a column existing rows read as NULL', async () => {
    await run(TABLE);
    await run(MERGE, json([{ Id: 'a' }]));
    await run('ALTER TABLE "ACCOUNT" ADD COLUMN "NEW_COL" NUMBER(38,2)');
    expect(await rows('SELECT "ID", "NEW_COL" FROM "ACCOUNT"')).toEqual([['a', null]]);
  });

  test('a transient staging table LIKE the target, then SWAP WITH', async () => {
    await run(TABLE);
    await run(MERGE, json([{ Id: 'old' }]));
    await run('CREATE TRANSIENT TABLE "ACCOUNT_STAGE" LIKE "ACCOUNT"');
    await run(`INSERT INTO "ACCOUNT_STAGE" ("ID") SELECT 'new'`);
    await run('ALTER TABLE "ACCOUNT" SWAP WITH "ACCOUNT_STAGE"');
    expect(await rows('SELECT "ID" FROM "ACCOUNT"')).toEqual([['new']]);
    expect(await rows('SELECT "ID" FROM "ACCOUNT_STAGE"')).toEqual([['old']]);
  });
});

describe('emulator SQL: MERGE from FLATTEN', () => {
  test('casts, VARIANT passthrough and QUALIFY by f.index: the last record of a key wins', async () => {
    await run(TABLE);
    const batch = [
      { Id: 'a', Name: 'first', Balance: '1', BillTo: { city: 'Oslo' } },
      {
        Id: 'b',
        Name: 'bee',
        Balance: '2',
        Paid: true,
        Rate: '0.125',
        UpdatedAt: '2024-05-01T10:00:00.123456Z',
      },
      { Id: 'a', Name: 'last', Balance: '3', BillTo: { city: 'Bergen', lines: [1, 2] } },
    ];
    const outcome = await run(MERGE, json(batch));
    expect(outcome.kind === 'single' && outcome.result.rows).toEqual([['2', '0']]);
    const table = await rows(
      'SELECT "ID", "NAME", "BALANCE", "RATE", "PAID", "UPDATED_AT", "BILL_TO" FROM "ACCOUNT" ORDER BY "ID"',
    );
    expect(table[0]!.slice(0, 6)).toEqual(['a', 'last', '3', null, null, null]);
    expect(JSON.parse(table[0]![6]!)).toEqual({ city: 'Bergen', lines: [1, 2] });
    expect(table[1]).toEqual(['b', 'bee', '2', '0.125000', 'true', '1714557600.123456000 1440', null]);
    const again = await run(MERGE, json([{ Id: 'a', Name: 'updated' }]));
    expect(again.kind === 'single' && again.result.rows).toEqual([['0', '1']]);
  });

  test('JSON keys are case-sensitive; JSON null is a VARIANT null, a missing key SQL NULL', async () => {
    const found = await rows(
      `SELECT f.value:"id"::VARCHAR, f.value:"Id"::VARCHAR, f.value:"v", f.value:"v" IS NULL, f.value:"gone" IS NULL, f.index
       FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f`,
      [{ Id: 'x', v: null }],
    );
    expect(found).toEqual([[null, 'x', 'null', 'false', 'true', '0']]);
  });

  test('array elements by index: a JSON null element casts to NULL, STRIP_NULL_VALUE makes it SQL NULL, past the end is NULL', async () => {
    const found = await rows(
      `SELECT f.value[0]::VARCHAR, f.value[1]::NUMBER(38,2), f.value[1] IS NULL, STRIP_NULL_VALUE(f.value[1]) IS NULL,
         f.value[2], f.value[2]:"k"::VARCHAR, f.value[3] IS NULL
       FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f`,
      [['x', null, { k: 'v' }]],
    );
    expect(found).toEqual([['x', null, 'false', 'true', '{"k":"v"}', 'v', 'true']]);
  });

  test('big integers and 30-digit decimals sent as JSON strings read back digit for digit', async () => {
    await run('CREATE TABLE "N" ("BIG" NUMBER(38,0), "DEC" NUMBER(38,8))');
    await run(
      `INSERT INTO "N" ("BIG", "DEC") SELECT f.value:"big"::NUMBER(38,0), f.value:"dec"::NUMBER(38,8)
       FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f`,
      json([{ big: '123456789012345678901234567890', dec: '1234567890123456789012.12345678' }]),
    );
    expect(await rows('SELECT "BIG", "DEC" FROM "N"')).toEqual([
      ['123456789012345678901234567890', '1234567890123456789012.12345678'],
    ]);
  });

  test('a target row matched by two source rows fails with 100090 and nothing is applied', async () => {
    await run(TABLE);
    await run(MERGE, json([{ Id: 'a', Name: 'kept' }]));
    const unguarded = MERGE.replace(/QUALIFY[^\n]*\n/, '\n');
    const error = await failure(
      unguarded,
      json([{ Id: 'a', Name: 'x' }, { Id: 'a', Name: 'y' }, { Id: 'c' }]),
    );
    expect(error).toMatchObject({ code: '100090', sqlState: '42P18' });
    expect(error.message).toContain('Duplicate row detected during DML action\nRow Values: ["a", "kept"');
    expect(await rows('SELECT "ID", "NAME" FROM "ACCOUNT"')).toEqual([['a', 'kept']]);
  });

  test('duplicate source keys that match no target row are both inserted (why QUALIFY is needed)', async () => {
    await run(TABLE);
    const unguarded = MERGE.replace(/QUALIFY[^\n]*\n/, '\n');
    const outcome = await run(unguarded, json([{ Id: 'a' }, { Id: 'a' }]));
    expect(outcome.kind === 'single' && outcome.result.rows).toEqual([['2', '0']]);
    expect(await rows('SELECT COUNT(*) FROM "ACCOUNT"')).toEqual([['2']]);
  });

  test('INSERT … SELECT from FLATTEN appends and counts', async () => {
    await run(TABLE);
    const insert = `INSERT INTO "ACCOUNT" ("ID", "NAME") SELECT f.value:"Id"::VARCHAR, f.value:"Name"::VARCHAR
      FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f`;
    const outcome = await run(insert, json([{ Id: 'a' }, { Id: 'b', Name: "O'Neil" }]));
    expect(outcome.kind === 'single' && outcome.result.rows).toEqual([['2']]);
    expect(await rows(`SELECT "NAME" FROM "ACCOUNT" WHERE "ID" = 'b'`)).toEqual([["O'Neil"]]);
  });
});

describe('emulator SQL: literals and functions', () => {
  test('string literals keep their text exactly, escapes included', async () => {
    expect(await rows(`SELECT 'a ( b ) c', 'it''s', 'tab\\there', 'x\\'y'`)).toEqual([
      ['a ( b ) c', "it's", 'tab\there', "x'y"],
    ]);
  });

  test('CURRENT_TIMESTAMP() and CURRENT_TIMESTAMP both read the clock', async () => {
    const [[withParens, bare]] = (await rows(
      'SELECT CURRENT_TIMESTAMP()::VARCHAR, CURRENT_TIMESTAMP::VARCHAR',
    )) as [[string, string]];
    expect(withParens.slice(0, 4)).toBe(String(new Date().getUTCFullYear()));
    expect(bare.slice(0, 4)).toBe(String(new Date().getUTCFullYear()));
  });
});

describe('emulator SQL: what the emulator leaves out says so', () => {
  test('FLATTEN of something other than an array is an error naming the limit', async () => {
    const error = await failure(
      'SELECT f.value FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f',
      json({ a: 1 }),
    );
    expect(error.message).toContain('FLATTEN');
  });

  test('INFORMATION_SCHEMA.TABLES lists the tables of the database', async () => {
    await run(TABLE);
    expect(
      await rows(
        `SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema = 'T'`,
      ),
    ).toEqual([['T', 'ACCOUNT', 'BASE TABLE']]);
  });
});

describe('emulator SQL: values Snowflake would not parse', () => {
  test.each([
    '2024-05-01T00:00:00+0000',
    '10000-01-01T00:00:00Z',
    'yesterday',
  ])('timestamp %s is 100035', async (text) => {
    const error = await failure(
      'SELECT f.value:"t"::TIMESTAMP_TZ FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f',
      json([{ t: text }]),
    );
    expect(error).toMatchObject({ code: '100035', sqlState: '22007' });
    expect(error.message).toBe(`Timestamp '${text}' is not recognized`);
  });

  test('accepted timestamp forms: Z, ±hh:mm, space separator, date only', async () => {
    const found = await rows(
      'SELECT f.value:"t"::TIMESTAMP_TZ FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f ORDER BY f.index',
      [{ t: '2024-05-01T02:00:00+02:00' }, { t: '2024-05-01 00:00:00Z' }, { t: '2024-05-01' }],
    );
    expect(found).toEqual([
      ['1714521600.000000000 1440'],
      ['1714521600.000000000 1440'],
      ['1714521600.000000000 1440'],
    ]);
  });

  test('text in a numeric cast is 100038', async () => {
    const error = await failure(
      'SELECT f.value:"n"::NUMBER(38,0) FROM TABLE(FLATTEN(INPUT => PARSE_JSON(?))) f',
      json([{ n: 'abc' }]),
    );
    expect(error).toMatchObject({ code: '100038', sqlState: '22018' });
    expect(error.message).toBe("Numeric value 'abc' is not recognized");
  });
});

describe('emulator SQL: requests of several statements', () => {
  test('a statement count other than MULTI_STATEMENT_COUNT is 000008', async () => {
    expect(await failure('SELECT 1; SELECT 2')).toMatchObject({ code: '000008' });
    expect(await failure('SELECT 1; SELECT 2', { statementCount: 3 })).toMatchObject({ code: '000008' });
    const any = await run('SELECT 1; SELECT 2', { statementCount: 0 });
    expect(any.kind === 'multi' && any.results.length).toBe(2);
  });

  test('BEGIN … COMMIT is atomic: a failing statement rolls back the ones before it', async () => {
    await run(TABLE);
    await run(MERGE, json([{ Id: 'a' }]));
    const error = await failure('BEGIN; DELETE FROM "ACCOUNT"; INSERT INTO "MISSING" SELECT 1; COMMIT', {
      statementCount: 4,
    });
    expect(error.code).toBe('002003');
    expect(await rows('SELECT COUNT(*) FROM "ACCOUNT"')).toEqual([['1']]);
    await run('BEGIN; DELETE FROM "ACCOUNT"; COMMIT', { statementCount: 3 });
    expect(await rows('SELECT COUNT(*) FROM "ACCOUNT"')).toEqual([['0']]);
  });

  test('bindings are refused in multi-statement requests', async () => {
    expect(await failure('SELECT ?; SELECT 1', { statementCount: 2, ...json([]) })).toMatchObject({
      code: '000002',
    });
  });

  test('BEGIN, USE and PUT are refused in a single-statement request', async () => {
    for (const statement of ['BEGIN', 'USE SCHEMA "T"', 'PUT file:///tmp/x @~'])
      expect((await failure(statement)).code).toBe('002040');
  });
});

describe('emulator SQL: limits', () => {
  test('more than 16,384 expressions in a list is 001795', async () => {
    const list = Array.from({ length: 16_385 }, (_, i) => String(i)).join(',');
    expect(await failure(`SELECT 1 WHERE 1 IN (${list})`)).toMatchObject({
      code: '001795',
      sqlState: '42601',
    });
  });

  test('SQL the emulator does not know is a compilation error 001003, not a silent success', async () => {
    expect(await failure('GRANT SELECT ON "ACCOUNT" TO ROLE "X"')).toMatchObject({
      code: '001003',
      sqlState: '42000',
    });
  });
});
