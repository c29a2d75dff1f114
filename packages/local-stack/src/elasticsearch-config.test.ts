import { describe, expect, it } from "vitest";
import { heapOptions, renderElasticsearchYml } from "./elasticsearch-config.ts";

describe("renderElasticsearchYml", () => {
  const yml = renderElasticsearchYml({ host: "127.0.0.1", port: 9200, dataDir: "/s/data", logsDir: "/s/my logs" });

  it("binds loopback as a single node with the given paths", () => {
    expect(yml).toContain('network.host: "127.0.0.1"\n');
    expect(yml).toContain('http.port: "9200"\n');
    expect(yml).toContain('discovery.type: "single-node"\n');
    expect(yml).toContain('path.data: "/s/data"\n');
    expect(yml).toContain('path.logs: "/s/my logs"\n');
  });

  it("never lets the disk watermark turn indices read-only", () => {
    expect(yml).toContain('cluster.routing.allocation.disk.threshold_enabled: "false"\n');
  });
});

describe("heapOptions", () => {
  it("defaults to 1g and pins min and max together", () => {
    expect(heapOptions(undefined)).toBe("-Xms1g -Xmx1g");
    expect(heapOptions("512m")).toBe("-Xms512m -Xmx512m");
  });

  it("rejects values the JVM would misread", () => {
    expect(() => heapOptions("1 GB")).toThrow(/ES_HEAP/);
    expect(() => heapOptions("1024")).toThrow(/ES_HEAP/);
  });
});
