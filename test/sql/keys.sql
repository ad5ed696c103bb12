-- write_keys(file, lines): writes a key file into the data directory, mode 0600 as hdl requires
-- (COPY TO a file would make it 0644), and returns its name, which hdl.key_file takes relative
-- to the data directory.
CREATE OR REPLACE FUNCTION pg_temp.write_keys(file text, lines text[]) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('COPY (SELECT unnest(%L::text[])) TO PROGRAM %L', lines,
		'umask 077 && cat > ''' || current_setting('data_directory') || '/' || file || '''');
	RETURN file;
END
$$;
