/**
 * PostgreSQL, SOAP and type generation need libraries a REST tap's users should not install, so the
 * SDK declares them as optional peer dependencies and loads them on first use. A missing one is a
 * clear error naming the package to add, instead of ERR_MODULE_NOT_FOUND from deep inside the SDK.
 */
import { SingerError } from './errors.js';

export class MissingDependencyError extends SingerError {
  override readonly code: string = 'SINGER_MISSING_DEPENDENCY';
}

/** Versions the SDK is built and tested with, for the install hint. */
const RANGES: Record<string, string> = {
  pg: '^8',
  soap: '^1',
  'json-schema-to-typescript': '^15',
};

/** `import(name)`, or a MissingDependencyError saying what needs it and how to install it. */
export async function importOptional<T>(name: string, neededBy: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    if (!String((error as Error).message).includes(`'${name}'`)) throw error;
    throw new MissingDependencyError(
      `${neededBy} needs the package '${name}', which is not installed: run \`npm install ${name}@${RANGES[name] ?? 'latest'}\` in your connector`,
      { package: name },
      { cause: error },
    );
  }
}
