import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRevocationReason, REVOCATION_REASON_NAMES } from '../../src/pki/revocation-reasons.js';

test('the five reasons a subscriber may give, by RFC 5280 name in any case or by number', () => {
  const expected: [string, string, number][] = [
    ['unspecified', 'unspecified', 0],
    ['keyCompromise', 'keyCompromise', 1],
    ['keycompromise', 'keyCompromise', 1],
    ['KEY-COMPROMISE', 'keyCompromise', 1],
    ['1', 'keyCompromise', 1],
    ['affiliationChanged', 'affiliationChanged', 3],
    ['superseded', 'superseded', 4],
    ['4', 'superseded', 4],
    ['cessationOfOperation', 'cessationOfOperation', 5],
  ];
  for (const [text, name, code] of expected) {
    const r = parseRevocationReason(text);
    assert.ok(r.ok, text);
    assert.deepEqual(r.reason, { name, code }, text);
  }
  assert.deepEqual(REVOCATION_REASON_NAMES, ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation']);
});

test('RFC 5280 reasons a subscriber may not give are refused with why, and what to use', () => {
  for (const [text, code] of [['cACompromise', 2], ['certificateHold', 6], ['removeFromCRL', 8], ['privilegeWithdrawn', 9], ['aACompromise', 10], ['6', 6], ['9', 9]] as const) {
    const r = parseRevocationReason(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) {
      assert.match(r.message, new RegExp(`RFC 5280 code ${code}\\) is not a reason a subscriber may give`), text);
      assert.match(r.message, /use one of unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation/);
    }
  }
});

test('unknown names and 7 are not RFC 5280 reasons', () => {
  const seven = parseRevocationReason('7');
  assert.ok(!seven.ok && /7 is not an RFC 5280 reason code \(it is unused\)/.test(seven.message));
  const typo = parseRevocationReason('keyCompromised');
  assert.ok(!typo.ok && /"keyCompromised" is not an RFC 5280 revocation reason; use one of/.test(typo.message));
  assert.equal(parseRevocationReason('').ok, false);
  assert.equal(parseRevocationReason('11').ok, false);
});
