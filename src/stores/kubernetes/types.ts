/**
 * The few Kubernetes object shapes certctl reads and writes, as JSON on the wire. Only the fields
 * certctl touches are typed; everything else is carried through untouched on updates.
 */

/** `metadata` of a namespaced object. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  resourceVersion?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [other: string]: unknown;
}

/** `v1 Secret`; `data` values are base64. */
export interface Secret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: ObjectMeta;
  type?: string;
  immutable?: boolean;
  data?: Record<string, string>;
  [other: string]: unknown;
}

/** `coordination.k8s.io/v1 Lease`. Times are MicroTime (`2006-01-02T15:04:05.000000Z`). */
export interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: ObjectMeta;
  spec: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

/** `meta/v1 Status`, the body of every API error. */
export interface ApiStatus {
  kind?: 'Status';
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

/** The verb/resource/namespace an authorization check is about. */
export interface ResourceAttributes {
  namespace: string;
  verb: string;
  group: string;
  resource: string;
  name?: string;
}

/** Secret type cert-manager creates for certificates. */
export const TLS_SECRET_TYPE = 'kubernetes.io/tls';
/** Secret type for everything else certctl creates (ACME account keys). */
export const OPAQUE_SECRET_TYPE = 'Opaque';
