/**
 * Throwaway certificates for the TLS tests, made with the openssl CLI in a temp dir: a CA, a server
 * certificate it signs for 127.0.0.1 and localhost, a client certificate it signs, and an unrelated CA.
 * EC keys, because RSA key generation would cost most of the test's time.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  dir: string;
  /** CA that signed the server and client certificates. */
  caFile: string;
  /** A CA that signed nothing here. */
  otherCaFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** Signed by the CA for the common name (and role) `tls_client`. */
  clientCertFile: string;
  clientKeyFile: string;
  remove(): Promise<void>;
}

export async function makeTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'singer-ts-tls-'));
  const file = (name: string): string => join(dir, name);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const makeCa = (name: string, subject: string) =>
    run('openssl', [
      'req',
      '-x509',
      ...newKey,
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.crt`),
      '-days',
      '2',
      '-subj',
      subject,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    ]);
  const sign = async (name: string, subject: string, extensions: string): Promise<void> => {
    await run(
      'openssl',
      ['req', '-new', ...newKey, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`)].concat([
        '-subj',
        subject,
      ]),
    );
    await writeFile(file(`${name}.ext`), extensions);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-set_serial',
      String(Date.now()),
      '-days',
      '2',
      '-extfile',
      file(`${name}.ext`),
      '-out',
      file(`${name}.crt`),
    ]);
  };
  try {
    await Promise.all([
      makeCa('ca', '/CN=singer-ts test CA'),
      makeCa('other-ca', '/CN=singer-ts unrelated CA'),
    ]);
    await Promise.all([
      sign(
        'server',
        '/CN=localhost',
        'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n',
      ),
      sign('client', '/CN=tls_client', 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n'),
    ]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    caFile: file('ca.crt'),
    otherCaFile: file('other-ca.crt'),
    serverCertFile: file('server.crt'),
    serverKeyFile: file('server.key'),
    clientCertFile: file('client.crt'),
    clientKeyFile: file('client.key'),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
