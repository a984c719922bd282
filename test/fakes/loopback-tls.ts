/**
 * A throwaway TLS identity for fake HTTPS endpoints on 127.0.0.1: a self-signed P-256 certificate
 * made by openssl, with IP:127.0.0.1 and DNS:localhost as subject alternative names. Clients trust
 * it through NODE_EXTRA_CA_CERTS=<caFile>, Node's own knob.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from '../helpers/binaries.js';

export interface LoopbackTls {
  certPem: string;
  keyPem: string;
  /** The certificate as a file, for NODE_EXTRA_CA_CERTS. */
  caFile: string;
  /** Removes the files. */
  remove(): void;
}

export function loopbackTls(): LoopbackTls {
  const dir = mkdtempSync(join(tmpdir(), 'certctl-fake-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(requireBinary('openssl', 'openssl'), [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=certctl fake API', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-addext', 'basicConstraints=critical,CA:TRUE',
  ], { stdio: 'pipe' });
  return { certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8'), caFile: cert, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
