import { randomBytes } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import type { TokenStore } from './auth.js';
import type { Row, Tenant, Value } from './data.js';
import { escapeXml } from './describe.js';
import type { FieldDef } from './objects.js';
import { type Column, planQuery, type QueryPlan } from './plan.js';
import { formatIsoOffset } from './tz.js';
import { parseZoql, ZoqlSyntaxError } from './zoql.js';

const API = 'http://api.zuora.com/';

export interface SoapOptions {
  /** Idle time after which a session answers INVALID_SESSION (ms). Default 15 minutes. */
  sessionIdleMs?: number;
  /** Idle time after which a query locator is invalid (ms). Default 15 minutes. */
  locatorIdleMs?: number;
}

export class SoapFault extends Error {
  constructor(
    readonly fault: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Cursor {
  plan: QueryPlan;
  /** Next row index to scan, and rows delivered so far. */
  next: number;
  delivered: number;
  size: number;
  lastUsedMs: number;
}

/** SOAP login/query/queryMore over the generated tenant; sessions and locators expire when idle. */
export class SoapService {
  private readonly sessions = new Map<string, number>();
  private readonly cursors = new Map<string, Cursor>();
  private readonly sessionIdleMs: number;
  private readonly locatorIdleMs: number;

  constructor(
    private readonly tenant: Tenant,
    private readonly tokens: TokenStore,
    private readonly timeZone: string,
    o: SoapOptions = {},
  ) {
    this.sessionIdleMs = o.sessionIdleMs ?? 15 * 60_000;
    this.locatorIdleMs = o.locatorIdleMs ?? 15 * 60_000;
  }

  /** Answers one envelope; returns the response envelope (faults included, for a 500). */
  handle(xml: string, now: number, serverUrl: string): { status: number; body: string } {
    try {
      return { status: 200, body: this.dispatch(xml, now, serverUrl) };
    } catch (e) {
      if (e instanceof SoapFault) return { status: 500, body: faultEnvelope(e) };
      throw e;
    }
  }

  expireSessions(): void {
    this.sessions.clear();
  }

  private dispatch(xml: string, now: number, serverUrl: string): string {
    const doc = new DOMParser().parseFromString(xml, 'text/xml');
    const body = first(doc.documentElement, 'Body');
    const call = body && firstElement(body);
    if (!call) throw new SoapFault('UnexpectedErrorFault', 'UNKNOWN_ERROR', 'No SOAP body');
    const name = call.localName;
    if (name === 'login') {
      const user = text(call, 'username');
      const password = text(call, 'password');
      if (user !== this.tokens.credentials.username || password !== this.tokens.credentials.password) {
        throw new SoapFault(
          'LoginFault',
          'INVALID_VALUE',
          'Invalid login. User name and password do not match.',
        );
      }
      const session = randomBytes(48).toString('base64url');
      this.sessions.set(session, now);
      return envelope(
        `<ns1:loginResponse xmlns:ns1="${API}"><ns1:result><ns1:Session>${session}</ns1:Session><ns1:ServerUrl>${escapeXml(serverUrl)}</ns1:ServerUrl></ns1:result></ns1:loginResponse>`,
      );
    }
    const header = first(doc.documentElement, 'Header');
    const session = header ? text(header, 'session') : null;
    const last = session ? this.sessions.get(session) : undefined;
    if (last === undefined || now - last > this.sessionIdleMs) {
      if (session) this.sessions.delete(session);
      throw new SoapFault('UnexpectedErrorFault', 'INVALID_SESSION', 'Invalid Session');
    }
    this.sessions.set(session!, now);
    const requested = header ? Number(text(header, 'batchSize') ?? 0) : 0;
    const batchSize = requested > 0 && requested <= 2000 ? requested : 2000;
    if (name === 'query') {
      const q = text(call, 'queryString') ?? '';
      let plan: QueryPlan;
      try {
        if (q.length > 10_000) throw new ZoqlSyntaxError('query longer than 10,000 characters');
        const parsed = parseZoql(q);
        if (parsed.orderBy || parsed.fields === '*' || parsed.fields.some((f) => f.length > 1)) {
          throw new ZoqlSyntaxError('ZOQL has no joins, * or order by');
        }
        plan = planQuery(parsed, this.tenant, this.timeZone, 'soap');
      } catch (e) {
        if (e instanceof ZoqlSyntaxError)
          throw new SoapFault('MalformedQueryFault', 'MALFORMED_QUERY', e.message);
        throw e;
      }
      let size = 0;
      for (const _ of this.scan(plan, 0)) size++;
      const cursor: Cursor = { plan, next: 0, delivered: 0, size, lastUsedMs: now };
      return this.page('queryResponse', randomBytes(16).toString('hex'), cursor, batchSize, now);
    }
    if (name === 'queryMore') {
      const locator = text(call, 'queryLocator') ?? '';
      const cursor = this.cursors.get(locator);
      if (!cursor || now - cursor.lastUsedMs > this.locatorIdleMs) {
        this.cursors.delete(locator);
        throw new SoapFault(
          'InvalidQueryLocatorFault',
          'INVALID_QUERY_LOCATOR',
          `Invalid query locator: ${locator}`,
        );
      }
      this.cursors.delete(locator);
      return this.page('queryMoreResponse', locator.split('-')[0]!, cursor, batchSize, now);
    }
    throw new SoapFault('UnexpectedErrorFault', 'UNKNOWN_ERROR', `Unsupported call ${name}`);
  }

  private *scan(plan: QueryPlan, from: number): Generator<{ row: Row; index: number }> {
    const n = this.tenant.count(plan.object);
    for (let i = from; i < n; i++) {
      const t = this.tenant.times(plan.object, i);
      if (t.deletedMs !== null) continue;
      const row = this.tenant.row(plan.object, i);
      if (plan.matches(row)) yield { row, index: i };
    }
  }

  private page(element: string, queryId: string, cursor: Cursor, batchSize: number, now: number): string {
    const records: string[] = [];
    let next = this.tenant.count(cursor.plan.object);
    for (const { row, index } of this.scan(cursor.plan, cursor.next)) {
      if (records.length === batchSize) {
        next = index;
        break;
      }
      records.push(recordXml(cursor.plan, row, this.timeZone));
    }
    cursor.delivered += records.length;
    cursor.next = next;
    cursor.lastUsedMs = now;
    const done = cursor.delivered >= cursor.size;
    let locator = '';
    if (!done) {
      locator = `${queryId}-${cursor.delivered}`;
      this.cursors.set(locator, cursor);
    }
    return envelope(
      `<ns1:${element} xmlns:ns1="${API}" xmlns:ns2="http://object.api.zuora.com/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><ns1:result><ns1:done>${done}</ns1:done>${done ? '<ns1:queryLocator xsi:nil="true"/>' : `<ns1:queryLocator>${locator}</ns1:queryLocator>`}${records.join('')}<ns1:size>${cursor.size}</ns1:size></ns1:result></ns1:${element}>`,
    );
  }
}

/** A record in WSDL field order; null fields are left out, text is sent exactly (whitespace kept). */
function recordXml(plan: QueryPlan, row: Row, timeZone: string): string {
  const wanted = new Set(plan.columns.map((c: Column) => c.field.name));
  let xml = `<ns1:records xsi:type="ns2:${plan.object.name}">`;
  if (wanted.has('Id')) xml += `<ns2:Id>${row.values.Id}</ns2:Id>`;
  for (const f of plan.object.fields) {
    if (f.name === 'Id' || !wanted.has(f.name)) continue;
    const v = row.values[f.name];
    if (v === null || v === undefined) continue;
    xml += `<ns2:${f.name}>${escapeXml(soapValue(f, v, timeZone))}</ns2:${f.name}>`;
  }
  return `${xml}</ns1:records>`;
}

function soapValue(f: FieldDef, v: Value, timeZone: string): string {
  if (f.type === 'datetime' && typeof v === 'number') return formatIsoOffset(v, timeZone);
  return String(v);
}

function envelope(inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;
}

function faultEnvelope(f: SoapFault): string {
  return envelope(
    `<soapenv:Fault><faultcode>fns:${f.code}</faultcode><faultstring>${escapeXml(f.message)}</faultstring><detail><fns:${f.fault} xmlns:fns="http://fault.api.zuora.com/"><fns:FaultCode>${f.code}</fns:FaultCode><fns:FaultMessage>${escapeXml(f.message)}</fns:FaultMessage></fns:${f.fault}></detail></soapenv:Fault>`,
  );
}

// Minimal DOM walking by local name (prefixes vary between clients).
type El = { localName: string; childNodes: ArrayLike<unknown>; textContent: string | null };

function elements(parent: unknown): El[] {
  const out: El[] = [];
  const nodes = (parent as { childNodes?: ArrayLike<unknown> }).childNodes;
  if (!nodes) return out;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i] as { nodeType: number };
    if (n.nodeType === 1) out.push(n as unknown as El);
  }
  return out;
}

function first(parent: unknown, localName: string): El | null {
  for (const e of elements(parent)) {
    if (e.localName === localName) return e;
    const deeper = first(e, localName);
    if (deeper) return deeper;
  }
  return null;
}

function firstElement(parent: unknown): El | null {
  return elements(parent)[0] ?? null;
}

function text(parent: unknown, localName: string): string | null {
  const e = first(parent, localName);
  return e ? (e.textContent ?? '') : null;
}
