"""Prices the cost arithmetic uses, us-east-1, arm64, on demand, no free tier unless stated.

The ones the README's "What it costs" table lists come from chalicelib/domain/costs.py (a test
keeps that table and those constants equal). The others below were read in December 2026 from
AWS's pricing pages as remembered and from AWS blog posts and third-party summaries found then
(the AWS price list API is not reachable from the machine this was written on): check each
before relying on it. docs/scale.md repeats them with the same caveat.
"""

from __future__ import annotations

from collections.abc import Sequence

from chalicelib.domain import costs

LAMBDA_GB_SECOND = costs.LAMBDA_GB_SECOND
LAMBDA_PER_MILLION = costs.LAMBDA_PER_MILLION
SQS_PER_MILLION = costs.SQS_PER_MILLION
S3_PUT_PER_THOUSAND = costs.S3_PUT_PER_THOUSAND
S3_GET_PER_THOUSAND = costs.S3_GET_PER_THOUSAND
DYNAMODB_WRITE_PER_MILLION = costs.DYNAMODB_WRITE_PER_MILLION
DYNAMODB_READ_PER_MILLION = costs.DYNAMODB_READ_PER_MILLION

# API Gateway REST API, per million requests, by monthly tier (requests up to the bound).
API_GATEWAY_TIERS = ((333e6, 3.50), (1e9, 2.80), (20e9, 2.38), (float("inf"), 1.51))
# S3 storage per GB-month: Standard, and Intelligent-Tiering's tiers (frequent, infrequent
# after 30 days unread, archive instant access after 90), plus its monitoring per 1,000 objects.
S3_STANDARD_GB = 0.023
S3_IT_FREQUENT_GB = 0.023
S3_IT_INFREQUENT_GB = 0.0125
S3_IT_ARCHIVE_INSTANT_GB = 0.004
S3_IT_MONITORING_PER_THOUSAND = 0.0025
S3_IT_TRANSITION_PER_THOUSAND = 0.01  # lifecycle transitions into it, per 1,000 objects
# DynamoDB: storage per GB-month; provisioned capacity per unit-hour.
DYNAMODB_STORAGE_GB = 0.25
DYNAMODB_PROVISIONED_WCU_HOUR = 0.00065
DYNAMODB_PROVISIONED_RCU_HOUR = 0.00013
# CloudFront, North America and Europe (the template's PriceClass_100): per GB by monthly tier,
# and per 10,000 HTTPS requests. Other price classes cost more per GB outside those regions.
CLOUDFRONT_GB_TIERS = ((10e3, 0.085), (50e3, 0.080), (150e3, 0.060), (500e3, 0.040),
                       (1024e3, 0.030), (5120e3, 0.025), (float("inf"), 0.020))
CLOUDFRONT_PER_10K_HTTPS = 0.0100
# OpenSearch Service domain instances per hour, and gp3 storage per GB-month. Larger r7g sizes
# not listed are priced as their r7g.large worth (each size twice the one below).
OPENSEARCH_INSTANCE_HOUR = {"t3.small.search": 0.036, "m6g.large.search": 0.128,
                            "r7g.large.search": 0.167, "r7g.xlarge.search": 0.335}
OPENSEARCH_GP3_GB = 0.122
# OpenSearch Serverless: per OCU-hour (indexing and search billed apart; half OCUs exist).
OPENSEARCH_OCU_HOUR = 0.24
# Cognito user pools, Essentials tier: the first 10,000 monthly active users free.
COGNITO_FREE_MAU = 10_000
COGNITO_ESSENTIALS_MAU = 0.015
# CloudWatch Logs: ingestion and storage per GB; custom metrics per metric-month.
LOGS_INGEST_GB = 0.50
LOGS_STORED_GB = 0.03
METRIC_MONTH = 0.30
HOURS_PER_MONTH = 730.0


def tiered(amount: float, tiers: Sequence[tuple[float, float]], unit: float = 1.0) -> float:
    """The price of `amount` over cumulative tiers of (upper bound, price per `unit`)."""
    total, lower = 0.0, 0.0
    for upper, price in tiers:
        if amount <= lower:
            break
        total += (min(amount, upper) - lower) / unit * price
        lower = upper
    return total
