/**
 * `fake` in expressions: Meltano's Faker integration, served by `@faker-js/faker` (an optional peer
 * dependency, loaded only when a map uses `fake`). Python Faker's provider names (`first_name`,
 * `phone_number`, `credit_card_number`, …) map to the faker-js generator of the same kind; values
 * are repeatable for a given `faker_config.seed` but differ from Python Faker's. `seed_instance(x)`
 * reseeds from any value (hashed), so the same input always masks to the same fake value.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { MapperError } from '../errors.js';
import type { JSONSchemaType } from '../schema/json-schema.js';

/** The part of faker-js we use; typed here so the SDK compiles without the package installed. */
export interface FakerInstance {
  seed(seed: number | number[]): unknown;
  [module: string]: unknown;
}

interface FakerModule {
  Faker: new (options: { locale: unknown[] }) => FakerInstance;
  allLocales: Record<string, unknown>;
}

type Generate = (faker: FakerInstance, args: unknown[]) => unknown;

function call(path: string, options?: (args: unknown[]) => unknown): Generate {
  const [module, method] = path.split('.') as [string, string];
  return (faker, args) => {
    const fn = (faker[module] as Record<string, (options?: unknown) => unknown>)[method]!;
    return options === undefined ? fn.call(faker[module]) : fn.call(faker[module], options(args));
  };
}

const num = (value: unknown, fallback: number): number => (typeof value === 'number' ? value : fallback);

