import { DOMParser } from '@xmldom/xmldom';
import { ZuoraDescribeError } from './errors.js';

/** One `<field>` of a Describe answer. */
export interface DescribedField {
  name: string;
  label: string;
  /** `text`, `picklist`, `boolean`, `integer`, `decimal`, `date`, `datetime`, or another (unsupported) type. */
  type: string;
  required: boolean;
  custom: boolean;
  /** `soap`, `export`, …: only `export` fields may appear in AQuA and REST export queries. */
  contexts: string[];
  options: string[];
}

export interface RelatedObject {
  /** The join name in Export ZOQL (`BillToContact`). */
  name: string;
  /** The related object's type, from its describe link (`Contact`). */
  object: string;
}

export interface DescribedObject {
  name: string;
  label: string;
  fields: DescribedField[];
  related: RelatedObject[];
}

interface El {
  localName: string;
  textContent: string | null;
  childNodes: ArrayLike<unknown>;
  getAttribute(name: string): string | null;
}

function parseXml(xml: string, what: string): El {
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: (level: string, message: unknown) => {
      if (level !== 'warning') errors.push(String(message));
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement as unknown as El | null;
  if (errors.length > 0 || !root) {
    throw new ZuoraDescribeError(
      `${what}: the Describe API answered something that is not XML (${errors[0] ?? 'empty body'})`,
      {
        stream: what,
      },
    );
  }
  return root;
}

function children(el: El, name: string): El[] {
  const out: El[] = [];
  for (let i = 0; i < el.childNodes.length; i++) {
    const c = el.childNodes[i] as El & { nodeType: number };
    if (c.nodeType === 1 && c.localName === name) out.push(c);
  }
  return out;
}

const text = (el: El, name: string): string => (children(el, name)[0]?.textContent ?? '').trim();

/** Object names of `GET /v1/describe`. */
export function parseObjectList(xml: string): string[] {
  const root = parseXml(xml, 'describe');
  if (root.localName !== 'objects') {
    throw new ZuoraDescribeError(`describe: expected <objects>, got <${root.localName}>`);
  }
  return children(root, 'object')
    .map((o) => text(o, 'name'))
    .filter((n) => n !== '');
}

/** The fields and related objects of `GET /v1/describe/{object}`; `required` is read case-insensitively. */
export function parseObject(xml: string, objectName: string): DescribedObject {
  const root = parseXml(xml, objectName);
  if (root.localName !== 'object') {
    throw new ZuoraDescribeError(`expected <object> in the Describe answer, got <${root.localName}>`, {
      stream: objectName,
    });
  }
  const fieldsEl = children(root, 'fields')[0];
  const fields = (fieldsEl ? children(fieldsEl, 'field') : []).map((f) => {
    const contexts = children(f, 'contexts')[0];
    const options = children(f, 'options')[0];
    return {
      name: text(f, 'name'),
      label: text(f, 'label'),
      type: text(f, 'type'),
      required: text(f, 'required').toLowerCase() === 'true',
      custom: text(f, 'custom').toLowerCase() === 'true',
      contexts: contexts ? children(contexts, 'context').map((c) => (c.textContent ?? '').trim()) : [],
      options: options ? children(options, 'option').map((o) => o.textContent ?? '') : [],
    };
  });
  const relatedEl = children(root, 'related-objects')[0];
  const related = (relatedEl ? children(relatedEl, 'object') : []).map((r) => ({
    name: text(r, 'name'),
    object: (r.getAttribute('href') ?? '').split('/').pop() ?? '',
  }));
  return { name: text(root, 'name') || objectName, label: text(root, 'label'), fields, related };
}
