type Handler = (...args: never[]) => void;

/** A small typed event emitter that works the same in browsers and Node. */
export class Emitter<Events extends Record<string, unknown[]>> {
  private readonly handlers = new Map<keyof Events, Set<Handler>>();

  /** Adds a handler; returns a function that removes it. */
  on<K extends keyof Events>(event: K, handler: (...args: Events[K]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as unknown as Handler);
    return () => this.off(event, handler);
  }

  off<K extends keyof Events>(event: K, handler: (...args: Events[K]) => void): void {
    this.handlers.get(event)?.delete(handler as unknown as Handler);
  }

  /** A handler that throws never stops the others (or the caller): its error is rethrown on its own. */
  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const h of [...(this.handlers.get(event) ?? [])]) {
      try {
        (h as unknown as (...a: Events[K]) => void)(...args);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
