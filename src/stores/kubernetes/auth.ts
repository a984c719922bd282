/**
 * Credentials for API requests: a bearer token and/or a client certificate, fetched per request so
 * that rotating sources (projected service account tokens, exec plugins) are always current.
 */
import { readFile } from 'node:fs/promises';
import { StoreError } from '../store-error.js';

/** What one request authenticates with. Never logged. */
export interface RequestCredentials {
  token?: string;
  cert?: string;
  key?: string;
}

/** A source of credentials. */
export interface AuthProvider {
  /** Where the credentials come from, for messages (never the credential itself). */
  readonly source: string;
  /** Credentials for the next request. */
  get(): Promise<RequestCredentials>;
  /**
   * Forgets cached credentials after a 401; true when fetching them again may help (an exec
   * plugin's token expired early), so the request is retried once.
   */
  invalidate(): boolean;
}

/** Fixed credentials from a kubeconfig (token, client certificate). */
export function staticAuth(creds: RequestCredentials, source: string): AuthProvider {
  return { source, get: async () => creds, invalidate: () => false };
}

/**
 * A token file read on every request: bound service account tokens are rotated by the kubelet
 * (hourly by default) and a cached copy would eventually be rejected.
 */
export function tokenFileAuth(path: string, source: string, extra: RequestCredentials = {}): AuthProvider {
  return {
    source,
    async get() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          throw new StoreError(`token file ${path} does not exist (in a pod: is automountServiceAccountToken false, or no ServiceAccount mounted?)`);
        }
        if (code === 'EACCES') {
          throw new StoreError(`cannot read token file ${path} (permission denied); in a pod, set securityContext.fsGroup so a non-root user can read it`);
        }
        throw new StoreError(`cannot read token file ${path}: ${(err as Error).message}`);
      }
      // Tokens never contain whitespace; a trailing newline would make an invalid header.
      const token = text.trim();
      if (!token) throw new StoreError(`token file ${path} is empty`);
      return { ...extra, token };
    },
    invalidate: () => false,
  };
}

/**
 * The `sub` claim of a JWT bearer token (`system:serviceaccount:<ns>:<name>` for service
 * accounts), for messages. Only the unsigned payload is read; the token itself is never shown.
 */
export function tokenSubject(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown };
    return typeof claims.sub === 'string' && /^[\x20-\x7e]{1,300}$/.test(claims.sub) ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}
