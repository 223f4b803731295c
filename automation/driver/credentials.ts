import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InputError } from "../../config";

/**
 * Whether this run can reach AWS. The check looks only at what the AWS SDK's default credential
 * chain reads locally (environment, web identity for GitHub OIDC, container credentials, shared
 * files). An EC2 instance role cannot be seen without calling the metadata service, so a runner
 * that relies on one says so with GITOPS_PLATFORM_CLOUD_CREDENTIALS=instance-role.
 *
 * Returns where the credentials come from, or undefined when there are none (a fork's pull request:
 * GitHub gives it no secrets and no OIDC token).
 */
export function cloudCredentialSource(
  env: NodeJS.ProcessEnv = process.env,
  homeDir: string = os.homedir(),
): string | undefined {
  if (env.GITOPS_PLATFORM_CLOUD_CREDENTIALS)
    return `GITOPS_PLATFORM_CLOUD_CREDENTIALS=${env.GITOPS_PLATFORM_CLOUD_CREDENTIALS}`;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return "AWS_ACCESS_KEY_ID";
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return "AWS_WEB_IDENTITY_TOKEN_FILE";
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) {
    return "AWS_CONTAINER_CREDENTIALS";
  }
  if (env.AWS_PROFILE) return `AWS_PROFILE=${env.AWS_PROFILE}`;
  const sharedFiles = [
    env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(homeDir, ".aws", "credentials"),
    env.AWS_CONFIG_FILE ?? path.join(homeDir, ".aws", "config"),
  ];
  return sharedFiles.find((file) => fs.existsSync(file));
}

/** Fails with one clear message, before any CLI call, when `what` needs the cloud and there are no credentials. */
export function requireCloudCredentials(what: string, env: NodeJS.ProcessEnv = process.env, homeDir?: string): void {
  if (cloudCredentialSource(env, homeDir)) return;
  throw new InputError(
    `${what} needs AWS credentials: received none (no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ` +
      "AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN, AWS_PROFILE, container credentials or ~/.aws files); " +
      "expected credentials for the environment's account (in GitHub Actions: aws-actions/configure-aws-credentials), " +
      "or GITOPS_PLATFORM_CLOUD_CREDENTIALS=instance-role on a runner with an instance role",
  );
}