/** Python Faker provider → faker-js generator and the JSON type of what it returns. */
export const FAKE_PROVIDERS: Readonly<Record<string, { generate: Generate; type: JSONSchemaType }>> = {
  name: { generate: call('person.fullName'), type: 'string' },
  first_name: { generate: call('person.firstName'), type: 'string' },
  last_name: { generate: call('person.lastName'), type: 'string' },
  prefix: { generate: call('person.prefix'), type: 'string' },
  suffix: { generate: call('person.suffix'), type: 'string' },
  job: { generate: call('person.jobTitle'), type: 'string' },
  email: { generate: call('internet.email'), type: 'string' },
  safe_email: { generate: call('internet.exampleEmail'), type: 'string' },
  free_email: { generate: call('internet.email'), type: 'string' },
  company_email: { generate: call('internet.email'), type: 'string' },
  user_name: { generate: call('internet.username'), type: 'string' },
  url: { generate: call('internet.url'), type: 'string' },
  domain_name: { generate: call('internet.domainName'), type: 'string' },
  ipv4: { generate: call('internet.ipv4'), type: 'string' },
  ipv6: { generate: call('internet.ipv6'), type: 'string' },
  mac_address: { generate: call('internet.mac'), type: 'string' },
  password: { generate: call('internet.password'), type: 'string' },
  phone_number: { generate: call('phone.number'), type: 'string' },
  address: { generate: call('location.streetAddress', () => true), type: 'string' },
  street_address: { generate: call('location.streetAddress'), type: 'string' },
  street_name: { generate: call('location.street'), type: 'string' },
  building_number: { generate: call('location.buildingNumber'), type: 'string' },
  city: { generate: call('location.city'), type: 'string' },
  state: { generate: call('location.state'), type: 'string' },
  country: { generate: call('location.country'), type: 'string' },
  country_code: { generate: call('location.countryCode'), type: 'string' },
  postcode: { generate: call('location.zipCode'), type: 'string' },
  zipcode: { generate: call('location.zipCode'), type: 'string' },
  latitude: { generate: call('location.latitude'), type: 'number' },
  longitude: { generate: call('location.longitude'), type: 'number' },
  company: { generate: call('company.name'), type: 'string' },
  catch_phrase: { generate: call('company.catchPhrase'), type: 'string' },
  credit_card_number: { generate: call('finance.creditCardNumber'), type: 'string' },
  iban: { generate: call('finance.iban'), type: 'string' },
  bban: { generate: call('finance.accountNumber'), type: 'string' },
  currency_code: { generate: call('finance.currencyCode'), type: 'string' },
  uuid4: { generate: call('string.uuid'), type: 'string' },
  word: { generate: call('lorem.word'), type: 'string' },
  sentence: { generate: call('lorem.sentence'), type: 'string' },
  paragraph: { generate: call('lorem.paragraph'), type: 'string' },
  text: { generate: call('lorem.paragraphs'), type: 'string' },
  color_name: { generate: call('color.human'), type: 'string' },
  hex_color: { generate: call('color.rgb'), type: 'string' },
  boolean: { generate: call('datatype.boolean'), type: 'boolean' },
  random_int: {
    generate: call('number.int', ([min, max]) => ({ min: num(min, 0), max: num(max, 9999) })),
    type: 'integer',
  },
  pyint: {
    generate: call('number.int', ([min, max]) => ({ min: num(min, 0), max: num(max, 9999) })),
    type: 'integer',
  },
  random_digit: { generate: call('number.int', () => ({ min: 0, max: 9 })), type: 'integer' },
  date_of_birth: {
    generate: (faker) => isoDate((faker.date as { birthdate(): Date }).birthdate()),
    type: 'string',
  },
  date: { generate: (faker) => isoDate((faker.date as { past(): Date }).past()), type: 'string' },
  iso8601: {
    generate: (faker) => (faker.date as { past(): Date }).past().toISOString().slice(0, 19),
    type: 'string',
  },
};

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A faker-js seed from any value: numbers as they are, anything else through SHA-256. */
export function seedOf(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

let loaded: FakerModule | undefined;

/** Loads `@faker-js/faker` once (synchronously: maps are compiled in constructors), or explains. */
function loadFaker(): FakerModule {
  if (loaded !== undefined) return loaded;
  try {
    // Resolved at run time from this file, so the package stays optional and out of bundles.
    const requireOptional = createRequire(import.meta.url);
    loaded = requireOptional('@faker-js/faker') as FakerModule;
    return loaded;
  } catch (error) {
    const missing = (error as { code?: string }).code === 'MODULE_NOT_FOUND';
    throw new MapperError(
      missing
        ? "stream maps use 'fake', which needs the optional package @faker-js/faker: install it beside @singer-ts/sdk (npm install @faker-js/faker@^10)"
        : `stream maps use 'fake', but @faker-js/faker could not be loaded (it needs Node 20.19 or later): ${(error as Error).message}`,
      { setting: 'stream_maps', reason: 'config' },
      { cause: error },
    );
  }
}

export interface FakerConfig {
  seed?: unknown;
  locale?: unknown;
}

/** Checks `faker_config` and returns a factory of seeded faker instances (one per output stream). */
export function fakerFactory(config: FakerConfig): () => FakerInstance {
  const module = loadFaker();
  const names = config.locale === undefined || config.locale === null ? ['en_US'] : config.locale;
  const list = (Array.isArray(names) ? names : [names]).map((name) => {
    if (typeof name !== 'string')
      throw new MapperError("'faker_config.locale' must be a locale name or a list of them", {
        setting: 'faker_config',
        reason: 'config',
      });
    const locale = module.allLocales[name];
    if (locale === undefined)
      throw new MapperError(
        `'faker_config.locale' names '${name}', which @faker-js/faker does not have (e.g. en_US, en_GB, de, fr)`,
        {
          setting: 'faker_config',
          reason: 'config',
        },
      );
    return locale;
  });
  // Fall back to English, then to locale-free data, as Python Faker does for missing providers.
  const chain = [...list, module.allLocales.en, module.allLocales.base];
  const seed = config.seed === undefined || config.seed === null ? undefined : seedOf(config.seed);
  return () => {
    const faker = new module.Faker({ locale: chain });
    if (seed !== undefined) faker.seed(seed);
    return faker;
  };
}
