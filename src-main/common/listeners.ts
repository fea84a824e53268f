// Listeners of one kind of event: each is told in turn, and one that throws neither stops
// the others nor the one telling them (its error goes to `onError`, to be logged).
export class Listeners<T = void> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Adds a listener; answers its removal. */
  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
