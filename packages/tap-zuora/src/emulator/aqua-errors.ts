/** AQuA error codes and the messages clients compare against (singer-io/tap-zuora matches two verbatim). */
export const AQUA_ERRORS = {
  tooManyQueries: ['90004', 'The number of queries in the AQuA request exceeds 50.'],
  syntax: ['90005', 'There is a syntax error in one of the queries in the AQuA input'],
  deletedStateless: [
    '90012',
    'Deleted records cannot be exported in stateless mode unless forceExport is true.',
  ],
  badIncrementalTime: ['90015', 'The incrementalTime is invalid. Use the format yyyy-MM-dd HH:mm:ss.'],
  noQueries: ['90016', 'There are no queries in the AQuA request.'],
  deletedUnsupported: [
    '90017',
    'Objects included in the queries do not support the querying of deleted records. Remove Deleted section in the JSON request and retry the request',
  ],
  partner: [
    '90019',
    'Partner ID is not recognized. To obtain a partner ID, submit a request with Zuora Global Support',
  ],
  concurrency: ['90028', 'The number of concurrent AQuA jobs exceeds the limit.'],
  cancelInvalid: ['90003', 'Invalid job id for cancellation: the job has already completed.'],
} as const;

export class AquaRejection extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export const reject = ([code, message]: readonly [string, string], detail = '') =>
  new AquaRejection(code, detail ? `${message} ${detail}` : message);
