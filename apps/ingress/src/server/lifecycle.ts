/**
 * Whether this instance is shutting down. Read by readiness (so load balancers stop routing here)
 * and by the routes (new requests on kept-alive connections get 503 + `Connection: close`).
 */
export class Lifecycle {
  #draining = false;

  get draining(): boolean {
    return this.#draining;
  }

  startDraining(): void {
    this.#draining = true;
  }
}
