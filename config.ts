import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

/**
 * The config edge shared by every layer. Each layer owns one key of the environment's config file
 * (`gitops-platform:infra`, `gitops-platform:platform`, `gitops-platform:gitops`) and one strict zod
 * schema for it; this module turns raw values into typed ones, or into one error that names the
 * file, the key path, what was received and what was expected.
 */

/**
 * The Pulumi SDK, loaded where a program first needs it rather than imported: the CLI's light paths
 * (`--help`, `bump-image`) import InputError and the stack scheme from here and from stack.ts, and
 * loading the SDK (with its gRPC runtime) costs about a second.
 */
export function pulumiSdk(): typeof pulumi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("@pulumi/pulumi") as typeof pulumi;
}

/** Bad input: the CLI exits 2, and the Pulumi entry point reports it without a stack trace. */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** Where a raw value came from, so errors can point at it. */
export interface ConfigSource {
  /** The config file, e.g. `Pulumi.staging.yaml`. */
  readonly file: string;
  /** The config key, e.g. `gitops-platform:infra`. */
  readonly key: string;
  /** The value is (or contains) a secret: never echo it back in an error. */
  readonly secret?: boolean;
}

// How a value that cannot be shown is shown, the same everywhere: synth, the PR comment, drift
// reports and the guardrails all print and recognise these.

/** A secret value, never echoed (and which only the Pulumi CLI can decrypt). */
export const SECRET_MARKER = "[secret]";
/** A value only the cloud knows (an id, an ARN, an endpoint): never invented offline. */
export const UNKNOWN_MARKER = "[unknown]";
/** Start of a placeholder for another stack's output, e.g. `[stack-ref infra-staging:clusterName]`. */
export const STACK_REF_MARKER_PREFIX = "[stack-ref ";

/** Whether a value is one of the markers above: what the mock engine shows in place of a value. */
export function isValueMarker(value: unknown): value is string {
  return (
    value === SECRET_MARKER ||
    value === UNKNOWN_MARKER ||
    (typeof value === "string" && value.startsWith(STACK_REF_MARKER_PREFIX))
  );
}

