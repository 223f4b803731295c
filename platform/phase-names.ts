/**
 * The platform stack's phases on its cluster; platform/phase.ts says what each declares and how the
 * next one is chosen. Kept free of imports: the CLI reads it to define its options at startup.
 */
export const PLATFORM_PHASES = ["bootstrap", "handoff"] as const;
export type PlatformPhase = (typeof PLATFORM_PHASES)[number];
