/** TXT values in the forms the vendor APIs carry (src/providers/rest/txt.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { quoteTxt, splitTxt, unquoteTxt } from '../../src/providers/rest/txt.js';

describe('TXT character-strings and presentation format', () => {
  it('splits values over 255 bytes, counting UTF-8 bytes, never inside a character', () => {
    assert.deepEqual(splitTxt('abc'), ['abc']);
    assert.deepEqual(splitTxt(''), ['']);
    assert.deepEqual(splitTxt('x'.repeat(300)), ['x'.repeat(255), 'x'.repeat(45)]);
    // 'é' is two bytes: 127 of them fill 254 bytes, the 128th starts the next string.
    const parts = splitTxt('é'.repeat(200));
    assert.deepEqual(parts, ['é'.repeat(127), 'é'.repeat(73)]);
    assert.ok(parts.every((p) => Buffer.byteLength(p) <= 255));
  });

  it('quotes every string and escapes quotes and backslashes', () => {
    assert.equal(quoteTxt('abc'), '"abc"');
    assert.equal(quoteTxt('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(quoteTxt('x'.repeat(300)), `"${'x'.repeat(255)}" "${'x'.repeat(45)}"`);
  });

  it('reads presentation format back: strings joined, escapes resolved, unquoted text as is', () => {
    const long = 'x'.repeat(300);
    assert.equal(unquoteTxt(quoteTxt(long)), long);
    assert.equal(unquoteTxt(quoteTxt('a"b\\c')), 'a"b\\c');
    assert.equal(unquoteTxt('"abc"'), 'abc');
    assert.equal(unquoteTxt('"ab" "cd"'), 'abcd');
    assert.equal(unquoteTxt('  "ab"   "cd"  '), 'abcd');
    assert.equal(unquoteTxt('plain'), 'plain');
    assert.equal(unquoteTxt('"a\\"b"'), 'a"b');
  });

  it('reads \\DDD as decimal (RFC 1035), or as octal for Route 53', () => {
    assert.equal(unquoteTxt('"\\042c"'), '*c');
    assert.equal(unquoteTxt('"a\\"b" "\\052c"', 'octal'), 'a"b*c');
  });
});
