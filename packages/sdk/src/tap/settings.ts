/**
 * One source of truth for a connector's settings: the JSON Schema it declares is what `--about`
 * prints, what config is validated against, where defaults come from, and (through `ConfigOf`) the
 * TypeScript type of `this.config`. A setting with a `default` or listed as required is never
 * undefined in that type.
 */
import type { JSONSchema } from '../schema/json-schema.js';

type TypeName = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null';

/** What `defineSettings` accepts for one setting: a JSON Schema, read literally for its type. */
export interface SettingSchema {
  readonly type?: TypeName | readonly TypeName[];
  readonly enum?: readonly unknown[];
  readonly items?: SettingSchema;
  readonly properties?: { readonly [name: string]: SettingSchema };
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | SettingSchema;
  readonly default?: unknown;
  readonly description?: string;
  /** Never printed, masked in logs and errors. Mark with `writeOnly: true` as well for Meltano. */
  readonly secret?: boolean;
  readonly writeOnly?: boolean;
  readonly [keyword: string]: unknown;
}

type ScalarOf<T> = T extends 'string'
  ? string
  : T extends 'integer' | 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ObjectOf<P, Req> = Simplify<
  {
    -readonly [K in keyof P as K extends Req ? K : P[K] extends { default: unknown } ? K : never]: ValueOf<
      P[K]
    >;
  } & {
    -readonly [K in keyof P as K extends Req
      ? never
      : P[K] extends { default: unknown }
        ? never
        : K]?: ValueOf<P[K]>;
  }
>;

/** The TypeScript type of a value that matches schema S. */
export type ValueOf<S> = S extends { enum: readonly (infer E)[] }
  ? E
  : S extends { type: readonly (infer T)[] }
    ? ValueOf<Omit<S, 'type'> & { type: T }>
    : S extends { type: 'array' }
      ? S extends { items: infer I }
        ? ValueOf<I>[]
        : unknown[]
      : S extends { type: 'object' }
        ? S extends { properties: infer P }
          ? ObjectOf<P, S extends { required: readonly (infer Q)[] } ? Q : never>
          : S extends { additionalProperties: infer A extends SettingSchema }
            ? Record<string, ValueOf<A>>
            : Record<string, unknown>
        : S extends { type: infer T }
          ? ScalarOf<T>
          : unknown;

/** A settings schema that remembers the config type it describes (read it with `ConfigOf`). */
export type Settings<C> = JSONSchema & { readonly __config?: C };

/** The config type of a settings schema made by `defineSettings`. */
export type ConfigOf<S> = S extends { readonly __config?: infer C }
  ? Exclude<C, undefined>
  : Record<string, unknown>;

/**
 * Declares a connector's settings. `required` lists the settings a config must set.
 *
 *   const settings = defineSettings({ api_token: { type: 'string', secret: true, writeOnly: true },
 *     page_size: { type: 'integer', default: 100 } }, { required: ['api_token'] });
 *   type Config = ConfigOf<typeof settings>;  // { api_token: string; page_size: number }
 */
export function defineSettings<
  const P extends { readonly [name: string]: SettingSchema },
  const Req extends readonly (keyof P & string)[] = [],
>(properties: P, options: { required?: Req } = {}): Settings<ObjectOf<P, Req[number]>> {
  const required = options.required ?? [];
  return {
    type: 'object',
    properties: properties as unknown as Record<string, JSONSchema>,
    ...(required.length > 0 ? { required: [...required] } : {}),
  };
}

/**
 * Declares an object schema (a stream's records) the same way, so the record type comes from it:
 * `const post = defineSchema({ id: { type: 'integer' } }, { required: ['id'] })`, then
 * `RESTStream<RecordOf<typeof post>>`.
 */
export const defineSchema = defineSettings;

/** The record type of a schema made by `defineSchema`. */
export type RecordOf<S> = ConfigOf<S>;

/**
 * `config` with every setting it leaves out filled from the schema's `default` (a copy; nested
 * defaults are the setting's own business).
 */
export function withDefaults<C>(settings: JSONSchema, config: C): C {
  const filled: Record<string, unknown> = { ...(config as object) };
  for (const [name, schema] of Object.entries(settings.properties ?? {})) {
    if (schema.default !== undefined && filled[name] === undefined)
      filled[name] = structuredClone(schema.default);
  }
  return filled as C;
}
