"""Drives a Trove server with boto3 (AWS_DATA_PATH must point at ../shared/aws-models).

Usage: python3 boto3-client.py <endpoint-url>. Prints one JSON object of observations; the
vitest file boto3.test.ts asserts on it. Every call goes through botocore's own serializer
and parser, so this checks Trove's wire format against a second official SDK.
"""
import json
import sys
import time
import urllib.request

import boto3

url = sys.argv[1]
client = boto3.client(
    "bedrock-agentcore-control", endpoint_url=url, region_name="us-east-1",
    aws_access_key_id="test", aws_secret_access_key="test",
)
out = {}


def wait_active(dataset_id):
    for _ in range(400):
        d = client.get_dataset(datasetId=dataset_id)
        if d["status"] not in ("CREATING", "UPDATING", "DELETING"):
            return d
        time.sleep(0.025)
    raise RuntimeError("dataset did not settle")


def error_of(call):
    try:
        call()
    except client.exceptions.ClientError as error:
        return {
            "code": error.response["Error"]["Code"],
            "status": error.response["ResponseMetadata"]["HTTPStatusCode"],
            "reason": error.response.get("reason"),
            "fieldList": error.response.get("fieldList"),
            "typed": type(error).__name__,
        }
    return None


examples = [{"scenario_id": f"s{i}", "turns": [{"input": f"q{i}"}]} for i in range(25)]
created = client.create_dataset(
    datasetName="from_boto3", schemaType="AGENTCORE_EVALUATION_PREDEFINED_V1",
    source={"inlineExamples": {"examples": examples}},
)
out["createStatus"] = created["ResponseMetadata"]["HTTPStatusCode"]
out["createdAtType"] = type(created["createdAt"]).__name__
dataset_id = created["datasetId"]
d = wait_active(dataset_id)
out["get"] = {k: d[k] for k in ("status", "draftStatus", "exampleCount", "datasetVersion")}
out["requestId"] = d["ResponseMetadata"]["RequestId"]
added = client.add_dataset_examples(
    datasetId=dataset_id, source={"inlineExamples": {"examples": [{"scenario_id": "x", "turns": [{"input": "hi"}]}]}},
)
out["added"] = {"count": added["addedCount"], "ids": len(added["exampleIds"])}
wait_active(dataset_id)
version = client.create_dataset_version(datasetId=dataset_id)
out["version"] = version["datasetVersion"]
wait_active(dataset_id)

pages = list(client.get_paginator("list_dataset_examples").paginate(
    datasetId=dataset_id, datasetVersion="1", PaginationConfig={"PageSize": 7}))
out["pages"] = len(pages)
out["paged"] = [e["scenario_id"] for page in pages for e in page["examples"]]
out["pagedVersions"] = sorted({page["datasetVersion"] for page in pages})

link = client.get_dataset(datasetId=dataset_id, datasetVersion="1")["downloadUrl"]
with urllib.request.urlopen(link) as response:
    lines = [json.loads(line) for line in response.read().decode().splitlines() if line]
out["downloaded"] = len(lines)

out["validation"] = error_of(lambda: client.create_dataset(
    datasetName="bad name", schemaType="AGENTCORE_EVALUATION_PREDEFINED_V1",
    source={"inlineExamples": {"examples": examples[:1]}}))
out["badExample"] = error_of(lambda: client.add_dataset_examples(
    datasetId=dataset_id, source={"inlineExamples": {"examples": [{"scenario_id": "y", "turns": [{}]}]}}))
out["conflict"] = error_of(lambda: client.create_dataset(
    datasetName="FROM_BOTO3", schemaType="AGENTCORE_EVALUATION_PREDEFINED_V1",
    source={"inlineExamples": {"examples": examples[:1]}}))
out["notFound"] = error_of(lambda: client.get_dataset(datasetId="missing-0123456789"))
token = "f" * 36
client.update_dataset(datasetId=dataset_id, description="one", clientToken=token)
out["mismatch"] = error_of(lambda: client.update_dataset(datasetId=dataset_id, description="two", clientToken=token))

deleted = client.delete_dataset(datasetId=dataset_id)
out["deleteStatus"] = [deleted["ResponseMetadata"]["HTTPStatusCode"], deleted["status"]]
print(json.dumps(out))
