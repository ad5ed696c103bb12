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
