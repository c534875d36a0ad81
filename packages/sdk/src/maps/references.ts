/** What an expression reads from the record: used to follow key properties through renames. */
import { children, type ExpressionNode, RESERVED_NAMES } from './ast.js';

/**
 * The record path an expression reads if it is nothing but a property reference (`email`,
 * `record['email']`, `_['user']['email']`, `requester.email`), else undefined.
 */
export function referencePath(node: ExpressionNode): string[] | undefined {
  switch (node.kind) {
    case 'name':
      return RESERVED_NAMES.has(node.name) ? undefined : [node.name];
    case 'member': {
      const base =
        node.object.kind === 'name' && isRecordName(node.object.name) ? [] : referencePath(node.object);
      return base === undefined ? undefined : [...base, node.key];
    }
    case 'index': {
      if (node.index.kind !== 'literal' || typeof node.index.value !== 'string') return undefined;
      const base =
        node.object.kind === 'name' && isRecordName(node.object.name) ? [] : referencePath(node.object);
      return base === undefined ? undefined : [...base, node.index.value];
    }
    default:
      return undefined;
  }
}

function isRecordName(name: string): boolean {
  return name === 'record' || name === '_';
}

/**
 * The top-level record properties an expression reads, or 'all' when it uses the whole record
 * (`record` or `_` on its own, or indexed by a computed key). `self` counts as the mapped property.
 */
export function readProperties(node: ExpressionNode, self: string): Set<string> | 'all' {
  const found = new Set<string>();
  let all = false;
  const visit = (n: ExpressionNode): void => {
    const path = referencePath(n);
    if (path !== undefined) {
      found.add(path[0]!);
      return;
    }
    if (n.kind === 'name') {
      if (isRecordName(n.name)) all = true;
      else if (n.name === 'self') found.add(self);
      else if (!RESERVED_NAMES.has(n.name)) found.add(n.name);
      return;
    }
    for (const child of children(n)) visit(child);
  };
  visit(node);
  return all ? 'all' : found;
}
