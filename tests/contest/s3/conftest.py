from tests.s3_endpoint import s3, s3_endpoint  # noqa: F401 (fixtures)
