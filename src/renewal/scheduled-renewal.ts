/**
 * When a certificate is to be renewed, all rules together: the desired time (renewBefore,
 * renewBeforePercentage, one third of the lifetime, or the moment picked in the CA's ARI window),
 * then `spec.renewal.windows` on top, as cert-manager v1.21 computes it. Pure.
 */
import { renewalTime } from './renewal-time.js';
import { explainWindowedRenewal, renewalTimeWithWindows, type ChosenWindow, type RenewalWindow } from './windows.js';

/** The renewal settings of a Certificate spec. */
export interface RenewalSchedule {
  renewBeforeMs?: number;
  renewBeforePercentage?: number;
  renewalDisabled: boolean;
  renewalWindows: readonly RenewalWindow[];
}

export interface ScheduledRenewal {
  /** When to renew; absent when automatic renewal is disabled or no time can be computed. */
  at?: Date;
  /** The time before the windows were applied. */
  desired?: Date;
  /** The window `at` lies in (inside it, or at its opening when the renewal was moved). */
  window?: ChosenWindow;
  /** True when the windows moved the renewal later than desired. */
  moved?: boolean;
  /** cert-manager's WindowError: no window fits, so the desired time applies anyway. */
  windowError?: string;
  /** One line for plan, status and events. */
  explanation: string;
}

export function scheduledRenewal(notBefore: Date, notAfter: Date, schedule: RenewalSchedule, ariAt?: Date): ScheduledRenewal {
  if (schedule.renewalDisabled) return { explanation: 'automatic renewal disabled (renewal.policy: Disabled)' };
  const desired = ariAt ?? renewalTime(notBefore, notAfter, schedule);
  if (schedule.renewalWindows.length === 0) return { at: desired, desired, explanation: `renewal at ${desired.toISOString()}` };
  const r = renewalTimeWithWindows({ desired, notBefore, notAfter, policy: 'RenewBefore', windows: schedule.renewalWindows });
  const explanation = explainWindowedRenewal(r);
  switch (r.kind) {
    case 'inWindow':
      return { at: r.at, desired, window: r.window, explanation };
    case 'moved':
      return { at: r.at, desired, window: r.window, moved: true, explanation };
    case 'noWindow':
      return { at: r.at, desired, windowError: r.message, explanation };
    case 'unrestricted':
      return { at: r.at, desired, explanation };
    default:
      return { explanation };
  }
}
