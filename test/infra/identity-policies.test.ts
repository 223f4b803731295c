import * as assert from "node:assert/strict";
import {
  cloudWatchLogsPolicy,
  ebsCsiDriverPolicyArn,
  externalDnsPolicy,
  irsaTrustPolicy,
  podIdentityTrustPolicy,
} from "../../infra/identity-policies";
import { workloadIdentities } from "../../infra/outputs";
import { partitionOf } from "../../infra/partition";

describe("workload identity policies", () => {
  it("trusts EKS Pod Identity only for one service account of one cluster", () => {
    assert.deepEqual(podIdentityTrustPolicy("gitops-staging", workloadIdentities.externalDns), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AllowEksPodIdentity",
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Condition: {
            StringEquals: {
              "aws:RequestTag/eks-cluster-name": "gitops-staging",
              "aws:RequestTag/kubernetes-namespace": "external-dns",
              "aws:RequestTag/kubernetes-service-account": "external-dns",
            },
          },
        },
      ],
    });
  });

  it("trusts IRSA tokens of the cluster's issuer only for one service account, audience STS", () => {
    const issuer = "oidc.eks.eu-west-1.amazonaws.com/id/ABC";
    const arn = `arn:aws:iam::111111111111:oidc-provider/${issuer}`;
    assert.deepEqual(irsaTrustPolicy(arn, issuer, workloadIdentities.ebsCsiDriver).Statement, [
      {
        Sid: "AllowIrsa",
        Effect: "Allow",
        Principal: { Federated: arn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: "system:serviceaccount:kube-system:ebs-csi-controller-sa",
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ]);
  });

  it("lets external-dns change records only in the listed hosted zones", () => {
    assert.deepEqual(externalDnsPolicy("aws", ["Z111", "Z222"]).Statement, [
      {
        Sid: "ChangeRecordsInListedZones",
        Effect: "Allow",
        Action: [
          "route53:ChangeResourceRecordSets",
          "route53:ListResourceRecordSets",
          "route53:ListTagsForResource",
          "route53:ListTagsForResources",
        ],
        Resource: ["arn:aws:route53:::hostedzone/Z111", "arn:aws:route53:::hostedzone/Z222"],
      },
      { Sid: "FindZones", Effect: "Allow", Action: "route53:ListHostedZones", Resource: "*" },
    ]);
  });

  it("grants no action on every resource except the one Route53 cannot scope", () => {
    const wildcards = [
      externalDnsPolicy("aws", ["Z1"]),
      cloudWatchLogsPolicy("aws", "eu-west-1", "111111111111", "/logs"),
    ].flatMap((p) => p.Statement.filter((s) => s.Resource === "*").map((s) => s.Action));
    assert.deepEqual(wildcards, ["route53:ListHostedZones"]);
  });

  it("lets the logging add-on write only to its own log group, never create groups or set retention", () => {
    assert.deepEqual(cloudWatchLogsPolicy("aws", "eu-west-1", "111111111111", "/gitops/staging/containers").Statement, [
      {
        Sid: "WriteToOwnLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        Resource: [
          "arn:aws:logs:eu-west-1:111111111111:log-group:/gitops/staging/containers",
          "arn:aws:logs:eu-west-1:111111111111:log-group:/gitops/staging/containers:*",
        ],
      },
    ]);
  });

  const partitions: [string, string][] = [
    ["eu-west-1", "aws"],
    ["cn-north-1", "aws-cn"],
    ["us-gov-west-1", "aws-us-gov"],
  ];
  for (const [region, partition] of partitions) {
    it(`spells ARNs in partition ${partition} for ${region}`, () => {
      assert.equal(partitionOf(region), partition);
      assert.equal(
        ebsCsiDriverPolicyArn(partitionOf(region)),
        `arn:${partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`,
      );
    });
  }
});
