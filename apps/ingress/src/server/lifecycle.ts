/**
 * Whether this instance is shutting down. Read by readiness (so load balancers stop routing here)
 * and by the routes (new requests on kept-alive connections get 503 + `Connection: close`; waits
 * for a command's run end through `signal`).
 */
export class Lifecycle {
  #draining = false;
  readonly #controller = new AbortController();

  /** A plain field: the webhook route reads it on every request. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Aborts when draining starts. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  startDraining(): void {
    this.#draining = true;
    this.#controller.abort();
  }
}
