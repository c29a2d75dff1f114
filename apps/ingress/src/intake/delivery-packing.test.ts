import { describe, expect, it } from "vitest";
import { DeliveryPacker, forEachDelivery } from "./delivery-packing.ts";
import type { Delivery } from "./webhook-intake.ts";

describe("delivery packing", () => {
  it("round-trips bodies, signatures (or their absence), request ids and receipt times", () => {
    const deliveries: Delivery[] = [
      { body: Buffer.from('{"event_type":"a","data":{}}'), signature: "ab".repeat(32), requestId: "req-1", receivedAt: 1_750_000_000_001 },
      { body: Buffer.alloc(0), signature: undefined, requestId: "0b0f8f6e-6a55-4b1d-9a43-4b7f1f0e8f1a", receivedAt: 1_750_000_000_002 },
      { body: Buffer.from([0x00, 0xff, 0xc3, 0x28]), signature: "sha256=\u00e9\u00ff latin-1", requestId: "x", receivedAt: 3 },
    ];
    const packer = new DeliveryPacker();
    deliveries.forEach((delivery, i) => packer.add(100 + i, delivery));
    expect(packer.count).toBe(3);
    const { batch, transfer } = packer.take();
    expect(packer.count).toBe(0);
    expect(transfer).toContain(batch.bytes);

    const seen: [number, Delivery][] = [];
    forEachDelivery(batch, (ticket, delivery) => seen.push([ticket, { ...delivery, body: Buffer.from(delivery.body) }]));
    expect(seen.map(([ticket]) => ticket)).toEqual([100, 101, 102]);
    seen.forEach(([, delivery], i) => {
      const original = deliveries[i] as Delivery;
      expect(Buffer.compare(Buffer.from(delivery.body), Buffer.from(original.body))).toBe(0);
      expect(delivery.signature).toBe(original.signature);
      expect(delivery.requestId).toBe(original.requestId);
      expect(delivery.receivedAt).toBe(original.receivedAt);
    });
  });

  it("packs into a buffer of its own, so transferring it detaches nothing else", () => {
    const packer = new DeliveryPacker();
    packer.add(1, { body: Buffer.from("{}"), signature: "s", requestId: "r", receivedAt: 0 });
    const { batch } = packer.take();
    expect(batch.bytes.byteLength).toBe(4);
  });
});
