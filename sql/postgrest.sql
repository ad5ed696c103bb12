-- The API through PostgREST, replayed: PostgREST opens a transaction, switches to the JWT's role,
-- sets request.jwt.claims, calls the hdl_api function with the request body, and commits.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/test/sql/try.sql
\set ECHO all
CREATE EXTENSION IF NOT EXISTS hdl CASCADE;
SELECT current_user AS superuser \gset
CREATE ROLE regress_authenticator LOGIN NOINHERIT;
CREATE ROLE regress_ambulance IN ROLE hdl_provider;
CREATE ROLE regress_gateway IN ROLE hdl_provider;
CREATE ROLE regress_intruder IN ROLE hdl_provider;
CREATE ROLE regress_api_engineer IN ROLE hdl_engineer;
GRANT regress_ambulance, regress_gateway, regress_intruder, regress_api_engineer TO regress_authenticator;
SELECT hdl.register_source('regress_ambulance', 'RX9', 'Regress ambulance trust') > 0 AS registered;
SELECT hdl.register_source('regress_gateway', 'G111', 'NHS 111 via the gateway', gateway => true) > 0 AS registered;
SELECT hdl.register_source('regress_gateway', 'G222', 'Mental health via the gateway', gateway => true) > 0 AS registered;
\c - regress_authenticator
\set ECHO none
\i :abs_srcdir/test/sql/try.sql
\set ECHO all

-- POST /rpc/ingest_bundle with a JWT {"role": "regress_ambulance"}
BEGIN;
SELECT set_config('role', 'regress_ambulance', true), set_config('request.jwt.claims', '{"role":"regress_ambulance"}', true) IS NOT NULL AS claims_set;
SELECT hdl_api.pre_request();
SELECT pg_temp.mask(hdl_api.ingest_bundle($${"resourceType":"Bundle","type":"transaction","entry":[
 {"resource":{"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"EMER"}},
  "request":{"method":"POST","url":"Encounter"}}]}$$)::text);
COMMIT;

-- the gateway role acts for the organisation its claim hdl_org names, when registered for it
BEGIN;
SELECT set_config('role', 'regress_gateway', true), set_config('request.jwt.claims', '{"role":"regress_gateway","hdl_org":"G222"}', true) IS NOT NULL AS claims_set;
SELECT hdl_api.pre_request();
SELECT hdl_api.ingest('{"resourceType":"Encounter","id":"gw-enc-1","status":"planned","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"}}') -> 'meta' ->> 'versionId' AS version;
COMMIT;
-- ... and is refused for an organisation it is not registered for, or with no claim at all
BEGIN;
SELECT set_config('role', 'regress_gateway', true), set_config('request.jwt.claims', '{"role":"regress_gateway","hdl_org":"RX9"}', true) IS NOT NULL AS claims_set;
SELECT pg_temp.regress_try('SELECT hdl_api.pre_request()');
SELECT pg_temp.regress_try($$SELECT hdl_api.ingest('{"resourceType":"Encounter","status":"planned","class":{"code":"AMB"}}')$$);
ROLLBACK;
BEGIN;
SELECT set_config('role', 'regress_gateway', true) IS NOT NULL AS role_set;
SELECT pg_temp.regress_try('SELECT hdl_api.pre_request()');
ROLLBACK;
-- a non-gateway role cannot borrow another organisation through the claim: its own source is used
BEGIN;
SELECT set_config('role', 'regress_ambulance', true), set_config('request.jwt.claims', '{"role":"regress_ambulance","hdl_org":"G111"}', true) IS NOT NULL AS claims_set;
SELECT hdl_api.ingest('{"resourceType":"Encounter","id":"amb-enc-2","status":"planned","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"}}') -> 'meta' ->> 'versionId' AS version;
COMMIT;
-- an unregistered role (a JWT for a role nobody registered) is refused: 403 through PostgREST
BEGIN;
SELECT set_config('role', 'regress_intruder', true) IS NOT NULL AS role_set;
SELECT pg_temp.regress_try('SELECT hdl_api.pre_request()');
SELECT pg_temp.regress_try($$SELECT hdl_api.ingest('{"resourceType":"Encounter","status":"planned","class":{"code":"AMB"}}')$$);
ROLLBACK;
-- GET /rpc/console with an engineer's JWT: engineers pass pre_request and get the page; what
-- else they may call is up to function privileges (ingestion stays with sources)
BEGIN;
SELECT set_config('role', 'regress_api_engineer', true), set_config('request.jwt.claims', '{"role":"regress_api_engineer"}', true) IS NOT NULL AS claims_set;
SELECT hdl_api.pre_request();
SELECT left(hdl_api.console()::text, 15) AS page, pg_typeof(hdl_api.console()) AS media_type;
SELECT pg_temp.regress_try($$SELECT hdl_api.ingest('{"resourceType":"Encounter","status":"planned","class":{"code":"AMB"}}')$$);
ROLLBACK;
-- ... and a provider does not get the console
BEGIN;
SELECT set_config('role', 'regress_ambulance', true) IS NOT NULL AS role_set;
SELECT pg_temp.regress_try($$SELECT hdl_api.console()$$);
ROLLBACK;
-- a failing request rolls back as a whole: nothing stored
BEGIN;
SELECT set_config('role', 'regress_ambulance', true) IS NOT NULL AS role_set;
SELECT hdl_api.ingest('{"resourceType":"Encounter","status":"unknown-status","class":{"code":"AMB"}}');  -- ERROR
ROLLBACK;
\c - :superuser
SELECT s.org_code, r.resource_type, r.id ~ '^[0-9a-f-]{36}$' OR r.id IN ('gw-enc-1', 'amb-enc-2') AS id_ok
FROM hdl_lake.resource r JOIN hdl.source s USING (source_id)
WHERE s.org_code IN ('RX9', 'G111', 'G222') ORDER BY s.org_code, r.id;

-- The catalogue, the batches and their audit entries agree with the lake (issue 13; see
-- test/sql/catalog_check.sql): no row.
\set ECHO none
\i :abs_srcdir/test/sql/catalog_check.sql
\set ECHO all
SELECT * FROM pg_temp.catalog_mismatches();
