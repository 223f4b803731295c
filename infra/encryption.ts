import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface SecretsEncryptionArgs {
  readonly clusterName: string;
  /** Pulumi `protect` on the key: losing it makes every Secret in etcd unreadable. */
  readonly protect: boolean;
}

/**
 * The customer-managed KMS key EKS uses to envelope-encrypt Kubernetes Secrets in etcd. Rotation is
 * on (yearly, KMS's default period); the key policy stays KMS's default (the account's IAM decides),
 * which is what EKS needs to create its grant when the cluster is created.
 */
export class SecretsEncryption extends pulumi.ComponentResource {
  readonly keyArn: pulumi.Output<string>;

  constructor(name: string, args: SecretsEncryptionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gitops-platform:infra:SecretsEncryption", name, {}, opts);
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${args.clusterName}`,
        enableKeyRotation: true,
        // The longest window KMS allows: a deletion by mistake can be cancelled for 30 days.
        deletionWindowInDays: 30,
      },
      { parent: this, protect: args.protect },
    );
    new aws.kms.Alias(
      `${name}-alias`,
      { name: `alias/${args.clusterName}-secrets`, targetKeyId: key.keyId },
      { parent: this },
    );
    this.keyArn = key.arn;
    this.registerOutputs({ keyArn: this.keyArn });
  }
}
