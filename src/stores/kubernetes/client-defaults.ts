/** Defaults of the Kubernetes API client, in a module of their own so the CLI can show them without loading the client. */

/**
 * 50 requests per second with bursts of 100: kube-scheduler's defaults, not client-go's 5/10. A
 * run is a short batch whose cost is a few LISTs plus one write per renewed certificate; at 5/s a
 * thousand renewals would spend over three minutes waiting on the client alone. The API server
 * protects itself (API Priority and Fairness) and certctl backs off when it says so (429).
 */
export const DEFAULT_QPS = 50;
export const DEFAULT_BURST = 100;
