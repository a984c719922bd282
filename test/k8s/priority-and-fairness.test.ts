/**
 * API Priority and Fairness on a real kube-apiserver: certctl's ServiceAccount is put in a priority
 * level of one seat that rejects (429, Retry-After) rather than queues. Many concurrent reads are
 * then turned away for real, waited out and sent again until every one succeeds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { staticAuth } from '../../src/stores/kubernetes/auth.js';
import { KubeClient } from '../../src/stores/kubernetes/client.js';
import { KubernetesStore } from '../../src/stores/kubernetes/store.js';
import { skipUnlessApiServer, startApiServer, type ApiServer } from '../helpers/kube-apiserver.js';
import { record, tls } from './records.js';

const NS = 'apf';
const FLOW = '/apis/flowcontrol.apiserver.k8s.io/v1beta1';

describe('API Priority and Fairness rejections (real API server)', { skip: skipUnlessApiServer() }, () => {
  let k8s: ApiServer;
  let token: string;
  before(async () => {
    k8s = await startApiServer({ priorityAndFairness: { maxRequestsInflight: 10 } });
    token = await k8s.createServiceAccountToken(NS, 'certctl', [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'create', 'update'] }]);
    const level = await k8s.admin('POST', `${FLOW}/prioritylevelconfigurations`, {
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', kind: 'PriorityLevelConfiguration', metadata: { name: 'certctl-one-seat' },
      spec: { type: 'Limited', limited: { assuredConcurrencyShares: 1, limitResponse: { type: 'Reject' } } },
    });
    assert.equal(level.status, 201, JSON.stringify(level.body));
    const flow = await k8s.admin('POST', `${FLOW}/flowschemas`, {
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', kind: 'FlowSchema', metadata: { name: 'certctl' },
      spec: {
        priorityLevelConfiguration: { name: 'certctl-one-seat' }, matchingPrecedence: 100, distinguisherMethod: { type: 'ByUser' },
        rules: [{ subjects: [{ kind: 'ServiceAccount', serviceAccount: { name: 'certctl', namespace: NS } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'], clusterScope: true }] }],
      },
    });
    assert.equal(flow.status, 201, JSON.stringify(flow.body));
  });
  after(async () => {
    await k8s?.stop();
  });

  test('20 reads at once on one seat: turned away with 429, waited out (Retry-After), all answered', async (t) => {
    const seed = new KubeClient({ server: k8s.url, ca: k8s.caPem, auth: staticAuth({ token: k8s.adminToken }, 'admin'), source: 'test' });
    const store = new KubernetesStore({ client: seed, adopt: false });
    const ts = Array.from({ length: 20 }, (_, i) => ({ namespace: NS, secretName: `apf-${i}` }));
    for (const target of ts) await store.write(target, tls(target.secretName), record());
    seed.close();

    const waits: string[] = [];
    const client = new KubeClient({ server: k8s.url, ca: k8s.caPem, auth: staticAuth({ token }, 'test token'), source: 'test' }, { qps: 0, onThrottle: (m) => waits.push(m) });
    // Twenty stores' reads at once (no read-ahead): twenty GETs.
    const results = await Promise.all(ts.map((target) => new KubernetesStore({ client, adopt: false }).read(target)));
    for (const [i, r] of results.entries()) assert.deepEqual(r?.data, tls(`apf-${i}`));
    assert.ok(client.throttled > 0, 'the API server rejected some of them (429)');
    assert.ok(waits.every((w) => /throttling \(429 to GET .*\); waiting 1\.0 s as it asked/.test(w)), waits[0]);
    assert.equal(client.requests, 20 + client.throttled, 'each rejection was sent again, nothing else');
    t.diagnostic(`${client.throttled} of ${client.requests} requests were rejected with 429 and sent again`);
    client.close();
  });
});
