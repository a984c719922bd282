/**
 * Validation of `spec.renewal` and its windows: every rejection with its message, and which part
 * of cert-manager (CRD schema, webhook, controller) would reject the same manifest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateRenewal, validateRenewalWindow, type RenewalProblem } from '../../src/renewal/window-validation.js';

const ok = { cron: '0 2 * * 6', windowDuration: '4h', timezone: 'Europe/Berlin' };

test('valid windows have no problems', () => {
  for (const w of [
    ok,
    { cron: '0 2 * * 6', windowDuration: '4h' },
    { cron: '@weekly', windowDuration: '1h30m', timezone: 'America/New_York' },
    { cron: '*/15 9-17 * * MON-FRI', windowDuration: '0.5h', timezone: 'UTC' },
    { cron: '0 22 * * 1-5', windowDuration: '90m', timezone: 'Asia/Kolkata' },
  ]) {
    assert.deepEqual(validateRenewalWindow(w), [], JSON.stringify(w));
  }
  assert.deepEqual(validateRenewal({ policy: 'RenewBefore', windows: [ok] }), []);
  assert.deepEqual(validateRenewal({ policy: 'RenewBefore' }), []);
  assert.deepEqual(validateRenewal({ policy: 'Disabled' }), []);
  assert.deepEqual(validateRenewal({ policy: 'Disabled', windows: [] }), []);
  // Kubernetes drops nulls: timezone: null is no timezone.
  assert.deepEqual(validateRenewalWindow({ cron: '0 2 * * 6', windowDuration: '4h', timezone: null }), []);
});

