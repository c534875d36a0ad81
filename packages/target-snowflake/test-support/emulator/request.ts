/** Reading a submit request: its body (size-capped), its fields and bindings, and its headers. */
import type { IncomingMessage } from 'node:http';
import type { Binding } from './translate.js';

export interface SubmitBody {
  statement: string;
  timeout: number;
  database?: string;
  schema?: string;
  warehouse?: string;
  role?: string;
  bindings: Binding[];
  statementCount: number;
}

export function parseSubmitBody(raw: Buffer): SubmitBody {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new Error('Unable to parse the request body as JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.statement !== 'string')
    throw new Error("The request body needs a 'statement' string.");
  const optionalString = (name: string): string | undefined => {
    const value = parsed[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new Error(`'${name}' must be a string.`);
    return value;
  };
  const bindings: Binding[] = [];
  const rawBindings = (parsed.bindings ?? {}) as Record<string, { type?: unknown; value?: unknown }>;
  for (const [key, binding] of Object.entries(rawBindings)) {
    const position = Number(key);
    if (!Number.isInteger(position) || position < 1)
      throw new Error(`Binding key '${key}' is not a position.`);
    if (typeof binding?.type !== 'string' || (typeof binding.value !== 'string' && binding.value !== null))
      throw new Error(`Binding ${key} needs a type and a string value.`);
    bindings[position - 1] = { type: binding.type, value: binding.value as string | null };
  }
  const parameters = (parsed.parameters ?? {}) as Record<string, unknown>;
  const count = parameters.MULTI_STATEMENT_COUNT ?? parameters.multi_statement_count ?? 1;
  const timeout = parsed.timeout ?? 0;
  if (typeof timeout !== 'number' || timeout < 0) throw new Error("'timeout' must be a number of seconds.");
  return {
    statement: parsed.statement,
    timeout,
    database: optionalString('database'),
    schema: optionalString('schema'),
    warehouse: optionalString('warehouse'),
    role: optionalString('role'),
    bindings,
    statementCount: Number(count),
  };
}

/** The body, or undefined once it passes `limit` bytes (the rest is not read). */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
