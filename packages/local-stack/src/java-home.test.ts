import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JavaNotFoundError, findJavaHome, parseJavaMajor } from "./java-home.ts";

describe("parseJavaMajor", () => {
  it("reads modern and legacy version strings", () => {
    expect(parseJavaMajor('IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="25.0.3"\n')).toBe(25);
    expect(parseJavaMajor('JAVA_VERSION="17.0.15"')).toBe(17);
    expect(parseJavaMajor('JAVA_VERSION="1.8.0_392"')).toBe(8);
    expect(parseJavaMajor('JAVA_VERSION="21"')).toBe(21);
  });

  it("returns undefined when the file has no version", () => {
    expect(parseJavaMajor("IMPLEMENTOR=x\n")).toBeUndefined();
  });
});

describe("findJavaHome", () => {
  let jvmDir: string;
  afterEach(() => rmSync(jvmDir, { recursive: true, force: true }));

  function fakeJdk(name: string, version: string): string {
    const home = path.join(jvmDir, name);
    mkdirSync(path.join(home, "bin"), { recursive: true });
    writeFileSync(path.join(home, "bin", "java"), "");
    writeFileSync(path.join(home, "release"), `JAVA_VERSION="${version}"\n`);
    return home;
  }

  it("prefers the newest installed JDK when the environment names an old one", () => {
    jvmDir = mkdtempSync(path.join(tmpdir(), "jvm-"));
    const old = fakeJdk("java-17", "17.0.15");
    fakeJdk("jdk-21", "21.0.2");
    const newest = fakeJdk("temurin-25", "25.0.3");
    expect(findJavaHome({ env: { JAVA_HOME: old }, jvmDir })).toBe(newest);
  });

  it("honours ES_JAVA_HOME when it is new enough", () => {
    jvmDir = mkdtempSync(path.join(tmpdir(), "jvm-"));
    const chosen = fakeJdk("jdk-21", "21.0.2");
    fakeJdk("temurin-25", "25.0.3");
    expect(findJavaHome({ env: { ES_JAVA_HOME: chosen }, jvmDir })).toBe(chosen);
  });

  it("fails with the candidates it tried when every JDK is too old", () => {
    jvmDir = mkdtempSync(path.join(tmpdir(), "jvm-"));
    fakeJdk("java-17", "17.0.15");
    expect(() => findJavaHome({ env: {}, jvmDir })).toThrow(JavaNotFoundError);
    expect(() => findJavaHome({ env: {}, jvmDir })).toThrow(/java-17 \(Java 17\)/);
  });
});
