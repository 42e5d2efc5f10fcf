/** A tiny synchronous typed pub/sub: delivery order is publish order. */
export class Bus<T> {
  private listeners = new Set<(msg: T) => void>();

  subscribe(listener: (msg: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(msg: T): void {
    for (const l of [...this.listeners]) l(msg);
  }
}
