-- regress_try(sql): runs a statement and returns "SQLSTATE: message" plus detail and hint
-- lines if it fails, so expected outputs show SQLSTATEs without source line numbers.
CREATE OR REPLACE FUNCTION pg_temp.regress_try(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	state text; msg text; det text; hnt text;
BEGIN
	EXECUTE stmt;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
	RETURN state || ': ' || msg
		|| CASE WHEN det <> '' THEN E'\nDETAIL: ' || det ELSE '' END
		|| CASE WHEN hnt <> '' THEN E'\nHINT: ' || hnt ELSE '' END;
END
$$;

-- mask(text): hides what changes from run to run or with the test keys (pseudonyms, the pseudonym
-- part of Patient record ids <org>.<hex>, uuids, instants).
CREATE OR REPLACE FUNCTION pg_temp.mask(doc text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT regexp_replace(regexp_replace(regexp_replace(regexp_replace(doc,
		'[0-9a-f]{64}', '<pseudonym>', 'g'),
		'\.[0-9a-f]{40,63}', '.<pseudonym>', 'g'),
		'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<uuid>', 'g'),
		'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)', '<instant>', 'g')
$$;
