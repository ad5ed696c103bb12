-- The compose stack's MinIO as the hdl_s3 server "minio" (its endpoint is the one entry of
-- hdl.s3_allowed_endpoints in docker/postgresql.conf), with the lake's MinIO user (made by
-- docker/minio-init.sh, limited to the bucket HDL_S3_BUCKET) mapped for the engineer, the GP
-- feed (hdl.import_s3) and the DBA.
\getenv s3_access_key HDL_S3_ACCESS_KEY
\getenv s3_secret_key HDL_S3_SECRET_KEY
CREATE SERVER minio FOREIGN DATA WRAPPER hdl_s3 OPTIONS (endpoint 'http://minio:9000', region 'us-east-1', url_style 'path');
GRANT USAGE ON FOREIGN SERVER minio TO lake_engineer, gp_feed;
CREATE USER MAPPING FOR lake_engineer SERVER minio OPTIONS (access_key_id :'s3_access_key', secret_access_key :'s3_secret_key');
CREATE USER MAPPING FOR gp_feed SERVER minio OPTIONS (access_key_id :'s3_access_key', secret_access_key :'s3_secret_key');
CREATE USER MAPPING FOR CURRENT_USER SERVER minio OPTIONS (access_key_id :'s3_access_key', secret_access_key :'s3_secret_key');
-- Where an engineer puts IMPORT FOREIGN SCHEMA's tables (docs/s3.md).
SET ROLE lake_engineer;
SELECT hdl.create_import_schema('s3_bulk');
RESET ROLE;
