/**
 * Where the CLI writes: data on stdout, progress and logs on stderr, colour only on a terminal and
 * never when NO_COLOR is set (https://no-color.org).
 */

/**
 * For a process that runs the CLI: a reader that stops early (`gitops-platform synth | head`)
 * closes stdout, and the next write fails with EPIPE; that ends the output, not with a stack trace.
 */
export function endQuietlyWhenStdoutCloses(): void {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    process.exit(process.exitCode ?? 0);
  });
}

export function writeData(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

export function writeJson(value: unknown): void {
  writeData(JSON.stringify(value, null, 2));
}

export function logProgress(message: string): void {
  process.stderr.write(`${message}\n`);
}

const styles = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;
export type Style = keyof typeof styles;

export function colorEnabled(
  stream: NodeJS.WriteStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}

/** A painter bound to one decision about colour, so pure renderers can take it as a plain function. */
export type Paint = (style: Style, text: string) => string;

export function painter(enabled: boolean): Paint {
  return (style, text) => (enabled ? `\u001b[${styles[style][0]}m${text}\u001b[${styles[style][1]}m` : text);
}
