import * as fs from "node:fs";
import * as path from "node:path";
import { BIN_DIR } from "./tools";

/** What e2e:tools records of each binary it built: how it was built, and how long that took. */
export interface BuildStamp {
  /** Hash of the tools module's go.mod and go.sum, the package, the flags and the Go version. */
  readonly key: string;
  readonly version: string;
  readonly seconds: number;
  readonly builtAt: string;
}

export const STAMP_DIR = path.join(BIN_DIR, ".stamps");

export function stampFileOf(binary: string): string {
  return path.join(STAMP_DIR, `${binary}.json`);
}

export function readStamp(binary: string): BuildStamp | undefined {
  const file = stampFileOf(binary);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as BuildStamp;
  } catch {
    return undefined; // an older plain-text stamp: the binary is rebuilt once
  }
}
