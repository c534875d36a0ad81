/**
 * Dotted paths (`requester.email`) in schemas and records. A path walks object properties and, when
 * it meets an array, every item of it, so `comments.author.email` reaches each comment's author.
 * Records are never mutated: every change copies the objects on the way down (copy-on-write).
 */
import type { JSONSchema, JSONSchemaType } from '../schema/json-schema.js';

export type Path = readonly string[];

/**
 * Splits a configured name into a path. A name the schema declares as a top-level property is taken
 * literally, so a property really called `a.b` still works.
 */
export function splitPath(name: string, schema: JSONSchema | undefined): string[] {
  if (!name.includes('.')) return [name];
  if (schema?.properties !== undefined && Object.hasOwn(schema.properties, name)) return [name];
  return name.split('.');
}

export function typesOf(schema: JSONSchema): JSONSchemaType[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

/** The branch of a schema that describes objects (itself, or one branch of anyOf/oneOf). */
function objectBranch(schema: JSONSchema): JSONSchema | undefined {
  if (schema.properties !== undefined) return schema;
  for (const branch of schema.anyOf ?? schema.oneOf ?? []) if (branch.properties !== undefined) return branch;
  return undefined;
}

function arrayItems(schema: JSONSchema): JSONSchema | undefined {
  const own = schema.items ?? (schema.anyOf ?? schema.oneOf ?? []).find((branch) => branch.items)?.items;
  return Array.isArray(own) ? undefined : own;
}

/** Declared properties of an object schema, or undefined for a free-form object or non-object. */
export function declaredProperties(schema: JSONSchema): Record<string, JSONSchema> | undefined {
  return objectBranch(schema)?.properties;
}

/** The schema of the value at a path (through arrays to their items), or undefined if not declared. */
export function schemaAt(schema: JSONSchema, path: Path): JSONSchema | undefined {
  let current: JSONSchema | undefined = schema;
  for (const segment of path) {
    if (current === undefined) return undefined;
    while (
      current !== undefined &&
      declaredProperties(current) === undefined &&
      arrayItems(current) !== undefined
    )
      current = arrayItems(current);
    const properties: Record<string, JSONSchema> | undefined =
      current === undefined ? undefined : declaredProperties(current);
    if (properties === undefined || !Object.hasOwn(properties, segment)) return undefined;
    current = properties[segment];
  }
  return current;
}

/**
 * Whether the schema rules a path out: some object on the way declares its properties without it.
 * A free-form object (no `properties`) may hold anything, so nothing under it is ruled out.
 */
export function isUndeclared(schema: JSONSchema, path: Path): boolean {
  let current: JSONSchema | undefined = schema;
  for (const segment of path) {
    while (
      current !== undefined &&
      declaredProperties(current) === undefined &&
      arrayItems(current) !== undefined
    )
      current = arrayItems(current);
    if (current === undefined) return false;
    const properties = declaredProperties(current);
    if (properties === undefined) return false;
    if (!Object.hasOwn(properties, segment)) return true;
    current = properties[segment];
  }
  return false;
}

/** Whether a value of this schema may be an object or an array (hashing those is refused). */
export function mayBeComposite(schema: JSONSchema): boolean {
  const types = typesOf(schema);
  if (types.length === 0) return schema.properties !== undefined || schema.items !== undefined;
  return (
    types.every((t) => t === 'object' || t === 'array' || t === 'null') && types.some((t) => t !== 'null')
  );
}

/** The same schema allowing null as well. */
export function nullable(schema: JSONSchema): JSONSchema {
  const copy: JSONSchema = { ...schema };
  if (copy.type !== undefined) {
    const types = typesOf(copy);
    if (!types.includes('null')) copy.type = [...types, 'null'];
  } else if (copy.anyOf !== undefined) {
    if (!copy.anyOf.some((branch) => typesOf(branch).includes('null')))
      copy.anyOf = [...copy.anyOf, { type: 'null' }];
  } else if (copy.oneOf !== undefined) {
    if (!copy.oneOf.some((branch) => typesOf(branch).includes('null')))
      copy.oneOf = [...copy.oneOf, { type: 'null' }];
  } else {
    return copy;
  }
  if (copy.enum !== undefined && !copy.enum.includes(null)) copy.enum = [...copy.enum, null];
  if (Object.hasOwn(copy, 'const')) delete copy.const;
  return copy;
}

/** The hex digest a hashed value becomes, keeping the description of what it was. */
export function hashedSchema(schema: JSONSchema | undefined): JSONSchema {
  const out: JSONSchema = { type: ['string', 'null'] };
  if (schema?.description !== undefined) out.description = schema.description;
  if (schema?.title !== undefined) out.title = schema.title;
  return out;
}

function cloneSchema(schema: JSONSchema): JSONSchema {
  return structuredClone(schema);
}

/**
 * Rewrites the schema at a path in a copy of `root`: `update` gets the current schema (undefined if not
 * declared) and returns the new one, or undefined to remove the property. Returns the new root.
 */
export function updateSchemaAt(
  root: JSONSchema,
  path: Path,
  update: (current: JSONSchema | undefined) => JSONSchema | undefined,
): JSONSchema {
  const out = { ...root };
  const [head, ...rest] = path;
  if (head === undefined) return out;
  const container = objectContainer(out);
  const properties = { ...(container.properties ?? {}) };
  const current = Object.hasOwn(properties, head) ? properties[head] : undefined;
  let next: JSONSchema | undefined;
  if (rest.length === 0) next = update(current === undefined ? undefined : cloneSchema(current));
  else next = updateNested(current ?? { type: ['object', 'null'], properties: {} }, rest, update);
  if (next === undefined) {
    delete properties[head];
    if (container.required?.includes(head)) container.required = container.required.filter((r) => r !== head);
  } else {
    properties[head] = next;
  }
  container.properties = properties;
  return out;
}

function updateNested(
  schema: JSONSchema,
  path: Path,
  update: (current: JSONSchema | undefined) => JSONSchema | undefined,
): JSONSchema {
  if (declaredProperties(schema) === undefined) {
    const items = arrayItems(schema);
    if (items !== undefined && schema.items === items)
      return { ...schema, items: updateSchemaAt(items, path, update) };
  }
  return updateSchemaAt(schema, path, update);
}

/** The object holding `properties` within a schema copy (itself or a copied anyOf/oneOf branch). */
function objectContainer(schema: JSONSchema): JSONSchema {
  if (schema.properties !== undefined) return schema;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    const index = branches?.findIndex((branch) => branch.properties !== undefined) ?? -1;
    if (branches !== undefined && index >= 0) {
      const copy = [...branches];
      const branch = { ...copy[index]! };
      copy[index] = branch;
      schema[key] = copy;
      return branch;
    }
  }
  return schema;
}

