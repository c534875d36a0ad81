import type { FieldDef, ObjectDef } from './objects.js';

// Describe API bodies (text/xml). `required` alternates `true`/`True` between fields, as real tenants mix them.

export function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

export function describeList(objects: readonly ObjectDef[], base: string): string {
  const items = objects
    .map(
      (o) =>
        `  <object href="${base}/v1/describe/${o.name}">\n    <name>${o.name}</name>\n    <label>${escapeXml(o.label)}</label>\n  </object>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<objects>\n${items}\n</objects>\n`;
}

function fieldXml(f: FieldDef, i: number): string {
  const bool = (b: boolean) => (i % 2 === 0 ? String(b) : b ? 'True' : 'False');
  const readOnly = ['Id', 'CreatedById', 'CreatedDate', 'UpdatedById', 'UpdatedDate'].includes(f.name);
  const options = f.options
    ? `\n      <options>${f.options.map((o) => `<option>${escapeXml(o)}</option>`).join('')}</options>`
    : '';
  return `    <field>
      <name>${f.name}</name>
      <label>${escapeXml(f.label)}</label>
      <selectable>true</selectable>
      <createable>${!readOnly}</createable>
      <updateable>${!readOnly}</updateable>
      <filterable>${f.type !== 'blob'}</filterable>
      <custom>${f.custom}</custom>
      <maxlength>${f.maxlength ?? ''}</maxlength>
      <required>${bool(f.required)}</required>
      <type>${f.type === 'blob' ? 'formula' : f.type}</type>${options}
      <contexts>${f.contexts.map((c) => `<context>${c}</context>`).join('')}</contexts>
    </field>`;
}

// Related objects are always listed: singer-io/tap-zuora reads <related-objects> without asking for them, so
// tenants evidently send them with or without `showRelationships=true`.
export function describeObject(o: ObjectDef, base: string): string {
  const fields = o.fields.map(fieldXml).join('\n');
  const related = `\n  <related-objects>\n${o.related
    .map(
      (r) => `    <object href="${base}/v1/describe/${r.object}">
      <name>${r.name}</name>
      <label>${escapeXml(r.label)}</label>
      <cardinality>TO_ONE</cardinality>
      <direct-relationship>true</direct-relationship>
      <path>${o.name}.${r.name}</path>
    </object>`,
    )
    .join('\n')}\n  </related-objects>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<object href="${base}/v1/describe/${o.name}">
  <name>${o.name}</name>
  <label>${escapeXml(o.label)}</label>
  <fields>
${fields}
  </fields>${related}
</object>
`;
}

export function describeNotFound(name: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <code>NOT_FOUND</code>\n  <message>Object ${escapeXml(name)} is not found.</message>\n</error>\n`;
}
