/**
 * Where a certificate says its revocation status is published: the OCSP responders and CA
 * issuer URLs of Authority Information Access, the CRL distribution points, and whether it
 * demands a stapled OCSP response (TLS Feature status_request, "Must-Staple").
 */
import { readDer, type DerNode } from '../../pki/der.js';
import { readOid, readSmallInt, sequenceOf } from '../../pki/der-values.js';
import type { ParsedCertificate } from '../../pki/parse.js';
import { ACCESS_METHOD, EXT } from '../../pki/oids.js';
import { CHECK_EXT } from './check-oids.js';

/** The revocation-related pointers of one certificate. */
export interface RevocationPointers {
  ocspUrls: string[];
  caIssuerUrls: string[];
  crlUrls: string[];
  /** TLS Feature status_request (RFC 7633): clients may refuse the certificate without a staple. */
  mustStaple: boolean;
  /** Extensions that could not be read (treated as absent), with the reason. */
  malformed?: string[];
}

const URI_TAG = 6;
const STATUS_REQUEST = 5;

function uriOf(generalName: DerNode | undefined): string | undefined {
  if (generalName?.cls === 'context' && generalName.tag === URI_TAG && !generalName.constructed) return generalName.value.toString('latin1');
  return undefined;
}

/** Reads the pointers; a malformed extension is treated as absent and listed in `malformed`. */
export function revocationPointers(cert: Pick<ParsedCertificate, 'extensions'>): RevocationPointers {
  const out: RevocationPointers = { ocspUrls: [], caIssuerUrls: [], crlUrls: [], mustStaple: false };
  for (const ext of cert.extensions) {
    try {
      if (ext.oid === EXT.authorityInfoAccess) {
        for (const desc of sequenceOf(readDer(ext.value), 'AuthorityInfoAccess')) {
          const [method, location] = sequenceOf(desc, 'AccessDescription');
          const url = uriOf(location);
          const id = readOid(method, 'accessMethod');
          if (url && id === ACCESS_METHOD.ocsp) out.ocspUrls.push(url);
          if (url && id === ACCESS_METHOD.caIssuers) out.caIssuerUrls.push(url);
        }
      } else if (ext.oid === EXT.crlDistributionPoints) {
        for (const dp of sequenceOf(readDer(ext.value), 'CRLDistributionPoints')) {
          const name = dp.children?.find((c) => c.cls === 'context' && c.tag === 0);
          const fullName = name?.children?.find((c) => c.cls === 'context' && c.tag === 0);
          for (const gn of fullName?.children ?? []) {
            const url = uriOf(gn);
            if (url) out.crlUrls.push(url);
          }
        }
      } else if (ext.oid === CHECK_EXT.tlsFeature) {
        out.mustStaple = sequenceOf(readDer(ext.value), 'TLSFeature').some((n) => readSmallInt(n, 'TLS feature') === STATUS_REQUEST);
      }
    } catch (err) {
      (out.malformed ??= []).push(`extension ${ext.oid}: ${(err as Error).message}`);
    }
  }
  return out;
}
