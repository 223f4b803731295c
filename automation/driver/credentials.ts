import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

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
