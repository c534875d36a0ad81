import type { Authenticator, PreparedRequest } from '@singer-ts/sdk';

/**
 * Zuora's legacy credentials: `apiAccessKeyId` (the user name) and `apiSecretAccessKey` (the password) as
 * headers on every call (singer-io/tap-zuora's `auth_type: BASIC`). Nothing to renew, so a 401 is final.
 */
export class LegacyKeyAuthenticator implements Authenticator {
  constructor(
    private readonly username: string,
    private readonly password: string,
  ) {}

  authenticate(request: PreparedRequest): void {
    request.headers.apiaccesskeyid = this.username;
    request.headers.apisecretaccesskey = this.password;
  }

  invalidate(): boolean {
    return false;
  }

  secrets(): readonly string[] {
    return [this.password];
  }
}
