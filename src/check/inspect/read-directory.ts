import { lstat, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CertificateRecord, CertificateStatus } from '../../stores/records.js';
import type { StoredCertificate } from '../../stores/store.js';

/** Larger files are not certificates or keys. */
const MAX_FILE = 1024 * 1024;

async function readSmall(path: string): Promise<string | undefined> {
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile()) return undefined;
  if (st.size > MAX_FILE) throw new Error(`${path} is larger than 1 MiB`);
  return readFile(path, 'utf8');
}

async function readJson<T>(path: string): Promise<T | undefined> {
  const text = await readSmall(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
}

/**
 * Reads a certificate directory as `inspect` needs it: a certctl files-store directory or any
 * mounted kubernetes.io/tls Secret (`tls.crt`, `tls.key`, `ca.crt`, following the kubelet's
 * `..data` links), with certctl's record and status when present. A single PEM file is read as
 * `tls.crt`. Undefined when the path does not exist.
 */
export async function readCertificateDirectory(path: string): Promise<StoredCertificate | undefined> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return undefined;
  if ((await stat(path)).isFile()) return { data: { tlsCrt: await readSmall(path) }, location: path };
  const [tlsCrt, tlsKey, caCrt] = await Promise.all(['tls.crt', 'tls.key', 'ca.crt'].map((k) => readSmall(join(path, k))));
  const record = await readJson<CertificateRecord>(join(path, '..data', 'certctl.json'));
  const status = await readJson<CertificateStatus>(join(path, '.certctl-status.json')).catch(() => undefined);
  return {
    data: { ...(tlsCrt ? { tlsCrt } : {}), ...(tlsKey ? { tlsKey } : {}), ...(caCrt ? { caCrt } : {}) },
    ...(record ? { record } : {}),
    ...(status ? { status } : {}),
    location: path,
  };
}
