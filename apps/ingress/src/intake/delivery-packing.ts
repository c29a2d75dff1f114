/**
 * Packs deliveries into one `DeliveryBatch` for the publishing thread, and unpacks them there:
 * bodies, signature headers and request ids back to back in one transferable buffer.
 */
import type { Delivery } from "./webhook-intake.ts";
import { LAYOUT_STRIDE, type DeliveryBatch } from "./thread-protocol.ts";

export class DeliveryPacker {
  #tickets: number[] = [];
  #deliveries: Delivery[] = [];
  #bytes = 0;

  get count(): number {
    return this.#tickets.length;
  }

  add(ticket: number, delivery: Delivery): void {
    this.#tickets.push(ticket);
    this.#deliveries.push(delivery);
    // Header values are Latin-1 in Node: one byte per character.
    this.#bytes += delivery.body.byteLength + (delivery.signature?.length ?? 0) + delivery.requestId.length;
  }

  /** The batch so far, with the buffers to transfer; the packer starts over empty. */
  take(): { batch: DeliveryBatch; transfer: ArrayBuffer[] } {
    const count = this.#tickets.length;
    // Not from Buffer's shared pool: the whole ArrayBuffer moves to the other thread.
    const bytes = Buffer.allocUnsafeSlow(this.#bytes);
    const layout = new Int32Array(count * LAYOUT_STRIDE);
    const receivedAt = new Float64Array(count);
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const { body, signature, requestId } = this.#deliveries[i] as Delivery;
      bytes.set(body, offset);
      offset += body.byteLength;
      const signatureLength = signature === undefined ? -1 : bytes.write(signature, offset, "latin1");
      offset += Math.max(0, signatureLength);
      offset += bytes.write(requestId, offset, "latin1");
      layout[i * LAYOUT_STRIDE] = body.byteLength;
      layout[i * LAYOUT_STRIDE + 1] = signatureLength;
      layout[i * LAYOUT_STRIDE + 2] = requestId.length;
      receivedAt[i] = (this.#deliveries[i] as Delivery).receivedAt;
    }
    const slots = Int32Array.from(this.#tickets);
    this.clear();
    return { batch: { kind: "deliveries", slots, layout, receivedAt, bytes: bytes.buffer }, transfer: [bytes.buffer, slots.buffer, layout.buffer, receivedAt.buffer] };
  }

  clear(): void {
    this.#tickets = [];
    this.#deliveries = [];
    this.#bytes = 0;
  }
}

/** Visits each delivery of a batch; `body` is a view into the batch's buffer (no copy). */
export function forEachDelivery(batch: DeliveryBatch, visit: (ticket: number, delivery: Delivery) => void): void {
  const bytes = Buffer.from(batch.bytes);
  const { layout } = batch;
  let offset = 0;
  for (let i = 0; i < batch.slots.length; i++) {
    const bodyLength = layout[i * LAYOUT_STRIDE] as number;
    const signatureLength = layout[i * LAYOUT_STRIDE + 1] as number;
    const requestIdLength = layout[i * LAYOUT_STRIDE + 2] as number;
    const body = bytes.subarray(offset, (offset += bodyLength));
    const signature = signatureLength < 0 ? undefined : bytes.toString("latin1", offset, (offset += signatureLength));
    const requestId = bytes.toString("latin1", offset, (offset += requestIdLength));
    visit(batch.slots[i] as number, { body, signature, requestId, receivedAt: batch.receivedAt[i] as number });
  }
}
