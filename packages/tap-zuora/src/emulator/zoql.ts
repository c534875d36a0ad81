// Export ZOQL, as far as AQuA and export clients use it: `select <fields | *> from <Object>
// [where <field> <op> <literal> (and|or …)] [order by <field> [asc|desc]] [limit N]`, joined fields `Rel.Field`.

export type Literal = string | number | boolean | null;

export interface Condition {
  field: string[];
  op: '=' | '!=' | '<' | '<=' | '>' | '>=';
  value: Literal;
}

export interface Query {
  /** Field paths: `["Name"]`, `["Account","Name"]` (own object), `["BillToContact","Id"]` (joined). */
  fields: string[][] | '*';
  object: string;
  /** Disjunction of conjunctions (`and` binds tighter than `or`). */
  where: Condition[][];
  orderBy: { field: string[]; desc: boolean } | null;
  limit: number | null;
}

export class ZoqlSyntaxError extends Error {}

const TOKEN =
  /\s*(?:('(?:[^'\\]|\\.)*')|(!=|<=|>=|<>|[=<>,*()])|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|(-?\d+(?:\.\d+)?))/y;

type Tok = { kind: 'str' | 'op' | 'word' | 'num'; text: string };

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < q.length) {
    if (/^\s*$/.test(q.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(q);
    if (!m) throw new ZoqlSyntaxError(`unexpected text at ${pos}: ${q.slice(pos, pos + 20)}`);
    pos = TOKEN.lastIndex;
    if (m[1] !== undefined) out.push({ kind: 'str', text: m[1] });
    else if (m[2] !== undefined) out.push({ kind: 'op', text: m[2] });
    else if (m[3] !== undefined) out.push({ kind: 'word', text: m[3] });
    else out.push({ kind: 'num', text: m[4]! });
  }
  return out;
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, '$1');
}

export function parseZoql(text: string): Query {
  if (text.length > 20_000) throw new ZoqlSyntaxError('query longer than 20,000 characters');
  const toks = tokenize(text);
  let i = 0;
  const peek = () => toks[i];
  const kw = (w: string) => peek()?.kind === 'word' && peek()!.text.toLowerCase() === w;
  const expectKw = (w: string) => {
    if (!kw(w)) throw new ZoqlSyntaxError(`expected "${w}" at token ${i}`);
    i++;
  };
  const word = (): string[] => {
    const t = toks[i++];
    if (t?.kind !== 'word') throw new ZoqlSyntaxError(`expected a field name at token ${i - 1}`);
    return t.text.split('.');
  };

  expectKw('select');
  let fields: string[][] | '*';
  if (peek()?.text === '*') {
    i++;
    fields = '*';
  } else {
    fields = [word()];
    while (peek()?.text === ',') {
      i++;
      fields.push(word());
    }
  }
  expectKw('from');
  const objectPath = word();
  if (objectPath.length !== 1) throw new ZoqlSyntaxError('one object in from');
  const object = objectPath[0]!;

  const where: Condition[][] = [];
  if (kw('where')) {
    i++;
    let group: Condition[] = [];
    for (;;) {
      const field = word();
      const opTok = toks[i++];
      if (opTok?.kind !== 'op' || !['=', '!=', '<>', '<', '<=', '>', '>='].includes(opTok.text)) {
        throw new ZoqlSyntaxError(`expected a comparison after ${field.join('.')}`);
      }
      const v = toks[i++];
      let value: Literal;
      if (v?.kind === 'str') value = unquote(v.text);
      else if (v?.kind === 'num') value = Number(v.text);
      else if (v?.kind === 'word' && ['true', 'false', 'null'].includes(v.text.toLowerCase())) {
        const l = v.text.toLowerCase();
        value = l === 'null' ? null : l === 'true';
      } else throw new ZoqlSyntaxError(`expected a literal after ${field.join('.')} ${opTok.text}`);
      group.push({ field, op: (opTok.text === '<>' ? '!=' : opTok.text) as Condition['op'], value });
      if (kw('and')) {
        i++;
      } else if (kw('or')) {
        i++;
        where.push(group);
        group = [];
      } else break;
    }
    where.push(group);
  }
  let orderBy: Query['orderBy'] = null;
  if (kw('order')) {
    i++;
    expectKw('by');
    const field = word();
    let desc = false;
    if (kw('asc')) i++;
    else if (kw('desc')) {
      i++;
      desc = true;
    }
    orderBy = { field, desc };
  }
  let limit: number | null = null;
  if (kw('limit')) {
    i++;
    const n = toks[i++];
    if (n?.kind !== 'num' || !/^\d+$/.test(n.text)) throw new ZoqlSyntaxError('limit needs a whole number');
    limit = Number(n.text);
  }
  if (i < toks.length) throw new ZoqlSyntaxError(`unexpected "${toks[i]!.text}" at token ${i}`);
  return { fields, object, where, orderBy, limit };
}
