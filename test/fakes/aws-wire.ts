/**
 * Wire helpers for the fake AWS endpoints: a tiny XML reader and writer (enough for Route 53's
 * REST/XML requests) and a SigV4 verifier that recomputes the signature the way AWS does, so a
 * wrong secret fails here exactly as it would against AWS.
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** An XML element: name without namespace prefix, children, and its own text. */
export interface XmlNode {
  name: string;
  children: XmlNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e] ?? m;
  });
}

/** Parses a document into its root element (no DTDs, CDATA or mixed content: Route 53 requests have none). */
export function parseXml(doc: string): XmlNode {
  const root: XmlNode = { name: '#document', children: [], text: '' };
  const stack = [root];
  const re = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<(\/?)([\w:.-]+)[^>]*?(\/?)>|([^<]+)/g;
  for (let m = re.exec(doc); m; m = re.exec(doc)) {
    const [, closing, rawName, selfClosing, text] = m;
    const top = stack[stack.length - 1];
    if (text !== undefined) {
      top.text += decodeEntities(text);
    } else if (rawName) {
      const name = rawName.replace(/^.*:/, '');
      if (closing) {
        if (top.name !== name) throw new Error(`malformed XML: </${name}> closes <${top.name}>`);
        stack.pop();
      } else {
        const node: XmlNode = { name, children: [], text: '' };
        top.children.push(node);
        if (!selfClosing) stack.push(node);
      }
    }
  }
  if (stack.length !== 1 || root.children.length !== 1) throw new Error('malformed XML document');
  return root.children[0];
}

/** The first child called `name`. */
export const child = (n: XmlNode | undefined, name: string): XmlNode | undefined => n?.children.find((c) => c.name === name);
/** Every child called `name`. */
export const childrenOf = (n: XmlNode | undefined, name: string): XmlNode[] => n?.children.filter((c) => c.name === name) ?? [];
/** Trimmed text of the child called `name`, or undefined. */
export const textOf = (n: XmlNode | undefined, name: string): string | undefined => {
  const c = child(n, name);
  return c ? c.text.trim() : undefined;
};

/** Escapes text for XML content. */
export function esc(s: string | number | boolean): string {
  return String(s).replace(/[&<>"']/g, (c) => `&${Object.entries(ENTITIES).find(([, v]) => v === c)![0]};`);
}

/** `<name>body</name>`; `body` must already be escaped. */
export function xml(name: string, body: string): string {
  return `<${name}>${body}</${name}>`;
}

/** A whole response document with the given namespace. */
export function xmlDoc(root: string, ns: string, body: string): string {
  return `<?xml version="1.0"?>\n<${root} xmlns="${ns}">${body}</${root}>`;
}

/** What a valid SigV4 signature tells the server. */
export interface SigV4Identity {
  accessKeyId: string;
  region: string;
  service: string;
  sessionToken?: string;
}

/** A verification failure, with the AWS error code the real service would return. */
export class SigV4Error extends Error {
  constructor(
    readonly code: 'MissingAuthenticationToken' | 'IncompleteSignature' | 'InvalidClientTokenId' | 'SignatureDoesNotMatch',
    message: string,
  ) {
    super(message);
  }
}

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
const uriEscape = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [k, v = ''] = pair.split('=');
      return [uriEscape(decodeURIComponent(k)), uriEscape(decodeURIComponent(v.replace(/\+/g, ' ')))];
    })
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * Verifies `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` over the
 * request as received. `secretFor` returns the secret of an access key ID, or undefined if unknown.
 */
export function verifySigV4(req: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }, secretFor: (akid: string) => string | undefined): SigV4Identity {
  const auth = req.headers.authorization;
  if (!auth) throw new SigV4Error('MissingAuthenticationToken', 'Missing Authentication Token');
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) throw new SigV4Error('IncompleteSignature', `Authorization header is not a SigV4 signature: ${auth.slice(0, 40)}…`);
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m;
  const secret = secretFor(accessKeyId);
  if (secret === undefined) throw new SigV4Error('InvalidClientTokenId', 'The security token included in the request is invalid.');
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const [path, query = ''] = req.url.split('?');
  const headerLines = signedHeaders.split(';').map((h) => `${h}:${String(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`);
  const payloadHash = String(req.headers['x-amz-content-sha256'] ?? sha256(req.body));
  const canonicalPath = uriEscape(path).replace(/%2F/g, '/');
  const canonical = [req.method, canonicalPath, canonicalQuery(query), headerLines.join(''), signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  if (createHmac('sha256', key).update(toSign).digest('hex') !== signature) {
    throw new SigV4Error('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  const token = req.headers['x-amz-security-token'];
  return { accessKeyId, region, service, sessionToken: typeof token === 'string' ? token : undefined };
}
