/** `--about`: what the connector is and which settings it takes, as JSON (Meltano's shape) or Markdown. */
import type { ConnectorInfo } from '../connector.js';
import { withMapperCapabilities } from '../maps/settings.js';
import { SDK_VERSION } from '../package-version.js';
import type { JSONSchema } from '../schema/json-schema.js';

export function aboutJson(info: ConnectorInfo, settings: JSONSchema): Record<string, unknown> {
  return {
    name: info.name,
    description: info.description,
    version: info.version,
    sdk_version: SDK_VERSION,
    capabilities: withMapperCapabilities(info.capabilities, settings),
    settings: redactExamples(settings),
  };
}

/** Secret settings never show example or default values, even in documentation, and are marked both ways. */
function redactExamples(settings: JSONSchema): JSONSchema {
  const properties: Record<string, JSONSchema> = {};
  for (const [name, schema] of Object.entries(settings.properties ?? {})) {
    if (schema.secret === true || schema.writeOnly === true) {
      const { examples, default: defaultValue, ...rest } = schema;
      // Meltano reads `secret`, JSON Schema tools read `writeOnly`: print both, whichever was declared.
      properties[name] = {
        ...rest,
        secret: true,
        writeOnly: true,
        ...(examples ? { examples: examples.map(() => '***') } : {}),
        ...(defaultValue !== undefined ? { default: '***' } : {}),
      };
    } else {
      properties[name] = schema;
    }
  }
  return { ...settings, properties };
}

function typeName(schema: JSONSchema): string {
  const type = schema.type ?? (schema.anyOf ? schema.anyOf.map(typeName).join(' | ') : 'any');
  return Array.isArray(type) ? type.filter((t) => t !== 'null').join(' | ') : String(type);
}

export function aboutMarkdown(info: ConnectorInfo, settings: JSONSchema): string {
  const required = new Set(settings.required ?? []);
  const rows = Object.entries(redactExamples(settings).properties ?? {}).map(([name, schema]) => {
    const flags = [
      required.has(name) ? 'required' : 'optional',
      schema.secret || schema.writeOnly ? 'secret' : '',
    ]
      .filter(Boolean)
      .join(', ');
    const defaultValue = schema.default === undefined ? '' : `\`${JSON.stringify(schema.default)}\``;
    const description = (schema.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
    return `| \`${name}\` | ${typeName(schema).replace(/\|/g, '\\|')} | ${flags} | ${defaultValue} | ${description} |`;
  });
  return [
    `# ${info.name}`,
    '',
    info.description,
    '',
    `Version: ${info.version} (singer-ts SDK ${SDK_VERSION})`,
    '',
    '## Capabilities',
    '',
    ...withMapperCapabilities(info.capabilities, settings).map((capability) => `- \`${capability}\``),
    '',
    '## Settings',
    '',
    '| Setting | Type | Required | Default | Description |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Every setting can also come from an environment variable named \`${info.name.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_<SETTING>\`.`,
    '',
  ].join('\n');
}
