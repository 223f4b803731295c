import * as fc from "fast-check";
import * as assert from "node:assert/strict";
import { parse } from "yaml";
import { toYaml } from "../gitops/render/yaml";

describe("gitops deterministic YAML", () => {
  it("writes maps with sorted keys, lists indented under their key, and empty collections inline", () => {
    const text = toYaml({
      spec: { replicas: 2, containers: [{ name: "web", args: ["a"], env: [] }], selector: {} },
      apiVersion: "apps/v1",
    });
    assert.equal(
      text,
      [
        "apiVersion: apps/v1",
        "spec:",
        "  containers:",
        "    - args:",
        "        - a",
        "      env: []",
        "      name: web",
        "  replicas: 2",
        "  selector: {}",
        "",
      ].join("\n"),
    );
  });

  const scalars: [string, unknown, string][] = [
    ["a plain word plain", "nginx", "nginx"],
    ["an image reference plain", "ghcr.io/org/app:1.2.3", "ghcr.io/org/app:1.2.3"],
    ["a quantity plain", "100m", "100m"],
    ["a version-like string quoted", "1.10", '"1.10"'],
    ["a YAML 1.1 boolean word quoted", "on", '"on"'],
    ["a date quoted", "2024-01-01", '"2024-01-01"'],
    ["a hex-looking string quoted", "0x1F", '"0x1F"'],
    ["a number-like string with a leading dot quoted", ".5", '".5"'],
    ["a leading dash quoted", "--port=80", '"--port=80"'],
    ["a comment marker quoted", "a #b", '"a #b"'],
    ["a colon-space quoted", "a: b", '"a: b"'],
    ["a trailing colon quoted", "key:", '"key:"'],
    ["a phrase of plain words plain", "run the job", "run the job"],
    ["a leading space quoted", " lead", '" lead"'],
    ["a trailing space quoted", "trail ", '"trail "'],
    ["DEL escaped", "\u007f", '"\\u007f"'],
    ["a C1 control (NEL) escaped", "\u0085x", '"\\u0085x"'],
    ["a byte order mark escaped", "\ufeffx", '"\\ufeffx"'],
    ["an empty string quoted", "", '""'],
    ["a Unicode line separator escaped", "a\u2028b", '"a\\u2028b"'],
    ["multi-line text as a literal block", "line 1\nline 2\n", "|\n  line 1\n  line 2"],
    ["multi-line text without a final newline as a stripped block", "a\nb", "|-\n  a\n  b"],
    ["an empty line of a block unindented", "a\n\nb", "|-\n  a\n\n  b"],
    ["multi-line text ending in an empty line quoted", "a\nb\n\n", '"a\\nb\\n\\n"'],
    ["multi-line text with a control character quoted", "a\u0007\nb", '"a\\u0007\\nb"'],
    ["multi-line text with a line of only spaces quoted", "a\n  \nb", '"a\\n  \\nb"'],
    ["multi-line text ending in a line of only spaces quoted", "a\n  ", '"a\\n  "'],
    ["numbers and booleans bare", 1.5, "1.5"],
    ["null bare", null, "null"],
  ];
  for (const [what, value, expected] of scalars) {
    it(`writes ${what}`, () => assert.equal(toYaml({ k: value }), `k: ${expected}\n`));
  }

  it("writes keys by the same rules as values", () => {
    assert.equal(toYaml({ on: 1, "a b": 2, "1.0": 3 }), '"1.0": 3\na b: 2\n"on": 1\n');
  });

  it("writes a multi-line top-level string as a block at column 0", () => {
    assert.equal(toYaml("a\nb"), "|-\na\nb\n");
  });

  it("writes lists of lists, blocks in lists, and an undefined list item as null", () => {
    assert.equal(toYaml({ k: [[1, 2]] }), "k:\n  -\n    - 1\n    - 2\n");
    assert.equal(toYaml({ k: ["a\nb"] }), "k:\n  - |-\n    a\n    b\n");
    assert.equal(toYaml({ k: [undefined] }), "k:\n  - null\n");
  });

  it("leaves out map keys whose value is undefined, as JSON does", () => {
    assert.equal(toYaml({ a: undefined, b: 1 }), "b: 1\n");
  });

  it("refuses what YAML cannot hold, naming it", () => {
    assert.throws(() => toYaml({ k: Infinity }), { message: "cannot write Infinity as YAML" });
    assert.throws(() => toYaml({ k: NaN }), { message: "cannot write NaN as YAML" });
    assert.throws(() => toYaml({ k: 1n }), { message: "cannot write a bigint as YAML" });
    assert.throws(() => toYaml({ k: () => 1 }), { message: "cannot write a function as YAML" });
  });

  it("gives the same bytes whatever the key order of the input", () => {
    assert.equal(toYaml({ b: 1, a: { d: 2, c: 3 } }), toYaml({ a: { c: 3, d: 2 }, b: 1 }));
  });

  it("round-trips any JSON value through YAML 1.2 and YAML 1.1 readers", () => {
    const text = fc.string({ unit: "binary", maxLength: 24 }).filter((s) => !/[\ud800-\udfff]/.test(s));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        text,
        fc.constantFrom("yes", "No", "~", "1_000", "12:30", ".5", "-", "? x", "*a", "&a", "!t", "|", "@x", "0o17"),
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("node"), { maxLength: 3 }),
        fc.dictionary(text, tie("node"), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, (raw) => {
        const expected: unknown = JSON.parse(JSON.stringify(raw) ?? "null");
        const yaml = toYaml(expected);
        assert.deepEqual(parse(yaml), expected, yaml);
        assert.deepEqual(parse(yaml, { version: "1.1" }), expected, yaml);
      }),
      { numRuns: 150 },
    );
  });
});
