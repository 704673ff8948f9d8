"""The session policies Cognito adds to guest credentials in the enhanced flow ("Role trust and permissions",
Cognito Developer Guide).

Guest permissions are the role's policies intersected with these: an inline policy naming the services
guests may reach, plus the managed ``AmazonCognitoUnAuthedIdentitiesSessionPolicy`` (v3, 2024-11-01).
The basic flow adds neither. The inline policy's service list is the one in AWS's 2023 documentation
table; its exact text was not read from AWS (UNCONFIRMED verbatim).
"""

from __future__ import annotations

import json

MANAGED_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonCognitoUnAuthedIdentitiesSessionPolicy"

_INLINE_SERVICES = (
    "cloudwatch logs dynamodb kinesis mobileanalytics s3 ses sns sqs lambda machinelearning execute-api iot "
    "gamelift cognito-identity cognito-idp lex polly comprehend translate transcribe rekognition "
    "mobiletargeting firehose appsync personalize cognito-sync codewhisperer sdb"
).split()

INLINE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [f"{service}:*" for service in _INLINE_SERVICES]
            + ["sagemaker:InvokeEndpoint", "textract:DetectDocumentText", "textract:AnalyzeDocument"],
            "Resource": "*",
        }
    ],
}

MANAGED_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "rum:PutRumEvents",
                "sagemaker:InvokeEndpoint",
                "polly:*",
                "comprehend:*",
                "translate:*",
                "transcribe:*",
                "rekognition:*",
                "mobiletargeting:*",
                "firehose:*",
                "personalize:*",
                "geo:GetMap*",
                "geo:SearchPlaceIndex*",
                "geo:GetPlace",
                "geo:CalculateRoute*",
                "geo:*Geofence",
                "geo:*Geofences",
                "geo:*DevicePosition*",
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncryptTo",
                "kms:ReEncryptFrom",
                "kms:GenerateDataKey",
                "kms:GenerateDataKeyPair",
                "kms:GenerateDataKeyPairWithoutPlaintext",
                "kms:GenerateDataKeyWithoutPlaintext",
            ],
            "Resource": "*",
        }
    ],
}


def session_policies() -> dict[str, str]:
    """Named documents, as the evaluator and an explanation show them."""
    return {
        "Cognito guest inline session policy": json.dumps(INLINE_POLICY),
        "AmazonCognitoUnAuthedIdentitiesSessionPolicy": json.dumps(MANAGED_POLICY),
    }
