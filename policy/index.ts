import { PolicyPack } from "@pulumi/policy";
import * as path from "node:path";
import { declarationOf, loadFleet } from "../environments";
import { readGuardrailsConfig } from "./config";
import { policiesFor } from "./pack";
import { RULES } from "./rules";

/**
 * The Pulumi policy pack: `pulumi preview --policy-pack policy` (needs the pulumi CLI). The only
 * place that constructs a PolicyPack, because constructing one starts the analyzer's gRPC server;
 * tests use policy/pack.ts and the rules directly. Suppressions and the tier come from the
 * environment's config file at the repository root, the same file the stacks read.
 */
const repoRoot = path.resolve(__dirname, "..");

new PolicyPack("gitops-platform-guardrails", {
  description: "gitops-platform guardrails: EKS, IAM, Helm, Argo CD, workload and Pulumi reliability rules.",
  policies: policiesFor(
    RULES,
    (env) => readGuardrailsConfig(repoRoot, env),
    (env) => declarationOf(loadFleet(repoRoot), env).tier,
  ),
});
