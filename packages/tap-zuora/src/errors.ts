import { ConfigError, SingerError } from '@singer-ts/sdk';

/** A config that names no usable Zuora host (unknown `environment`, contradictory flags). */
export class ZuoraConfigError extends ConfigError {
  override readonly code: string = 'SINGER_ZUORA_CONFIG';
}

/** A Describe API body that is not the XML Zuora documents. */
export class ZuoraDescribeError extends SingerError {
  override readonly code: string = 'SINGER_ZUORA_DESCRIBE';
}

/** A result file row that cannot be read or typed (non-rectangular, bad number, bad date-time). */
export class ZuoraCsvError extends SingerError {
  override readonly code: string = 'SINGER_ZUORA_CSV';
}

/** A bookmark or saved job in STATE that cannot be used (not a timestamp, files Zuora no longer has). */
export class ZuoraStateError extends SingerError {
  override readonly code: string = 'SINGER_ZUORA_STATE';
}