// The userinfo of an HTTP(S) URL (`https://user:token@host`, `https://token@host`) can be a
// credential: git's arguments and messages carry it, and so can a value echoed in an error.
const URL_USERINFO = /\b(https?:\/\/)[^\s/@'"]+@/gi;

/** `text` with the userinfo of every HTTP(S) URL in it shown as `***`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, "$1***@");
}

/** Whether `text` holds an HTTP(S) URL with userinfo (a user name, a token, or both) in it. */
export function hasUrlCredentials(text: string): boolean {
  return redactUrlCredentials(text) !== text;
}

/** Config namespace of this project; it matches `name:` in Pulumi.yaml. */
export const CONFIG_NAMESPACE = "gitops-platform";

/**
 * The plain keys of the project's namespace: the environment, its tier and promotion order
 * (environments.ts), one section per layer, and the guardrails.
 */
export const CONFIG_SECTIONS = [
  "environment",
  "tier",
  "promotesFrom",
  "infra",
  "platform",
  "gitops",
  "guardrails",
] as const;

/**
 * The secrets of the project's namespace, each in its own top-level key of `Pulumi.<env>.yaml` (a
 * section never holds one), set with `pulumi config set --secret --config-file Pulumi.<env>.yaml
 * gitops-platform:<key> <value>`. All belong to the platform layer and all are optional.
 */
export const SECRET_CONFIG_KEYS = {
  /** HTTPS token (password) for the state repo; sent with `stateRepo.username`. */
  stateRepoToken: "the state repo's HTTPS token",
  /** SSH private key for the state repo, when its URL is an SSH one. */
  stateRepoSshKey: "the state repo's SSH private key",
  /** Slack bot token for notifications. */
  argocdSlackToken: "the Slack bot token",
  /** Bearer token sent to the notifications webhook. */
  argocdWebhookToken: "the webhook's bearer token",
  /** OIDC client secret; without it the SSO client is public and uses PKCE. */
  argocdOidcClientSecret: "the OIDC client secret",
} as const;

/** Every key the project's namespace may hold, sorted. */
export const KNOWN_CONFIG_KEYS: readonly string[] = [...CONFIG_SECTIONS, ...Object.keys(SECRET_CONFIG_KEYS)].sort();

/**
 * Refuses a key of the project's namespace that no layer reads (`gitops-platform:colour`, a misspelled
 * `stateRepoTokn`): it would be ignored without a word. Keys of other namespaces (`aws:region`) are
 * the providers' and pass.
 */
export function assertKnownConfigKeys(keys: readonly string[], file: string): void {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const unknown = keys.filter((k) => k.startsWith(prefix) && !KNOWN_CONFIG_KEYS.includes(k.slice(prefix.length)));
  if (unknown.length === 0) return;
  const lines = unknown.map((key) => {
    const guess = closestOf(key.slice(prefix.length), KNOWN_CONFIG_KEYS);
    return (
      `${file}: ${truncated(key)}: unknown key; expected one of the known keys of ${CONFIG_NAMESPACE}: ` +
      `${KNOWN_CONFIG_KEYS.join(", ")}${guess ? ` (did you mean ${prefix}${guess}?)` : ""}`
    );
  });
  throw new InputError(lines.join("\n"));
}

/**
 * The known name closest to a misspelled one, when it is close enough to be a typo: at most a third
 * of its characters edited (at least one, at most three).
 */
export function closestOf(received: string, known: readonly string[]): string | undefined {
  if (received.length > 2 * MAX_SHOWN_CHARACTERS) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(received.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  const allowed = Math.min(3, Math.max(1, Math.floor(received.length / 3)));
  return best && best.distance <= allowed ? best.name : undefined;
}

/** Levenshtein distance with adjacent transpositions (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

/** Parses `raw` with `schema`; any problem becomes one InputError listing every issue. */
export function parseConfig<S extends z.ZodType>(schema: S, raw: unknown, source: ConfigSource): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new InputError(formatIssues(result.error.issues, raw, source, schema));
}

/** Formats zod issues as `file: key.path: received X; expected Y`, one line per issue. */
export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  raw: unknown,
  source: ConfigSource,
  schema?: z.ZodType,
): string {
  const lines = issues.slice(0, MAX_LISTED + 1).map((issue) => describeIssue(issue, raw, source, schema));
  if (lines.length === 1) return lines[0];
  return listed(`${source.file}: ${issues.length} invalid values under ${source.key}:`, lines, issues.length);
}

/** How many problems one error lists; a value with 50,000 bad items gets the first ones and a count. */
export const MAX_LISTED = 20;

/** `header` then one `  - ` line per problem, at most MAX_LISTED of the `total`, then how many more. */
export function listed(header: string, lines: readonly string[], total: number = lines.length): string {
  const shown = lines.slice(0, MAX_LISTED).map((l) => `  - ${l}`);
  if (total > shown.length) shown.push(`  - … and ${total - shown.length} more`);
  return `${header}\n${shown.join("\n")}`;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, source: ConfigSource, schema?: z.ZodType): string {
  const path = issue.path.map((p) => (typeof p === "symbol" ? p.toString() : p));
  if (issue.code === "unrecognized_keys") {
    const known = schema ? knownKeysAt(schema, path) : undefined;
    const expected = known ? `one of the known keys: ${known.join(", ")}` : "no such key";
    return issue.keys
      .map((k) => {
        const guess = known && closestOf(k, known);
        const hint = guess ? ` (did you mean ${guess}?)` : "";
        return `${source.file}: ${keyPath(source.key, [...path, k])}: unknown key; expected ${expected}${hint}`;
      })
      .join("\n");
  }
  const received = valueAt(raw, path);
  const shown =
    received === undefined ? "nothing (the key is missing)" : source.secret ? SECRET_MARKER : shownValue(received);
  return `${source.file}: ${keyPath(source.key, path)}: received ${shown}; expected ${expectation(issue)}`;
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return typeNames[issue.expected] ?? `a ${issue.expected}`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return bound("at least", issue.minimum, issue.inclusive, issue.origin);
    case "too_big":
      return bound("at most", issue.maximum, issue.inclusive, issue.origin);
    case "invalid_format":
      return issue.format === "regex" && "pattern" in issue
        ? `a string matching ${String(issue.pattern)}`
        : `a valid ${issue.format}`;
    case "invalid_union":
      return "one of the allowed forms";
    default:
      // Custom refinements in this project write their message as the expectation.
      return issue.message;
  }
}

