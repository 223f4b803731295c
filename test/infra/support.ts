import * as pulumi from "@pulumi/pulumi";
import * as assert from "node:assert/strict";
import { z } from "zod";
import { ResourceRecord } from "../../automation/synth/mock-engine";
import { SynthStack } from "../../automation/synth/synth";
import { infraConfigSchema } from "../../infra/config";
import { Environment, EnvironmentConfig } from "../../stack";
import { sectionOf, shippedConfig, withValue } from "../support/config";
import { synth, testEngine } from "../support/engine";

export const INFRA_KEY = "gitops-platform:infra";

/** The infra section as written in the YAML (before defaults), typed so that tests edit real keys. */
export type InfraSection = z.input<typeof infraConfigSchema>;

/** A deep copy of an environment's shipped infra section, for a test to edit. */
export function infraSection(env: Environment): InfraSection {
  return sectionOf(shippedConfig(env), INFRA_KEY) as unknown as InfraSection;
}

/** The shipped config of `env` with its infra section edited by `edit`. */
export function withInfra(env: Environment, edit: (infra: InfraSection) => void): EnvironmentConfig {
  const infra = infraSection(env);
  edit(infra);
  return withValue(shippedConfig(env), INFRA_KEY, infra);
}

export async function synthInfra(env: Environment, config?: EnvironmentConfig): Promise<SynthStack> {
  const result = await synth({ env, layers: ["infra"], ...(config ? { config } : {}) });
  return result.stacks[0];
}

export function idsOf(stack: SynthStack): string[] {
  return stack.resources.map((r) => `${r.type}::${r.name}`);
}

export function resource(stack: SynthStack, type: string, name: string): ResourceRecord {
  const found = stack.resources.find((r) => r.type === type && r.name === name);
  assert.ok(found, `${type}::${name} was not declared; got ${idsOf(stack).join(", ")}`);
  return found;
}

export function ofType(stack: SynthStack, type: string): ResourceRecord[] {
  return stack.resources.filter((r) => r.type === type);
}

/** Asserts that `run` failed with a RunError (printed without a stack trace) carrying exactly `message`. */
export async function assertRunError(run: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(run, (err: Error) => {
    assert.ok(pulumi.RunError.isInstance(err), `expected a RunError, got ${err.name}: ${err.message}`);
    assert.equal(err.message, message);
    return true;
  });
}

export const OIDC_ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE";

/**
 * Plays the cloud for what tests read: the KMS key's ARN, role ARNs, and the outputs of the
 * eks.Cluster remote component (under mocks, one resource with no children and no outputs of its own).
 */
export function playCloud(): void {
  testEngine().play({
    resourceOutputs: (args: pulumi.runtime.MockResourceArgs) => {
      if (args.type === "aws:kms/key:Key") return { arn: `arn:aws:kms:eu-west-1:111111111111:key/${args.name}` };
      if (args.type === "aws:iam/role:Role") return { arn: `arn:aws:iam::111111111111:role/${args.name}` };
      if (args.type === "eks:index:Cluster") {
        return {
          core: { endpoint: "https://EXAMPLE.gr7.eu-west-1.eks.amazonaws.com" },
          kubeconfigJson: '{"apiVersion":"v1","kind":"Config"}',
          oidcProviderArn: `arn:aws:iam::111111111111:oidc-provider/${OIDC_ISSUER}`,
          oidcProviderUrl: `https://${OIDC_ISSUER}`,
          oidcIssuer: OIDC_ISSUER,
        };
      }
      return undefined;
    },
  });
}
