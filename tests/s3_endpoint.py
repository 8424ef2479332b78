"""A local S3 endpoint on loopback: moto's server, with S3's checks of presigned URLs.

moto answers the S3 API but accepts any presigned URL, expired or altered. The endpoint here
puts moto behind the check S3 makes of a query-signed request: the signature recomputed with
botocore's own signer must match, and the URL must not have expired. Requests signed in a
header (boto3's own calls) pass unchanged. Each test gets its own bucket, with the CORS rule
the browser uploads need (docs/deploy.md).

Fixtures for the tests that use it: `from tests.s3_endpoint import s3, s3_endpoint` in a
conftest.py.
"""

import datetime as dt
import threading
import uuid
from urllib.parse import parse_qsl, urlsplit

import boto3
import pytest
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

KEY_ID, SECRET, REGION = "test-key", "test-secret", "us-east-1"
# Small parts, so that a clip of a few hundred kilobytes goes up in several of them.
PART_SIZE = 8 * 1024
CORS = {
    "CORSRules": [
        {
            "AllowedOrigins": ["*"],  # in production: the site's origin (docs/deploy.md)
            "AllowedMethods": ["GET", "HEAD", "PUT"],
            "AllowedHeaders": ["*"],
            "ExposeHeaders": ["ETag"],
            "MaxAgeSeconds": 3600,
        }
    ]
}


def _refusal(start_response, code: str, message: str):
    body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()
    start_response("403 Forbidden", [("Content-Type", "application/xml")])
    return [body]


def _signature_problem(environ) -> tuple[str, str] | None:
    """What S3 would say of a presigned request, or None when it holds (or is not one).

    A CORS preflight (OPTIONS) is answered from the bucket's CORS rules, unsigned, as by S3.
    """
    raw_query = environ.get("QUERY_STRING", "")
    params = dict(parse_qsl(raw_query, keep_blank_values=True))
    if "X-Amz-Signature" not in params or environ["REQUEST_METHOD"] == "OPTIONS":
        return None
    signed_at = dt.datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    expires = int(params["X-Amz-Expires"])
    if dt.datetime.now(dt.UTC) > signed_at + dt.timedelta(seconds=expires):
        return "AccessDenied", "Request has expired"
    host = environ["HTTP_HOST"]
    path = urlsplit(environ.get("RAW_URI") or environ.get("REQUEST_URI")).path
    query = "&".join(p for p in raw_query.split("&") if not p.startswith("X-Amz-Signature="))
    request = AWSRequest(
        method=environ["REQUEST_METHOD"], url=f"http://{host}{path}?{query}", headers={"host": host}
    )
    request.context["timestamp"] = params["X-Amz-Date"]
    auth = S3SigV4QueryAuth(Credentials(KEY_ID, SECRET), "s3", REGION, expires=expires)
    expected = auth.signature(
        auth.string_to_sign(request, auth.canonical_request(request)), request
    )
    if expected != params["X-Amz-Signature"]:
        return "SignatureDoesNotMatch", "The request signature does not match"
    return None


def _checked(app):
    def wrapper(environ, start_response):
        problem = _signature_problem(environ)
        if problem is not None:
            return _refusal(start_response, *problem)
        return app(environ, start_response)

    return wrapper


@pytest.fixture(scope="session")
def s3_endpoint():
    """The endpoint's URL, e.g. http://127.0.0.1:40123, for the whole run."""
    import moto.s3.models
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    class QuietHandler(MotoRequestHandler):
        def log_request(self, *args, **kwargs):
            pass

    moto.s3.models.S3_UPLOAD_PART_MIN_SIZE = PART_SIZE
    app = _checked(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def s3(settings, s3_endpoint, tmp_path):
    """Files in a fresh private bucket of the local endpoint; returns a boto3 client of it."""
    bucket = f"microvideo-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    client.create_bucket(Bucket=bucket)
    client.put_bucket_cors(Bucket=bucket, CORSConfiguration=CORS)
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.S3_BUCKET = bucket
    settings.S3_ENDPOINT_URL = s3_endpoint
    settings.S3_REGION = REGION
    settings.S3_ADDRESSING_STYLE = "path"
    settings.AWS_ACCESS_KEY_ID = KEY_ID
    settings.AWS_SECRET_ACCESS_KEY = SECRET
    settings.S3_PRESIGN_SECONDS = 60
    settings.S3_PART_SIZE = PART_SIZE
    client.bucket = bucket
    return client


def keys(client) -> list[str]:
    found = client.list_objects_v2(Bucket=client.bucket).get("Contents", [])
    return sorted(item["Key"] for item in found)
