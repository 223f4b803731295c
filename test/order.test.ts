import * as assert from "node:assert/strict";
import { compareCodeUnits } from "../order";

describe("text order", () => {
  it("orders by code units: upper case before lower case, a prefix before what extends it", () => {
    assert.deepEqual(
      [
        ["a", "b"],
        ["b", "a"],
        ["a", "a"],
        ["Z", "a"],
        ["a", "Z"],
        ["app", "apps"],
        ["apps", "app"],
        ["", "a"],
      ].map(([a, b]) => compareCodeUnits(a, b)),
      [-1, 1, 0, -1, 1, -1, 1, -1],
    );
  });

  it("sorts as Array.prototype.sort does without a comparator, whatever the input order", () => {
    const words = ["b-2", "B", "a", "a-10", "a-9", "é", "z", "apps/web/x.yaml", "apps/api/y.yaml", "10", "9"];
    const expected = [...words].sort();
    for (const input of [words, [...words].reverse(), [...words.slice(5), ...words.slice(0, 5)]]) {
      assert.deepEqual([...input].sort(compareCodeUnits), expected);
    }
  });
});
