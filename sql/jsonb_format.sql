-- The core reads and writes Postgres's JSONB bytes itself (no text round trip); its encoding
-- of every document below must be byte-identical to Postgres's own.
SET hdl.enable_test_functions = on;
CREATE TEMP TABLE docs(doc jsonb);
INSERT INTO docs VALUES
  ('null'), ('true'), ('false'), ('0'), ('-0'), ('1'), ('-1'), ('1.50'), ('0.0001'), ('-123456789.987654321'),
  ('1e10'), ('1.5e-7'), ('12345678901234567890123456789012345678901234567890'), ('0.000000000000000000000000000000000000000000000000000000000000000000000001'),
  ('""'), ('"é ü 中文 🙂"'), ('"with \"quotes\" and \\ backslash\n"'),
  ('[]'), ('{}'), ('[1, "a", null, true, {"b": [2.5]}]'),
  ('{"resourceType": "Patient", "id": "p1", "name": [{"family": "Smith", "given": ["Ann", "B"]}], "active": true}'),
  ('{"a": 1, "bb": 2, "ccc": 3, "b": 4, "aa": 5}');
-- objects and arrays long enough to use the JEntry offset stride (every 32nd entry)
INSERT INTO docs SELECT jsonb_object_agg('key' || i, i * 1.25) FROM generate_series(1, 100) i;
INSERT INTO docs SELECT jsonb_agg(jsonb_build_object('i', i, 's', repeat('x', i))) FROM generate_series(1, 70) i;
SELECT count(*) AS documents, count(*) FILTER (WHERE hdl._test_jsonb_reencode_identical(doc)) AS byte_identical
FROM docs;
SELECT doc FROM docs WHERE NOT hdl._test_jsonb_reencode_identical(doc);
SELECT count(*) FILTER (WHERE hdl._test_jsonb_reencode(doc) = doc) AS equal FROM docs;
