-- The PostgREST gateway: an authenticator that switches to provider roles named in the JWT's
-- "role" claim. Passwords come from the compose file's environment through psql variables.
\getenv authenticator_password HDL_AUTHENTICATOR_PASSWORD
CREATE ROLE authenticator LOGIN NOINHERIT PASSWORD :'authenticator_password';
CREATE ROLE web_anon NOLOGIN;
GRANT web_anon TO authenticator;
-- A demo provider feed reachable through PostgREST (JWT claim "role": "gp_feed").
CREATE ROLE gp_feed NOLOGIN IN ROLE hdl_provider;
GRANT gp_feed TO authenticator;