/** How config files speak of types: YAML has maps and lists, not objects and arrays. */
const typeNames: Record<string, string> = { object: "a map of keys", array: "a list", int: "an integer" };

function bound(word: string, limit: number | bigint, inclusive: boolean | undefined, origin: string): string {
  const n = inclusive === false ? `${word === "at least" ? "more than" : "less than"} ${limit}` : `${word} ${limit}`;
  if (origin === "array" || origin === "set") return `${n} item(s)`;
  if (origin === "string") return `${n} character(s)`;
  return n;
}

/** `key.a.b[2].c`; a key segment is cut like a value, since a received key can be as long as one. */
export function keyPath(key: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : `${acc}.${truncated(String(p))}`),
    key,
  );
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = raw;
  for (const p of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[p];
  }
  return value;
}

/** How much of a received value an error quotes: enough to recognise it, never a whole file. */
export const MAX_SHOWN_CHARACTERS = 200;

/**
 * A received value as every error quotes it: JSON, with the userinfo of URLs hidden, and cut to
 * MAX_SHOWN_CHARACTERS with its full length, so a 1 MB scalar gives a short message.
 */
export function shownValue(value: unknown): string {
  if (value === undefined) return "nothing";
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A cycle or a bigint: nothing JSON can show.
  }
  return text === undefined ? `a ${typeof value}` : truncated(redactUrlCredentials(text));
}

/** `text` cut to MAX_SHOWN_CHARACTERS, with an ellipsis and its full length when it was longer. */
export function truncated(text: string): string {
  if (text.length <= MAX_SHOWN_CHARACTERS) return text;
  return `${text.slice(0, MAX_SHOWN_CHARACTERS)}… (${text.length} characters)`;
}

/** The keys a strict object schema allows at `path`, when the schema is plain enough to walk. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let node: z.ZodType | undefined = unwrap(schema);
  for (const p of path) {
    if (node instanceof z.ZodObject) node = unwrap(node.shape[String(p)] as z.ZodType | undefined);
    else if (node instanceof z.ZodRecord) node = unwrap(node.valueType as z.ZodType);
    else if (node instanceof z.ZodArray) node = unwrap(node.element as z.ZodType);
    else return undefined;
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape).sort() : undefined;
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let node = schema;
  while (
    node instanceof z.ZodOptional ||
    node instanceof z.ZodDefault ||
    node instanceof z.ZodNullable ||
    node instanceof z.ZodPipe
  ) {
    node = node instanceof z.ZodPipe ? (node.in as z.ZodType) : (node.unwrap() as z.ZodType);
  }
  return node;
}

/**
 * Reads one layer's section of the stack's config and parses it. This is the only place that touches
 * `pulumi.Config`; everything after it works on typed values.
 */
export function loadConfigSection<S extends z.ZodType>(section: string, schema: S, configFile: string): z.output<S> {
  const key = `${CONFIG_NAMESPACE}:${section}`;
  const source: ConfigSource = { file: configFile, key, secret: isSecretConfigKey(key) };
  let raw: unknown;
  try {
    raw = new (pulumiSdk().Config)(CONFIG_NAMESPACE).getObject(section);
  } catch {
    throw new InputError(`${configFile}: ${key}: received a value that is not valid YAML/JSON; expected a map of keys`);
  }
  return parseConfig(schema, raw, source);
}

/**
 * Whether the CLI marked `key` as secret (it holds a `secure:` value somewhere). The SDK keeps this
 * function internal; if it ever disappears, every value counts as secret and errors stop echoing them.
 */
export function isSecretConfigKey(key: string): boolean {
  const runtime = pulumiSdk().runtime as unknown as { isConfigSecret?: (k: string) => boolean };
  return runtime.isConfigSecret ? runtime.isConfigSecret(key) : true;
}
