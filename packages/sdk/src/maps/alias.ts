/**
 * `__alias__` is an expression, as in Meltano since SDK 0.42: `__stream_name__ + '_v2'` names each
 * stream a glob matches, `'aliased'` is the text inside the quotes. A value that does not parse
 * (`2024 orders`) or names something unknown (`customers_v2`, `public-users`, `aliased.stream`)
 * is the literal stream name, as Meltano falls back; so is a result that is not a non-empty string.
 * Only `__stream_name__` is known inside an alias, as in Meltano.
 */
import { MapperError } from '../errors.js';
import { compileExpression } from './evaluate.js';
import { parseExpression } from './expression.js';

const NO_PROPERTIES: ReadonlySet<string> = new Set();

export function resolveAlias(text: string, streamName: string, key: string): string {
  const site = { stream: key, property: '__alias__' };
  let evaluate: ReturnType<typeof compileExpression>;
  try {
    const ast = parseExpression(text, site);
    evaluate = compileExpression(ast, {
      site,
      config: {},
      pseudonymizeKey: undefined,
      streamName,
      originalStreamName: streamName,
      properties: NO_PROPERTIES,
    });
  } catch (error) {
    if (
      error instanceof MapperError &&
      (error.context.reason === 'syntax' || error.context.reason === 'unknown-name')
    )
      return text;
    throw error;
  }
  let value: unknown;
  try {
    value = evaluate({}, undefined);
  } catch (error) {
    throw new MapperError(
      `the '__alias__' expression of stream_maps.${key} failed for stream '${streamName}': ${(error as Error).message}`,
      {
        stream: key,
        field: '__alias__',
        reason: 'config',
      },
    );
  }
  return typeof value === 'string' && value !== '' ? value : text;
}