const windowRejections: [string, unknown, RenewalProblem[]][] = [
  ['not a mapping', '0 2 * * 6', [{ field: '', message: 'a renewal window must be a mapping with cron and windowDuration', by: 'schema' }]],
  [
    'unknown field',
    { ...ok, duration: '2h' },
    [{ field: 'duration', message: 'unknown field "duration"', hint: 'a renewal window has cron, windowDuration and timezone', by: 'schema' }],
  ],
  [
    'cron missing',
    { windowDuration: '4h' },
    [{ field: 'cron', message: 'required', hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * 6" for Saturdays at 02:00; or @daily, @weekly', by: 'schema' }],
  ],
  ['cron not a string', { cron: 5, windowDuration: '4h' }, [{ field: 'cron', message: 'must be a string, got number 5', hint: 'quote it: "5"', by: 'schema' }]],
  [
    'cron empty',
    { cron: '', windowDuration: '4h' },
    [{ field: 'cron', message: 'must not be empty', hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * 6" for Saturdays at 02:00; or @daily, @weekly', by: 'schema' }],
  ],
  [
    'cron with six fields',
    { cron: '0 0 2 * * 6', windowDuration: '4h' },
    [
      {
        field: 'cron',
        message: "invalid cron syntax: failed to parse cron spec '0 0 2 * * 6': expected exactly 5 fields, found 6: [0 0 2 * * 6]",
        hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * 6" for Saturdays at 02:00; or @daily, @weekly',
        by: 'webhook',
      },
    ],
  ],
  [
    'Sunday as 7',
    { cron: '0 2 * * 7', windowDuration: '4h', timezone: 'UTC' },
    [
      {
        field: 'cron',
        message: "invalid cron syntax: failed to parse cron spec '0 2 * * 7': end of range (7) above maximum (6): 7",
        hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * 6" for Saturdays at 02:00; or @daily, @weekly',
        by: 'webhook',
      },
    ],
  ],
  [
    'Quartz L',
    { cron: '0 2 L * *', windowDuration: '4h' },
    [
      {
        field: 'cron',
        message: `invalid cron syntax: failed to parse cron spec '0 2 L * *': failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax`,
        hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * 6" for Saturdays at 02:00; or @daily, @weekly',
        by: 'webhook',
      },
    ],
  ],
  [
    'descriptor with a trailing space and no timezone (the webhook does not trim it)',
    { cron: '@daily ', windowDuration: '4h' },
    [
      {
        field: 'cron',
        message: "invalid cron syntax: failed to parse cron spec '@daily ': unrecognized descriptor: @daily ",
        hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * 6" for Saturdays at 02:00; or @daily, @weekly',
        by: 'webhook',
      },
    ],
  ],
  [
    'CRON_TZ in the cron of a window with a timezone',
    { cron: 'CRON_TZ=Asia/Tokyo 0 10 * * *', windowDuration: '1h', timezone: 'UTC' },
    [
      {
        field: 'cron',
        message: "invalid cron syntax: failed to parse cron spec 'CRON_TZ=Asia/Tokyo 0 10 * * *': expected exactly 5 fields, found 6: [CRON_TZ=Asia/Tokyo 0 10 * * *]",
        hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * 6" for Saturdays at 02:00; or @daily, @weekly',
        by: 'webhook',
      },
    ],
  ],
  [
    'CRON_TZ in the cron of a window without timezone: the webhook accepts it, the controller cannot use it',
    { cron: 'CRON_TZ=Asia/Tokyo 0 10 * * *', windowDuration: '1h' },
    [
      {
        field: 'cron',
        message: "cert-manager's controller cannot use this cron expression: failed to parse cron spec 'CRON_TZ=Asia/Tokyo 0 10 * * *': expected exactly 5 fields, found 6: [CRON_TZ=Asia/Tokyo 0 10 * * *]",
        hint: "put the zone in the window's timezone field, not in the cron expression",
        by: 'controller',
      },
    ],
  ],
  [
    'windowDuration missing',
    { cron: '0 2 * * 6' },
    [{ field: 'windowDuration', message: 'required: how long each window stays open', hint: 'hours, minutes or seconds, e.g. 2h, 90m or 1h30m', by: 'webhook' }],
  ],
  [
    'windowDuration a number',
    { cron: '0 2 * * 6', windowDuration: 2 },
    [{ field: 'windowDuration', message: 'must be a duration string, got number 2', hint: 'hours, minutes or seconds, e.g. 2h, 90m or 1h30m', by: 'schema' }],
  ],
  ...['1d', '2', '-1h', '500ms', '2 h', ''].map(
    (d): [string, unknown, RenewalProblem[]] => [
      `windowDuration ${JSON.stringify(d)} does not match the CRD pattern`,
      { cron: '0 2 * * 6', windowDuration: d },
      [{ field: 'windowDuration', message: `invalid duration ${JSON.stringify(d)}: only h, m and s units, no sign`, hint: 'hours, minutes or seconds, e.g. 2h, 90m or 1h30m', by: 'schema' }],
    ],
  ),
  [
    'windowDuration too large for Go',
    { cron: '0 2 * * 6', windowDuration: '9999999999h' },
    [{ field: 'windowDuration', message: 'invalid duration "9999999999h": too large', hint: 'hours, minutes or seconds, e.g. 2h, 90m or 1h30m', by: 'webhook' }],
  ],
  [
    'windowDuration 0s: the webhook accepts it, the controller cannot compute a time',
    { cron: '0 2 * * 6', windowDuration: '0s' },
    [{ field: 'windowDuration', message: 'must be longer than 0s, got "0s"', hint: 'cert-manager accepts 0s but then cannot compute a renewal time', by: 'controller' }],
  ],
  [
    'unknown time zone (and no second message about the cron, which fails only for the zone)',
    { cron: '0 2 * * 6', windowDuration: '4h', timezone: 'Europe/Berlln' },
    [{ field: 'timezone', message: 'invalid time zone "Europe/Berlln": unknown time zone Europe/Berlln', hint: 'use an IANA name such as Europe/Berlin, America/New_York or UTC', by: 'webhook' }],
  ],
  [
    'time zone in the wrong case (Go reads zone files by exact name)',
    { cron: '0 2 * * 6', windowDuration: '4h', timezone: 'europe/berlin' },
    [{ field: 'timezone', message: 'invalid time zone "europe/berlin": unknown time zone europe/berlin', hint: 'use an IANA name such as Europe/Berlin, America/New_York or UTC', by: 'webhook' }],
  ],
  [
    'a UTC offset is not a zone',
    { cron: '0 2 * * 6', windowDuration: '4h', timezone: '+01:00' },
    [{ field: 'timezone', message: 'invalid time zone "+01:00": unknown time zone +01:00', hint: 'use an IANA name such as Europe/Berlin, America/New_York or UTC', by: 'webhook' }],
  ],
  ['empty time zone', { cron: '0 2 * * 6', windowDuration: '4h', timezone: '' }, [{ field: 'timezone', message: 'must not be empty (leave it out for UTC)', by: 'schema' }]],
  [
    'time zone not a string',
    { cron: '0 2 * * 6', windowDuration: '4h', timezone: 1 },
    [{ field: 'timezone', message: 'must be a string, got number 1', hint: 'use an IANA name such as Europe/Berlin, America/New_York or UTC', by: 'schema' }],
  ],
];

for (const [name, raw, want] of windowRejections) {
  test(`window rejected: ${name}`, () => {
    assert.deepEqual(validateRenewalWindow(raw), want);
  });
}

test('several problems in one window are all reported, field by field', () => {
  assert.deepEqual(
    validateRenewalWindow({ cron: '61 * * * *', windowDuration: '1d', timezone: 'Mars/Olympus' }).map((p) => p.field),
    ['timezone', 'windowDuration'],
  );
  assert.deepEqual(
    validateRenewalWindow({ cron: '61 * * * *', windowDuration: '1d' }).map((p) => [p.field, p.by]),
    [
      ['windowDuration', 'schema'],
      ['cron', 'webhook'],
    ],
  );
});

const renewalRejections: [string, unknown, Pick<RenewalProblem, 'field' | 'message' | 'by'>[]][] = [
  ['not a mapping', 'Disabled', [{ field: '', message: 'renewal must be a mapping with policy and windows', by: 'schema' }]],
  ['renewal: {} (policy is required by the webhook)', {}, [{ field: 'policy', message: 'required: RenewBefore or Disabled', by: 'webhook' }]],
  ['unknown policy', { policy: 'Never' }, [{ field: 'policy', message: 'unsupported value "Never": RenewBefore or Disabled', by: 'schema' }]],
  ['empty policy', { policy: '' }, [{ field: 'policy', message: 'unsupported value "": RenewBefore or Disabled', by: 'schema' }]],
  ['policy not a string', { policy: true }, [{ field: 'policy', message: 'must be a string, got boolean true', by: 'schema' }]],
  ['unknown field', { policy: 'RenewBefore', window: [] }, [{ field: 'window', message: 'unknown field "window"', by: 'schema' }]],
  ['windows not a list', { policy: 'RenewBefore', windows: ok }, [{ field: 'windows', message: 'must be a list of windows, got a mapping', by: 'schema' }]],
  ['Disabled forbids windows', { policy: 'Disabled', windows: [ok] }, [{ field: 'windows', message: 'windows cannot be set when renewal.policy is Disabled', by: 'webhook' }]],
  [
    'problems inside windows carry their index',
    { policy: 'RenewBefore', windows: [ok, { cron: '0 2 * * 6' }, 'x'] },
    [
      { field: 'windows[1].windowDuration', message: 'required: how long each window stays open', by: 'webhook' },
      { field: 'windows[2]', message: 'a renewal window must be a mapping with cron and windowDuration', by: 'schema' },
    ],
  ],
  [
    'a bad policy does not stop the windows being checked (as in the webhook)',
    { policy: 'Sometimes', windows: [{ cron: '0 2 * * 6', windowDuration: '0s' }] },
    [
      { field: 'policy', message: 'unsupported value "Sometimes": RenewBefore or Disabled', by: 'schema' },
      { field: 'windows[0].windowDuration', message: 'must be longer than 0s, got "0s"', by: 'controller' },
    ],
  ],
];

for (const [name, raw, want] of renewalRejections) {
  test(`renewal rejected: ${name}`, () => {
    assert.deepEqual(
      validateRenewal(raw).map(({ field, message, by }) => ({ field, message, by })),
      want,
    );
  });
}
