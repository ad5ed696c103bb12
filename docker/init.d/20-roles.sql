-- The roles of the demo stack. Passwords come from compose.yaml's environment (psql variables).
--   authenticator  PostgREST's login: switches to the role named in the JWT's "role" claim
--   web_anon       PostgREST's role for requests without a JWT: may do nothing (pre_request refuses it)
--   gp_feed        a provider feed (JWT {"role": "gp_feed"}): POST /rpc/ingest_bundle, /rpc/ingest
--   feeds_gateway  a gateway for two organisations (JWT {"role": "feeds_gateway", "hdl_org": "R9C"})
--   lake_engineer  an engineer, by psql or JWT ({"role": "lake_engineer"}): GET /rpc/console, marts, jobs, S3
--   lake_analyst   an analyst for BI tools (psql, JDBC, ODBC): reads the marts
\getenv authenticator_password HDL_AUTHENTICATOR_PASSWORD
\getenv engineer_password HDL_ENGINEER_PASSWORD
\getenv analyst_password HDL_ANALYST_PASSWORD
CREATE ROLE authenticator LOGIN NOINHERIT PASSWORD :'authenticator_password';
CREATE ROLE web_anon NOLOGIN;
CREATE ROLE gp_feed NOLOGIN IN ROLE hdl_provider;
CREATE ROLE feeds_gateway NOLOGIN IN ROLE hdl_provider;
CREATE ROLE lake_engineer LOGIN PASSWORD :'engineer_password' IN ROLE hdl_engineer;
CREATE ROLE lake_analyst LOGIN PASSWORD :'analyst_password' IN ROLE hdl_analyst;
GRANT web_anon, gp_feed, feeds_gateway, lake_engineer TO authenticator;
-- The sources: one organisation per provider role; a gateway is registered once per organisation
-- it may send for, and names one in each request (the claim hdl_org).
SELECT hdl.register_source('gp_feed', 'B99001', 'Meadowbank Medical Practice (demo GP feed)');
SELECT hdl.register_source('feeds_gateway', 'R9C', 'NHS 111 Yorkshire (demo, through the gateway)', gateway => true);
SELECT hdl.register_source('feeds_gateway', 'R9M', 'Dales Mental Health Trust (demo, through the gateway)', gateway => true);
