/**
 * The account identifier in its two uses: the host of the API (`<account>.snowflakecomputing.com`,
 * as the user wrote it) and the account part of a key-pair JWT, which Snowflake checks in one exact
 * form: upper case, without region, cloud or `.privatelink` segments, and with the hyphen of the
 * `ORG-ACCOUNT` form (a period there makes every token invalid).
 */
const HOST_SUFFIX = /\.snowflakecomputing\.com\/?$/i;

/** `https://<account>.snowflakecomputing.com`, the SQL API's default base URL. */
export function defaultBaseUrl(account: string): string {
  const host = account
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(HOST_SUFFIX, '');
  return `https://${host.toLowerCase()}.snowflakecomputing.com`;
}

/**
 * The account as a JWT names it.
 *
 * - `myorg-analytics` → `MYORG-ANALYTICS` (the preferred org form);
 * - `xy12345.us-east-2.aws`, `xy12345.eu-west-1.privatelink` → `XY12345` (legacy locator form:
 *   everything after the first period is region and cloud);
 * - `myaccount-myorg.global` (replication URLs) → `MYACCOUNT` (the part before the first hyphen);
 * - a full host name loses `.snowflakecomputing.com` first.
 */
export function jwtAccountName(account: string): string {
  let name = account
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(HOST_SUFFIX, '');
  if (/\.global$/i.test(name)) name = name.split('-')[0]!;
  name = name.split('.')[0]!;
  return name.toUpperCase();
}
