import { randomBytes } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import type { TokenStore } from './auth.js';
import { InvalidLocatorError, QueryCursors, type QueryPage } from './cursors.js';
import type { Row, Tenant, Value } from './data.js';
import { escapeXml } from './describe.js';
import type { FieldDef } from './objects.js';
import { type Column, planZoql, type QueryPlan } from './plan.js';
import { formatIsoOffset } from './tz.js';
import { ZoqlSyntaxError } from './zoql.js';

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

/** SOAP login/query/queryMore over the generated tenant; sessions and locators expire when idle. */
export class SoapService {
  private readonly sessions = new Map<string, number>();
  private readonly cursors: QueryCursors;
  private readonly sessionIdleMs: number;

  constructor(
    private readonly tenant: Tenant,
    private readonly tokens: TokenStore,
    private readonly timeZone: string,
    o: SoapOptions = {},
  ) {
    this.sessionIdleMs = o.sessionIdleMs ?? 15 * 60_000;
    this.cursors = new QueryCursors(tenant, o.locatorIdleMs ?? 15 * 60_000);
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
        plan = planZoql(q, this.tenant, this.timeZone);
      } catch (e) {
        if (e instanceof ZoqlSyntaxError)
          throw new SoapFault('MalformedQueryFault', 'MALFORMED_QUERY', e.message);
        throw e;
      }
      return this.page('queryResponse', this.cursors.start(plan, batchSize, now));
    }
    if (name === 'queryMore') {
      const locator = text(call, 'queryLocator') ?? '';
      let page: QueryPage;
      try {
        page = this.cursors.more(locator, batchSize, now);
      } catch (e) {
        if (e instanceof InvalidLocatorError) {
          throw new SoapFault('InvalidQueryLocatorFault', 'INVALID_QUERY_LOCATOR', e.message);
        }
        throw e;
      }
      return this.page('queryMoreResponse', page);
    }
    throw new SoapFault('UnexpectedErrorFault', 'UNKNOWN_ERROR', `Unsupported call ${name}`);
  }

  private page(element: string, page: QueryPage): string {
    const records = page.rows.map((row) => recordXml(page.plan, row, this.timeZone)).join('');
    const locator = page.locator
      ? `<ns1:queryLocator>${page.locator}</ns1:queryLocator>`
      : '<ns1:queryLocator xsi:nil="true"/>';
    return envelope(
      `<ns1:${element} xmlns:ns1="${API}" xmlns:ns2="http://object.api.zuora.com/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><ns1:result><ns1:done>${page.done}</ns1:done>${locator}${records}<ns1:size>${page.size}</ns1:size></ns1:result></ns1:${element}>`,
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
