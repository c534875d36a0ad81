import { SingerError } from '@singer-ts/sdk';

/** A value in a Marketo export or response that does not fit the stream's schema. */
export class MarketoValueError extends SingerError {
  override readonly code: string = 'SINGER_MARKETO_VALUE';
}

/** A bulk export file that is not the CSV Marketo writes (bad quoting, ragged rows, unknown columns). */
export class MarketoCsvError extends SingerError {
  override readonly code: string = 'SINGER_MARKETO_CSV';
}

/** A describe or activity-type answer the tap cannot build a schema from. */
export class MarketoDescribeError extends SingerError {
  override readonly code: string = 'SINGER_MARKETO_DESCRIBE';
}
