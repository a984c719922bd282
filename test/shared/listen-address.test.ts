import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatListenAddress, parseListenAddress } from '../../src/shared/listen-address.js';

test('reads [ip]:port as Go servers and certbot do, and formats it back', () => {
  const cases: [string, { host?: string; port: number }, string][] = [
    [':80', { port: 80 }, ':80'],
    ['80', { port: 80 }, ':80'],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }, '0.0.0.0:80'],
    ['127.0.0.1:5002', { host: '127.0.0.1', port: 5002 }, '127.0.0.1:5002'],
    ['[::]:80', { host: '::', port: 80 }, '[::]:80'],
    ['[::1]:8080', { host: '::1', port: 8080 }, '[::1]:8080'],
    [' :443 ', { port: 443 }, ':443'],
  ];
  for (const [text, address, formatted] of cases) {
    const r = parseListenAddress(text);
    assert.deepEqual(r, { ok: true, address }, text);
    assert.equal(formatListenAddress(address), formatted);
  }
});

test('refuses host names, missing or out-of-range ports and unbracketed IPv6', () => {
  const cases: [string, RegExp][] = [
    ['localhost:80', /"localhost" is not an IP address \(leave it out to listen on every interface: :80\)/],
    [':', /the port must be 1 to 65535, got ""/],
    [':0', /got "0"/],
    [':65536', /got "65536"/],
    ['::1:80', /expected \[ip\]:port/],
    ['[::1]', /expected \[ip\]:port/],
    ['', /expected \[ip\]:port/],
    ['[example]:80', /"example" is not an IP address/],
  ];
  for (const [text, message] of cases) {
    const r = parseListenAddress(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.message, message, text);
  }
});