// ---- records -------------------------------------------------------------------------------------

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (value as { isLosslessNumber?: boolean }).isLosslessNumber !== true
  );
}

/** The value at a path, or undefined when absent; a path through an array yields an array. */
export function getPath(value: unknown, path: Path, from = 0): unknown {
  let current = value;
  for (let i = from; i < path.length; i++) {
    if (Array.isArray(current)) return current.map((item) => getPath(item, path, i));
    if (!isPlainObject(current)) return undefined;
    const segment = path[i]!;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

/**
 * Applies `leaf` to every object holding the last segment of the path (once per array item on the
 * way), copying objects and arrays it changes; returns `value` itself when nothing was there.
 * `leaf` gets a fresh copy of the holder, free to modify.
 */
export function updateAt(
  value: unknown,
  path: Path,
  from: number,
  leaf: (holder: Record<string, unknown>, key: string) => void,
): unknown {
  if (Array.isArray(value)) {
    let changed: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = updateAt(item, path, from, leaf);
      if (next !== item) {
        changed ??= value.slice();
        changed[i] = next;
      }
    }
    return changed ?? value;
  }
  if (!isPlainObject(value)) return value;
  const key = path[from]!;
  if (!Object.hasOwn(value, key)) return value;
  if (from === path.length - 1) {
    const copy = { ...value };
    leaf(copy, key);
    return copy;
  }
  const child = value[key];
  const next = updateAt(child, path, from + 1, leaf);
  if (next === child) return value;
  return { ...value, [key]: next };
}

/**
 * Sets a value at a path in `target`, which the caller owns; objects on the way are copied (they may
 * be shared with the source record) or created when absent or null.
 */
export function setPath(target: Record<string, unknown>, path: Path, value: unknown): void {
  let holder = target;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i]!;
    const current = Object.hasOwn(holder, segment) ? holder[segment] : undefined;
    let next: Record<string, unknown>;
    if (current === undefined || current === null) next = {};
    else if (isPlainObject(current)) next = { ...current };
    else throw new TypeError(`'${path.slice(0, i + 1).join('.')}' is not an object`);
    holder[segment] = next;
    holder = next;
  }
  holder[path[path.length - 1]!] = value;
}

/**
 * A function keeping only the properties a schema declares, recursively (through arrays too), or
 * undefined if the schema declares nothing to prune by (scalars and free-form objects).
 */
export function compilePruner(schema: JSONSchema | undefined): ((value: unknown) => unknown) | undefined {
  if (schema === undefined) return undefined;
  const properties = declaredProperties(schema);
  if (properties !== undefined) {
    const children = Object.entries(properties).map(([key, child]) => [key, compilePruner(child)] as const);
    return (value) => {
      if (!isPlainObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [key, prune] of children) {
        if (!Object.hasOwn(value, key)) continue;
        const item = value[key];
        out[key] = prune === undefined ? item : prune(item);
      }
      return out;
    };
  }
  const items = arrayItems(schema);
  const pruneItem = compilePruner(items);
  if (pruneItem === undefined) return undefined;
  return (value) => (Array.isArray(value) ? value.map(pruneItem) : value);
}
