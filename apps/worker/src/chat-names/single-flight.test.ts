import { describe, expect, it } from "vitest";
import { SingleFlight } from "./single-flight.ts";

describe("SingleFlight", () => {
  it("shares one call among concurrent callers for a key and counts the joins", async () => {
    let joins = 0;
    let calls = 0;
    const flights = new SingleFlight<string, number>(() => joins++);
    const slow = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 10));
      return 42;
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => flights.run("chat", slow)));
    expect(results.every((r) => r === 42)).toBe(true);
    expect(calls).toBe(1);
    expect(joins).toBe(49);
    expect(flights.size).toBe(0);
  });

  it("runs different keys separately and asks again after a call settled", async () => {
    const seen: string[] = [];
    const flights = new SingleFlight<string, string>();
    const call = async (key: string) => {
      seen.push(key);
      return key;
    };
    await Promise.all([flights.run("a", call), flights.run("b", call)]);
    await flights.run("a", call);
    expect(seen).toEqual(["a", "b", "a"]);
  });

  it("shares a failure with every joined caller, then forgets it", async () => {
    const flights = new SingleFlight<string, never>();
    let calls = 0;
    const failing = async (): Promise<never> => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      throw new Error("down");
    };
    const results = await Promise.allSettled([flights.run("x", failing), flights.run("x", failing)]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    await expect(flights.run("x", failing)).rejects.toThrow("down");
    expect(calls).toBe(2);
  });
});
