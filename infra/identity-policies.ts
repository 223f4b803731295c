/**
 * IAM policy documents of the add-on workload identities, as plain data. Each grants only what its
 * add-on calls, on only the resources it needs.
 */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow";
  readonly Principal?: Readonly<Record<string, string>>;
  readonly Action: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** Where a role is bound: one service account in one namespace. */
export interface ServiceAccountBinding {
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * Trust for EKS Pod Identity: the EKS Auth service assumes the role and tags the session with the
 * cluster, namespace and service account (EKS user guide, "pod-id-role" and "pod-id-abac"), so the
 * conditions pin the role to one service account of one cluster even if someone associates it elsewhere.
 */
export function podIdentityTrustPolicy(clusterName: string, binding: ServiceAccountBinding): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowEksPodIdentity",
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:RequestTag/eks-cluster-name": clusterName,
            "aws:RequestTag/kubernetes-namespace": binding.namespace,
            "aws:RequestTag/kubernetes-service-account": binding.serviceAccount,
          },
        },
      },
    ],
  };
}

/** Trust for IRSA: tokens of the cluster's OIDC issuer, for one service account, audience STS. */
export function irsaTrustPolicy(
  oidcProviderArn: string,
  oidcIssuer: string,
  binding: ServiceAccountBinding,
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowIrsa",
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${oidcIssuer}:sub`]: `system:serviceaccount:${binding.namespace}:${binding.serviceAccount}`,
            [`${oidcIssuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  };
}

/**
 * external-dns (its AWS tutorial's policy, narrowed): record changes and reads only in the listed
 * hosted zones. ListHostedZones has no resource-level permissions in Route53, so it alone takes "*";
 * it reveals zone names, not records.
 */
export function externalDnsPolicy(partition: string, hostedZoneIds: readonly string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ChangeRecordsInListedZones",
        Effect: "Allow",
        Action: [
          "route53:ChangeResourceRecordSets",
          "route53:ListResourceRecordSets",
          "route53:ListTagsForResource",
          "route53:ListTagsForResources",
        ],
        Resource: hostedZoneIds.map((id) => `arn:${partition}:route53:::hostedzone/${id}`),
      },
      { Sid: "FindZones", Effect: "Allow", Action: "route53:ListHostedZones", Resource: "*" },
    ],
  };
}

/**
 * Fluent Bit's cloudwatch_logs output writing to one existing log group: it creates streams and
 * puts events, and never creates groups or sets retention (infra owns the group and its retention).
 * The `:*` form covers the group's streams and the group ARN as DescribeLogStreams reports it.
 */
export function cloudWatchLogsPolicy(
  partition: string,
  region: string,
  accountId: string,
  logGroupName: string,
): PolicyDocument {
  const group = `arn:${partition}:logs:${region}:${accountId}:log-group:${logGroupName}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WriteToOwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        Resource: [group, `${group}:*`],
      },
    ],
  };
}

/** AWS's managed policy for the EBS CSI driver: volume actions scoped by the driver's own tags. */
export function ebsCsiDriverPolicyArn(partition: string): string {
  return `arn:${partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`;
}
