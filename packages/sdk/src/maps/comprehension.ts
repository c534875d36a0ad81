/**
 * List, dict and generator comprehensions (`[f for f in fields if f['key'] != 'age']`), compiled
 * to loops. The loop variables live in a frame captured by the compiled closures: expressions are
 * never re-entered while they run, so one frame per comprehension is enough. Bounded as in
 * simpleeval: at most MAX_COMPREHENSION_ITEMS iterations per evaluation.
 */
import type { ExpressionNode } from './ast.js';
import type { Compiled } from './evaluate.js';
import { dictKey, iterate, truthy } from './values.js';

/** Comprehension variables in scope, by name, each read from its frame. */
export type Scope = ReadonlyMap<string, Compiled>;

/** simpleeval's MAX_COMPREHENSION_LENGTH. */
export const MAX_COMPREHENSION_ITEMS = 10_000;

type Row = Record<string, unknown>;

export function compileComprehension(
  node: Extract<ExpressionNode, { kind: 'comprehension' }>,
  outer: Scope,
  compile: (node: ExpressionNode, scope: Scope) => Compiled,
): Compiled {
  const frame: unknown[] = [];
  const scope = new Map(outer);
  const clauses = node.clauses.map((clause) => {
    // The first iterable is evaluated in the enclosing scope, the rest see earlier variables.
    const iter = compile(clause.iter, scope);
    const slots = clause.targets.map((name) => {
      const slot = frame.length;
      frame.push(undefined);
      scope.set(name, () => frame[slot]);
      return slot;
    });
    const ifs = clause.ifs.map((test) => compile(test, scope));
    return { iter, slots, unpack: clause.unpack, ifs };
  });
  const element = compile(node.element, scope);
  const value = node.value === undefined ? undefined : compile(node.value, scope);

  const only = clauses.length === 1 ? clauses[0]! : undefined;
  if (only !== undefined && !only.unpack && value === undefined) {
    // The common form, `[f(x) for x in xs if c(x)]`, as one plain loop.
    const slot = only.slots[0]!;
    const ifs = only.ifs;
    return (r: Row, s: unknown) => {
      const items = only.iter(r, s);
      if (items === null || items === undefined) return null;
      const list: unknown[] = [];
      const all = iterate(items, 'a comprehension');
      if (all.length > MAX_COMPREHENSION_ITEMS)
        throw new RangeError(`a comprehension may take at most ${MAX_COMPREHENSION_ITEMS} items`);
      nextItem: for (const item of all) {
        frame[slot] = item;
        for (const test of ifs) if (!truthy(test(r, s))) continue nextItem;
        list.push(element(r, s));
      }
      return list;
    };
  }
  return (r: Row, s: unknown) => {
    const first = clauses[0]!.iter(r, s);
    // Null flows through, as everywhere in the language: a missing list maps to null.
    if (first === null || first === undefined) return null;
    const list: unknown[] = [];
    const dict: Row = {};
    let count = 0;
    const loop = (index: number, items: unknown): void => {
      const clause = clauses[index]!;
      if (items === null || items === undefined) return;
      for (const item of iterate(items, 'a comprehension')) {
        if (++count > MAX_COMPREHENSION_ITEMS)
          throw new RangeError(`a comprehension may take at most ${MAX_COMPREHENSION_ITEMS} items`);
        if (!clause.unpack) frame[clause.slots[0]!] = item;
        else {
          if (!Array.isArray(item) || item.length !== clause.slots.length)
            throw new TypeError(`cannot unpack an item into ${clause.slots.length} names`);
          clause.slots.forEach((slot, i) => {
            frame[slot] = item[i];
          });
        }
        if (!clause.ifs.every((test) => truthy(test(r, s)))) continue;
        if (index + 1 < clauses.length) loop(index + 1, clauses[index + 1]!.iter(r, s));
        else if (value !== undefined) dict[dictKey(element(r, s))] = value(r, s);
        else list.push(element(r, s));
      }
    };
    loop(0, first);
    return value === undefined ? list : dict;
  };
}
