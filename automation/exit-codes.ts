/** The CLI's documented exit codes (docs/cli.md). */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  BadInput: 2,
  /** Changes or drift found: a diff, a preview with changes, a drifted stack. */
  Changes: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
