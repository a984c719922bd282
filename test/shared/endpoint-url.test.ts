import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiBaseProblem, endpointProblem, joinUrl } from '../../src/shared/endpoint-url.js';

test('credentials go to https endpoints, or to plain http on a loopback address only', () => {
  for (const ok of ['https://api.example.com/v4', 'https://login.example/tenant?x=1', 'http://127.0.0.1:8080/', 'http://127.9.9.9/', 'http://localhost:1/', 'http://[::1]:9/']) {
    assert.equal(endpointProblem(ok), undefined, ok);
  }
  const insecure = (v: string) => `${JSON.stringify(v)} must be an https:// URL (http:// only for a loopback address)`;
  for (const bad of ['http://api.example.com/', 'http://127.evil.example/', 'http://10.0.0.1/', 'ftp://127.0.0.1/']) assert.equal(endpointProblem(bad), insecure(bad), bad);
  assert.equal(endpointProblem('api.example.com'), '"api.example.com" is not a URL');
});

test('an API base also carries no credentials, query or fragment', () => {
  assert.equal(apiBaseProblem('https://api.cloudflare.com/client/v4'), undefined);
  assert.equal(apiBaseProblem('http://api.example.test/client/v4'), '"http://api.example.test/client/v4" must be an https:// URL (http:// only for a loopback address)');
  for (const bad of ['https://u:p@api.example.com/', 'https://api.example.com/?token=x', 'https://api.example.com/#f']) {
    assert.equal(apiBaseProblem(bad), `${JSON.stringify(bad)} must not carry credentials, a query or a fragment`);
  }
});

test('joinUrl keeps the base path and sets the query', () => {
  assert.equal(joinUrl(new URL('https://api.cloudflare.com/client/v4/'), '/zones', { name: 'a b', page: 2, skip: undefined }).href, 'https://api.cloudflare.com/client/v4/zones?name=a+b&page=2');
  assert.equal(joinUrl(new URL('https://api.digitalocean.com'), '/v2/domains/x').href, 'https://api.digitalocean.com/v2/domains/x');
});
