/**
 * Typed cert-manager.io/v1 resources after validation and defaulting. Everything downstream of
 * `spec/` works on these, never on raw YAML. Field names follow cert-manager's JSON names.
 */

import type { RenewalWindow } from '../renewal/windows.js';
import type { ListenAddress } from '../shared/listen-address.js';

/** Where a value came from, for error messages (1-based line and column). */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export interface ObjectMeta {
  name: string;
  /** Always set for namespaced kinds (default `default`); empty for ClusterIssuer. */
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** cert-manager's SecretKeySelector: a Secret in the referring resource's namespace. */
export interface SecretKeySelector {
  name: string;
  key?: string;
  /** Position of the selector, to name the referrer when the Secret is missing. */
  pos: SourcePos;
  /** Field path of the selector, e.g. `spec.acme.privateKeySecretRef`. */
  path: string;
}

export interface IssuerRef {
  name: string;
  /** Defaulted to `Issuer`. */
  kind: string;
  /** Defaulted to `cert-manager.io`. */
  group: string;
  /** The values exactly as written (cert-manager copies them verbatim into Secret annotations). */
  rawKind: string;
  rawGroup: string;
}

export type KeyAlgorithm = 'RSA' | 'ECDSA' | 'Ed25519';
export type KeyEncoding = 'PKCS1' | 'PKCS8';
export type RotationPolicy = 'Always' | 'Never';

export interface PrivateKeySpec {
  algorithm: KeyAlgorithm;
  encoding: KeyEncoding;
  /** RSA bits (default 2048), ECDSA curve size 256|384|521 (default 256), 0 for Ed25519. */
  size: number;
  rotationPolicy: RotationPolicy;
}

export interface X509Subject {
  organizations: string[];
  countries: string[];
  organizationalUnits: string[];
  localities: string[];
  provinces: string[];
  streetAddresses: string[];
  postalCodes: string[];
  serialNumber?: string;
}

export interface SecretTemplate {
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

/** A keystore password: literal (`password`) or from a Secret in the Certificate's namespace. */
export type KeystorePassword = { literal: string } | { ref: SecretKeySelector };

/** `spec.keystores` and `spec.additionalOutputFormats`: extra files in the Secret, as cert-manager writes them. */
export interface KeystoresSpec {
  pkcs12?: { profile?: string; password: KeystorePassword };
  jks?: { alias?: string; password: KeystorePassword };
}

export interface CertificateSpec {
  secretName: string;
  secretTemplate: SecretTemplate;
  commonName?: string;
  dnsNames: string[];
  ipAddresses: string[];
  uris: string[];
  emailAddresses: string[];
  subject: X509Subject;
  /** Requested lifetime in milliseconds (default 2160h). */
  durationMs: number;
  /** Set only when `spec.duration` was written (ACME sends notAfter only then). */
  durationSet: boolean;
  renewBeforeMs?: number;
  renewBeforePercentage?: number;
  /** `spec.renewal.policy: Disabled` turns automatic renewal off. */
  renewalDisabled: boolean;
  /** `spec.renewal.windows`: renewals happen only inside them (cert-manager v1.21). */
  renewalWindows: RenewalWindow[];
  isCA: boolean;
  /** cert-manager usage names, defaulted to `digital signature`, `key encipherment`. */
  usages: string[];
  privateKey: PrivateKeySpec;
  issuerRef: IssuerRef;
  revisionHistoryLimit: number;
  /** Keystores to create (only those with `create: true`). */
  keystores: KeystoresSpec;
  /** `DER` and/or `CombinedPEM`, each once. */
  additionalOutputFormats: ('DER' | 'CombinedPEM')[];
}

export interface CaIssuerSpec {
  secretName: string;
  crlDistributionPoints: string[];
  ocspServers: string[];
  issuingCertificateURLs: string[];
  /** Position and path of `spec.ca.secretName`, to name it when the Secret is missing. */
  pos: SourcePos;
  path: string;
}

export interface SelfSignedIssuerSpec {
  crlDistributionPoints: string[];
}

/**
 * A `dns01` provider certctl implements, configured: `provider` names its descriptor in
 * src/providers/catalog.ts, and only that descriptor reads `config`.
 */
export interface ConfiguredProvider {
  kind: 'provider';
  provider: string;
  config: unknown;
  /** Secrets the config refers to, each checked to exist before anything is ordered. */
  secretRefs: SecretKeySelector[];
}

/** A provider certctl does not implement (cert-manager's cloudflare, an unknown webhook): selecting it is an error. */
export interface UnsupportedProvider {
  kind: 'unsupported';
  /** `dns01.cloudflare`, `dns01.webhook (solverName "x")`. */
  name: string;
  message: string;
}

export type Dns01Provider = ConfiguredProvider | UnsupportedProvider;

export interface SolverSelector {
  matchLabels?: Record<string, string>;
  dnsNames?: string[];
  dnsZones?: string[];
}

export interface AcmeSolver {
  /** Index in `spec.acme.solvers`; ties in selection go to the lower index. */
  index: number;
  selector?: SolverSelector;
  /** Exactly one of dns01 and http01 is set. */
  dns01?: { cnameStrategy: 'None' | 'Follow'; provider: Dns01Provider };
  /**
   * cert-manager's in-cluster HTTP-01 solver type; certctl answers the challenge itself, the way
   * the command line or the Issuer's `certctl.io/http01-*` annotation says ({@link Http01Method}).
   */
  http01?: { type: 'ingress' | 'gatewayHTTPRoute' };
  /** `waitInsteadOfSelfCheck` (v1.21+): skip the propagation self-check and wait this long instead. */
  waitInsteadOfSelfCheckMs?: number;
  /** Field path of this solver (`spec.acme.solvers[1]`) and its position. */
  path: string;
  pos: SourcePos;
}

export interface AcmeIssuerSpec {
  server: string;
  email?: string;
  privateKeySecretRef: SecretKeySelector;
  skipTLSVerify: boolean;
  /** PEM text decoded from the base64 `caBundle`. */
  caBundle?: string;
  externalAccountBinding?: { keyID: string; keySecretRef: SecretKeySelector; keyAlgorithm?: string };
  preferredChain?: string;
  disableAccountKeyGeneration: boolean;
  enableDurationFeature: boolean;
  profile?: string;
  solvers: AcmeSolver[];
}

/** cert-manager's ServiceAccountRef: a ServiceAccount in the issuer's Secret namespace, for bound tokens. */
export interface ServiceAccountRef {
  name: string;
  /** Extra audiences; cert-manager always adds its own defaults. */
  audiences: string[];
  pos: SourcePos;
  path: string;
}

/**
 * How certctl logs in to Vault: exactly one method (cert-manager's issuer setup refuses more).
 * Mount paths are defaulted as cert-manager does; `pos`/`path` locate the method's field.
 */
export type VaultAuth = (
  | { method: 'token'; tokenSecretRef: SecretKeySelector }
  | { method: 'appRole'; mountPath: string; roleId: string; secretRef: SecretKeySelector }
  | { method: 'clientCertificate'; mountPath: string; name: string; secretName?: string }
  | { method: 'kubernetes'; mountPath: string; role: string; secretRef?: SecretKeySelector; serviceAccountRef?: ServiceAccountRef }
  | { method: 'aws'; mountPath: string; role: string; region?: string; serviceAccountRef?: ServiceAccountRef; iamRoleArn?: string; vaultHeaderValue?: string }
) & { pos: SourcePos; path: string };

/** `spec.vault`: a Vault or OpenBao PKI mount's sign endpoint and how to reach it. */
export interface VaultIssuerSpec {
  /** `https://vault.example.com:8200` (a path prefix is kept, as Vault's client does). */
  server: string;
  /** `pki/sign/<role>`, `pki/sign-verbatim[/<role>]`, `pki/issuer/<ref>/sign/<role>`… */
  path: string;
  /** Vault Enterprise / OpenBao namespace (`X-Vault-Namespace`). */
  namespace?: string;
  /** TLS server name to verify instead of the host of `server`. */
  serverName?: string;
  /** PEM text decoded from the base64 `caBundle`. */
  caBundle?: string;
  /** Defaults its key to `ca.crt` when used. */
  caBundleSecretRef?: SecretKeySelector;
  /** mTLS to Vault: both or neither (keys default to `tls.crt` / `tls.key`). */
  clientCertSecretRef?: SecretKeySelector;
  clientKeySecretRef?: SecretKeySelector;
  auth: VaultAuth;
  /** Position and path of `spec.vault`. */
  pos: SourcePos;
}

export type IssuerConfig =
  | { type: 'selfSigned'; selfSigned: SelfSignedIssuerSpec }
  | { type: 'ca'; ca: CaIssuerSpec }
  | { type: 'acme'; acme: AcmeIssuerSpec }
  | { type: 'vault'; vault: VaultIssuerSpec }
  /** venafi: parsed so bundles load; using it is an error. */
  | { type: 'unsupported'; name: string };

/**
 * How certctl answers HTTP-01 challenges: by writing `<dir>/.well-known/acme-challenge/<token>`
 * for a web server to serve (certbot --webroot), or with its own HTTP server (certbot
 * --standalone, lego --http).
 */
export type Http01Method = { kind: 'webroot'; dir: string } | { kind: 'standalone'; listen: ListenAddress };

/** The `certctl.io/http01-webroot` or `certctl.io/http01-listen` annotation of an Issuer, and where it is. */
export interface Http01Annotation {
  method: Http01Method;
  pos: SourcePos;
  /** `metadata.annotations["certctl.io/http01-webroot"]`. */
  path: string;
}

export interface IssuerResource {
  kind: 'Issuer' | 'ClusterIssuer';
  metadata: ObjectMeta;
  spec: IssuerConfig;
  pos: SourcePos;
  /** From the Issuer's annotations; the command line's `--http01-*` flags take precedence. */
  http01?: Http01Annotation;
}

/** Where a field of a document is, for messages about it. */
export interface FieldRef {
  pos: SourcePos;
  path: string;
}

/** Positions of the Certificate fields that later checks (planning, solver selection) point at. */
export interface CertificateRefs {
  issuerRef: FieldRef;
  secretName: FieldRef;
  /** By normalised name. */
  dnsNames: Map<string, FieldRef>;
  /** By normalised address (ACME validates them with HTTP-01 only). */
  ipAddresses?: Map<string, FieldRef>;
}

export interface CertificateResource {
  kind: 'Certificate';
  metadata: ObjectMeta;
  spec: CertificateSpec;
  pos: SourcePos;
  refs: CertificateRefs;
  /** `certctl.io/http01-*` on the Certificate: overrides its Issuer's for this Certificate's names. */
  http01?: Http01Annotation;
}

export interface SecretResource {
  kind: 'Secret';
  metadata: ObjectMeta;
  type: string;
  /** Decoded `data` merged with `stringData` (stringData wins, as in Kubernetes). Never log. */
  data: Record<string, Buffer>;
  /** Where each data key is written in the document (under `data` or `stringData`). */
  keyPos: Record<string, SourcePos>;
  pos: SourcePos;
}

/** Everything loaded from the `-f` inputs. */
export interface Manifests {
  certificates: CertificateResource[];
  /** Keyed by `issuerKey()`. */
  issuers: Map<string, IssuerResource>;
  /** Keyed by `namespace/name`. */
  secrets: Map<string, SecretResource>;
  /**
   * One line per ignored document (other kinds), e.g. `deploy.yaml:12:1: ignoring apps/v1 Deployment web`.
   * Also one line per SAN dropped as a duplicate after normalisation (`…: spec.dnsNames[1]: duplicate "a.com" removed`).
   */
  notes: string[];
}

/** Map key for an Issuer (`Issuer/ns/name`) or ClusterIssuer (`ClusterIssuer//name`). */
export function issuerKey(kind: string, namespace: string, name: string): string {
  return kind === 'ClusterIssuer' ? `ClusterIssuer//${name}` : `Issuer/${namespace}/${name}`;
}
