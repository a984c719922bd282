/**
 * CRLReason codes (RFC 5280 §5.3.1) as a subscriber may give them when revoking: by name, as
 * certbot and lego accept them. Only the reasons the CA/Browser Forum Baseline Requirements
 * (§4.9.1.1) let a subscriber choose are accepted; Let's Encrypt and the other public ACME CAs
 * answer anything else with `badRevocationReason`, so certctl refuses those before asking.
 */

/** A reason a subscriber may give for revoking its certificate. */
export interface RevocationReason {
  /** RFC 5280 name (`keyCompromise`). */
  name: SubscriberReasonName;
  /** RFC 5280 CRLReason value, as sent in the ACME revokeCert payload. */
  code: 0 | 1 | 3 | 4 | 5;
}

export type SubscriberReasonName = 'unspecified' | 'keyCompromise' | 'affiliationChanged' | 'superseded' | 'cessationOfOperation';

const SUBSCRIBER_REASONS: readonly RevocationReason[] = [
  { name: 'unspecified', code: 0 },
  { name: 'keyCompromise', code: 1 },
  { name: 'affiliationChanged', code: 3 },
  { name: 'superseded', code: 4 },
  { name: 'cessationOfOperation', code: 5 },
];

/** RFC 5280 reasons a subscriber cannot choose, and why (for the message). */
const REFUSED: Readonly<Record<string, { code: number; why: string }>> = {
  cacompromise: { code: 2, why: 'it is about a CA certificate, not a leaf' },
  certificatehold: { code: 6, why: 'certificate holds are not allowed for publicly trusted certificates' },
  removefromcrl: { code: 8, why: 'it only appears in delta CRLs' },
  privilegewithdrawn: { code: 9, why: 'only the CA itself may revoke for it' },
  aacompromise: { code: 10, why: 'it is about an attribute authority' },
};

/** The result of {@link parseRevocationReason}: a reason, or a one-line message saying what to use. */
export type ParsedReason = { ok: true; reason: RevocationReason } | { ok: false; message: string };

/** Names accepted, for help texts and messages. */
export const REVOCATION_REASON_NAMES: readonly SubscriberReasonName[] = SUBSCRIBER_REASONS.map((r) => r.name);

/**
 * Reads `--reason`: an RFC 5280 name in any case (`keyCompromise`, `keycompromise`) or its number.
 * Reasons a subscriber may not give (cACompromise, certificateHold, removeFromCRL,
 * privilegeWithdrawn, aACompromise, 7) are refused with the reason why.
 */
export function parseRevocationReason(text: string): ParsedReason {
  const t = text.trim();
  const lower = t.toLowerCase().replace(/[-_ ]/g, '');
  const byName = SUBSCRIBER_REASONS.find((r) => r.name.toLowerCase() === lower || String(r.code) === t);
  if (byName) return { ok: true, reason: byName };
  const refused = Object.entries(REFUSED).find(([name, r]) => name === lower || String(r.code) === t);
  const allowed = `use one of ${REVOCATION_REASON_NAMES.join(', ')}`;
  if (refused) {
    const [, r] = refused;
    return { ok: false, message: `${JSON.stringify(t)} (RFC 5280 code ${r.code}) is not a reason a subscriber may give: ${r.why}; Let's Encrypt and other public CAs refuse it (${allowed})` };
  }
  if (t === '7') return { ok: false, message: `7 is not an RFC 5280 reason code (it is unused); ${allowed}` };
  return { ok: false, message: `${JSON.stringify(t)} is not an RFC 5280 revocation reason; ${allowed}` };
}
