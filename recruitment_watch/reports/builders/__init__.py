"""One data builder per report kind. Each returns plain data (dataclasses of numbers and strings, never ORM rows)
computed by aggregate SQL (GROUP BY in the database, never rows loaded into Python to be totalled), reusing the
scoped services the web pages use."""
