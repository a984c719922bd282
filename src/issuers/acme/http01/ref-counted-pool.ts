/**
 * One resource per key for as long as someone holds it: the run's HTTP-01 servers (one per listen
 * address) and webroot challenge directories (one per webroot), shared by the certificates issued
 * at the same time and closed when the last of them is done, so a port is bound only while
 * challenges are pending.
 */
/** Keyed resources opened by their first holder and closed by their last. */
export class RefCountedPool<T> {
  private readonly entries = new Map<string, { refs: number; value: Promise<T> }>();
  /** Closes still running, by key: a new holder waits for them (a port must be free to bind again). */
  private readonly closing = new Map<string, Promise<void>>();

  constructor(private readonly close: (value: T) => Promise<void>) {}

  /** The resource of `key`, opened by `open` if nobody holds it; a failed open is not kept. */
  async acquire(key: string, open: () => Promise<T>): Promise<T> {
    await this.closing.get(key)?.catch(() => undefined);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { refs: 0, value: open() };
      this.entries.set(key, entry);
      const opened = entry;
      opened.value.catch(() => {
        if (this.entries.get(key) === opened) this.entries.delete(key);
      });
    }
    entry.refs++;
    return entry.value;
  }

  /** Gives up one hold of `key`; the last one closes the resource (errors go to the caller). */
  async release(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.refs--;
    if (entry.refs > 0) return;
    this.entries.delete(key);
    const value = await entry.value.catch(() => undefined);
    if (value === undefined) return;
    const done = this.close(value).finally(() => {
      if (this.closing.get(key) === done) this.closing.delete(key);
    });
    this.closing.set(key, done);
    await done;
  }

  /** Keys held now (for tests and diagnostics). */
  keys(): string[] {
    return [...this.entries.keys()];
  }
}
