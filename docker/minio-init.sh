#!/bin/sh
# Runs once in the minio/mc image (compose service s3-init): the lake's bucket, and a MinIO user
# for the lake that may use that bucket only (the root credentials stay with MinIO).
set -eu
: "${HDL_S3_BUCKET:?}" "${HDL_S3_ACCESS_KEY:?}" "${HDL_S3_SECRET_KEY:?}" "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}"
mc alias set hdl http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null
mc mb --ignore-existing "hdl/$HDL_S3_BUCKET"
policy=/tmp/hdl-lake-policy.json
cat >"$policy" <<JSON
{"Version": "2012-10-17", "Statement": [
 {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
  "Resource": ["arn:aws:s3:::$HDL_S3_BUCKET"]},
 {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload",
  "s3:ListMultipartUploadParts"], "Resource": ["arn:aws:s3:::$HDL_S3_BUCKET/*"]}]}
JSON
mc admin policy create hdl hdl-lake "$policy"
mc admin user add hdl "$HDL_S3_ACCESS_KEY" "$HDL_S3_SECRET_KEY"
# attach refuses a policy that is attached already (a second run): that is fine
mc admin policy attach hdl hdl-lake --user "$HDL_S3_ACCESS_KEY" || true
echo "s3-init: bucket $HDL_S3_BUCKET ready for user $HDL_S3_ACCESS_KEY"
