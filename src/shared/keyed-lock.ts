/**
 * Runs tasks one at a time per key. DNS providers change a TXT name by read-modify-write (Route 53,
 * Azure DNS, Cloud DNS, Edge DNS), so the apex and wildcard values of one name, or two solvers
 * sharing a zone, must not interleave inside this process; the vendors' conditional writes (or
 * nothing, for Edge DNS) cover other processes.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task with the same key has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    // Forget the key once the queue drains, so the map does not grow with every name ever seen.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
